/**
 * An entry's statuses and the sets the app acts on. Free of zod, like limits.ts: the renderer reads
 * these on its first paint, and the contract's schemas (contract.ts) load only with the dialogs that
 * check a form against them.
 */

/** STAGE_k: stage k of the pipeline (numbered from 1) is done, and stage k+1 is next (core/pipeline.ts). */
/** CANCELLED: a person cancelled it while it waited or ran; terminal, and it can be retried like FAILED. */
export const STATUSES = ['CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED', 'FAILED', 'CANCELLED'] as const;
export type Status = (typeof STATUSES)[number];
export type StatusCounts = Record<Status, number>;
export const TERMINAL_STATUSES: readonly Status[] = ['COMPLETED', 'FAILED', 'CANCELLED'];
/** Still has work: waiting for, or running, its next stage. Cancel applies to these. */
export const ACTIVE_STATUSES: readonly Status[] = ['CREATED', 'STAGE_1', 'STAGE_2'];
/** Retry applies to these. */
export const RETRYABLE_STATUSES: readonly Status[] = ['FAILED', 'CANCELLED'];

/** Zero for every status; a new object each call, so a caller may add to it. */
export function emptyCounts(): StatusCounts {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
}
