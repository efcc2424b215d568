/**
 * The channel names of the IPC contract, with no runtime dependencies, so the sandboxed preload can
 * import it without bundling the schema library. `contract.ts` is checked to define exactly these.
 */
export const CHANNELS = ['entries:create', 'entries:list', 'entries:get', 'entries:retry', 'entries:stats'] as const;
export type Channel = (typeof CHANNELS)[number];

export function isChannel(value: unknown): value is Channel {
  return typeof value === 'string' && (CHANNELS as readonly string[]).includes(value);
}

/** The Electron IPC channel names are the contract's channels, prefixed so they cannot clash. */
export const ipcChannelName = (channel: Channel): string => `entryflow:${channel}`;
