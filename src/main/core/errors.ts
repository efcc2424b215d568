import type { ErrorCode } from '../../shared/contract';
import { errorMessage } from '../../shared/error-message';

/** Codes that only `openCore` raises: the app shows them before any window has data. */
export type OpenErrorCode = 'DATA_DIR_LOCKED' | 'DATA_DIR_UNUSABLE' | 'MIGRATION_FAILED' | 'DATABASE_UNREACHABLE';

/** An error with a stable code and a message a person can act on. */
export class CoreError extends Error {
  override readonly name = 'CoreError';
  constructor(
    readonly code: ErrorCode | OpenErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

// One errorMessage for every process (the renderer's toasts too); the core's modules import it from here.
export { errorMessage } from '../../shared/error-message';

/** How a failed database call should be treated, judged by SQLSTATE (never by message text where one exists). */
export type DbFailure =
  /** The disk is full: nothing was written; try again once there is room. */
  | 'disk-full'
  /** The server is gone, restarting, or timed out: a write may or may not have committed. */
  | 'unreachable'
  /** A conflict the server resolved by aborting us (deadlock, serialization): retry as is. */
  | 'transient'
  /** The statement's data was refused (class 22 data, 23 constraint, 54 limits): the same statement can never succeed. */
  | 'content'
  | 'other';

/** Node's socket errors: the peer is unreachable, whatever was in flight is in doubt. */
const NETWORK_ERRNOS = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
/** node-postgres's own errors carry no code; these are its exact texts for a lost or slow connection. */
const PG_CLIENT_LOST = /^(Connection terminated|timeout exceeded when trying to connect|Query read timeout|Client has encountered a connection error|Cannot use a pool after calling end)/;

export function sqlstateOf(err: unknown): string | undefined {
  const code = typeof err === 'object' && err !== null && 'code' in err ? err.code : undefined;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

export function classifyDbError(err: unknown): DbFailure {
  const state = sqlstateOf(err);
  const message = errorMessage(err);
  if (state !== undefined) {
    if (state === '53100' || (state.startsWith('58') && /no space left/i.test(message))) return 'disk-full';
    if (state.startsWith('08') || state.startsWith('53') || ['57P01', '57P02', '57P03', '57014'].includes(state)) return 'unreachable';
    if (state === '40001' || state === '40P01' || state === '55P03') return 'transient';
    if (state.startsWith('22') || state.startsWith('23') || state.startsWith('54')) return 'content';
    return 'other';
  }
  const errno = typeof err === 'object' && err !== null && 'code' in err && typeof err.code === 'string' ? err.code : undefined;
  if (errno === 'ENOSPC' || /\bENOSPC\b|no space left on device/i.test(message)) return 'disk-full';
  if ((errno !== undefined && NETWORK_ERRNOS.has(errno)) || PG_CLIENT_LOST.test(message)) return 'unreachable';
  return 'other';
}
