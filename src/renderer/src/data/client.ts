/**
 * The typed client over `window.entryflow`. Request and response types come from the shared
 * contract; an `{ ok: false }` envelope becomes a thrown `EntryflowError` so TanStack Query sees a
 * failed call, with the backend's stable code and its human message kept intact.
 */
import type { Channel, ErrorCode, RequestOf, ResponseOf } from '../../../shared/contract';
import { errorMessage } from '../../../shared/error-message';

export class EntryflowError extends Error {
  override readonly name = 'EntryflowError';
  readonly code: ErrorCode;

  constructor(code: ErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export function isEntryflowError(value: unknown): value is EntryflowError {
  return value instanceof EntryflowError;
}

export async function invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<ResponseOf<C>> {
  // Read the bridge per call: tests (and a preload that loads late) may install it after import.
  // Typed as possibly absent: a page opened outside Electron (or a broken preload) has none.
  const bridge = (window as Partial<Pick<Window, 'entryflow'>>).entryflow;
  if (!bridge) {
    throw new EntryflowError('UNAVAILABLE', 'The Entryflow backend is not connected.');
  }
  let envelope;
  try {
    envelope = await bridge.invoke(channel, payload);
  } catch (cause) {
    // The preload promises never to reject; if it does anyway, treat it as the backend being away.
    throw new EntryflowError('UNAVAILABLE', `The Entryflow backend did not answer: ${errorMessage(cause)}`);
  }
  if (!envelope.ok) throw new EntryflowError(envelope.error.code, envelope.error.message);
  return envelope.data;
}
