/**
 * The one IPC entry point: a handler per contract channel, each checking the sender before the
 * payload reaches the core. Payloads go to `core.invoke` unchanged; the core validates them against
 * the contract's schemas. Every reply is an envelope: nothing is thrown across the boundary.
 */
import type { IpcMain, IpcMainInvokeEvent } from 'electron';
import { CHANNELS, ipcChannelName, type Channel } from '../shared/channels';
import type { Envelope, ErrorCode } from '../shared/contract';
import type { CorePort } from './core-port';
import { isTrustedSender, type SenderEventLike } from './sender-check';

export interface IpcTrust {
  /** The id of our window's webContents; undefined until the window exists, which refuses all. */
  webContentsId(): number | undefined;
  allowedOrigin: string;
}

export interface IpcLogger {
  warn(message: string): void;
  error(message: string, error: unknown): void;
}

function failure(code: ErrorCode, message: string): Envelope<never> {
  return { ok: false, error: { code, message } };
}

export async function handleInvoke(
  core: Pick<CorePort, 'invoke'>,
  trust: IpcTrust,
  log: IpcLogger,
  channel: Channel,
  event: SenderEventLike,
  payload: unknown,
): Promise<Envelope<unknown>> {
  if (!isTrustedSender(event, trust.webContentsId(), trust.allowedOrigin)) {
    log.warn(`Refused ${channel} from webContents ${String(event.sender.id)} (${event.senderFrame?.url ?? 'no frame'})`);
    return failure('INVALID_INPUT', 'This request did not come from the Entryflow window and was refused.');
  }
  try {
    return await core.invoke(channel, payload);
  } catch (error) {
    // The core reports errors as envelopes; a throw is a bug or a dead store, so log it in full.
    log.error(`Core threw on ${channel}`, error);
    return failure('INTERNAL', 'Entryflow hit an internal error handling this request; details are in the log file.');
  }
}

/** Registers every contract channel; returns an undo for tests and for a core that closes. */
export function registerIpc(
  ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>,
  core: Pick<CorePort, 'invoke'>,
  trust: IpcTrust,
  log: IpcLogger,
): () => void {
  for (const channel of CHANNELS) {
    ipcMain.handle(ipcChannelName(channel), (event: IpcMainInvokeEvent, payload: unknown) =>
      handleInvoke(core, trust, log, channel, event, payload),
    );
  }
  return () => {
    for (const channel of CHANNELS) ipcMain.removeHandler(ipcChannelName(channel));
  };
}
