/**
 * The channel names of the IPC contract, with no runtime dependencies, so the sandboxed preload can
 * import it without bundling the schema library. `contract.ts` is checked to define exactly these.
 */
export const CHANNELS = [
  'entries:create',
  'entries:list',
  'entries:get',
  'entries:retry',
  'entries:stats',
  'entries:cancel',
  'entries:delete',
  'entries:bulk',
  'entries:export',
  'queue:state',
  'queue:update',
  'stats:throughput',
] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** The Electron IPC channel names are the contract's channels, prefixed so they cannot clash. */
export const ipcChannelName = (channel: Channel): string => `entryflow:${channel}`;

/**
 * The one event channel, main → renderer: "something changed, refetch". Coalesced in main to at most
 * one message per CHANGE_NOTICE_MIN_INTERVAL_MS; the renderer's 2 s poll stays the floor, so a lost
 * notice costs at most one interval.
 */
export const CHANGE_EVENT = 'entryflow:changed';
export const CHANGE_NOTICE_MIN_INTERVAL_MS = 100;

/**
 * An entry id's shape (contract.ts's `id` rule), here so the preload can check the entry a change
 * notice asks to open without bundling the schema library.
 */
export const ENTRY_ID_MAX = 64;
export const ENTRY_ID_PATTERN = /^[0-9a-zA-Z_-]+$/;
