/**
 * The bridge behind `window.entryflow`, electron-free so it is tested in Node. The preload supplies
 * the transport (ipcRenderer.invoke). Imports only channels.ts at runtime: the sandboxed preload is
 * bundled, and the schema library has no business in it.
 */
import { CHANGE_EVENT, ENTRY_ID_MAX, ENTRY_ID_PATTERN, isChannel, ipcChannelName } from '../shared/channels';
import type { ChangeNotice, EntryflowBridge, Envelope, ErrorCode } from '../shared/contract';

export type Transport = (ipcChannel: string, payload: unknown) => Promise<unknown>;

function failure(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

function isEnvelope(value: unknown): value is Envelope<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  if (value.ok === true) return 'data' in value;
  if (value.ok !== false || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** Accepts anything: the renderer is not trusted to respect the types at runtime. */
export function createInvoke(transport: Transport): (channel: unknown, payload?: unknown) => Promise<Envelope<unknown>> {
  return async (channel, payload) => {
    if (!isChannel(channel)) {
      const shown = typeof channel === 'string' ? `"${channel.slice(0, 100)}"` : `a ${typeof channel}`;
      return failure('UNKNOWN_CHANNEL', `${shown} is not an Entryflow channel.`);
    }
    try {
      const reply = await transport(ipcChannelName(channel), payload);
      return isEnvelope(reply) ? reply : failure('INTERNAL', `The main process sent a malformed reply on ${channel}.`);
    } catch (error) {
      // ipcRenderer.invoke rejects when no handler exists or a value cannot be cloned: report, never throw.
      const detail = error instanceof Error ? error.message : String(error);
      return failure('INTERNAL', `The request on ${channel} could not be delivered: ${detail}`);
    }
  };
}

/** Delivers main's change notices; returns the unsubscribe. The preload supplies ipcRenderer.on/off. */
export type Subscribe = (ipcChannel: string, listener: (payload: unknown) => void) => () => void;

function isChangeNotice(value: unknown): value is ChangeNotice {
  return (
    typeof value === 'object' &&
    value !== null &&
    'entries' in value &&
    typeof value.entries === 'boolean' &&
    'queue' in value &&
    typeof value.queue === 'boolean' &&
    (!('open' in value) || value.open === undefined || (typeof value.open === 'string' && value.open.length <= ENTRY_ID_MAX && ENTRY_ID_PATTERN.test(value.open)))
  );
}

export function createBridge(transport: Transport, subscribe: Subscribe): EntryflowBridge {
  return {
    // The contract's generic signature cannot be implemented without a cast: responses are typed by
    // the main process, which is the only sender on these channels.
    invoke: createInvoke(transport) as EntryflowBridge['invoke'],
    onChange(listener) {
      if (typeof listener !== 'function') throw new TypeError('onChange needs a function');
      // Only the notice crosses, never the IPC event (it carries the sender and ports).
      return subscribe(CHANGE_EVENT, (payload) => {
        if (isChangeNotice(payload)) listener({ entries: payload.entries, queue: payload.queue, ...(payload.open === undefined ? {} : { open: payload.open }) });
      });
    },
  };
}
