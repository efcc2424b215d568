import type { ErrorCode } from '../../shared/contract';

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

export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'string') return err;
  // JSON.stringify returns undefined for undefined, functions and symbols.
  const json = JSON.stringify(err) as string | undefined;
  return json ?? String(err);
}
