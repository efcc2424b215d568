import type { Entry } from '../../../shared/contract';
import { TERMINAL_STATUSES, type Status } from '../../../shared/statuses';
import { STATUS_LOOK } from './status';

/** The stage a worker runs next for an entry in this status (STAGE_k means stage k is done). */
export function stageAfter(status: Status): number | null {
  switch (status) {
    case 'CREATED':
      return 1;
    case 'STAGE_1':
      return 2;
    case 'STAGE_2':
      return 3;
    default:
      return null;
  }
}

export interface EntryState {
  /** Words for the badge and for screen readers: "Running stage 2", "Stage 1", "Failed". */
  label: string;
  /** A worker holds the entry and is running a stage now. */
  running: boolean;
  /** "attempt 2 of 3" (or "attempt 2" when the limit is not known here); null on a first try. */
  attempt: string | null;
  /** When a retry after a failed attempt is due; null when not waiting for one. */
  retryAt: string | null;
}

/**
 * What the row says about an entry. Running and waiting must read differently: a claimed entry has
 * `lockedBy` set, and `attempts` was counted at the claim, so it is the try under way; a waiting
 * entry's `attempts` are the tries already made, so its next one is attempts + 1.
 * `maxAttempts` is the core's setting when the renderer knows it (the core's default is 3).
 */
export function entryState(entry: Entry, maxAttempts?: number): EntryState {
  const terminal = TERMINAL_STATUSES.includes(entry.status);
  const stage = stageAfter(entry.status);
  const running = !terminal && entry.lockedBy !== null && stage !== null;
  const label = running ? `Running stage ${stage}` : STATUS_LOOK[entry.status].label;
  if (terminal) return { label, running: false, attempt: null, retryAt: null };

  const tried = entry.attempts > 0 || entry.error !== null;
  const n = running ? entry.attempts : entry.attempts + 1;
  const attempt = n > 1 || (tried && !running) ? formatAttempt(Math.max(n, 1), maxAttempts) : null;
  const retryAt = !running && entry.error !== null ? (entry.runAfter ?? entry.updatedAt) : null;
  return { label, running, attempt, retryAt };
}

export function formatAttempt(n: number, max?: number): string {
  return max === undefined ? `attempt ${n}` : `attempt ${n} of ${max}`;
}

/** "retry in 12s" / "retry due now", against the shared clock. */
export function formatRetry(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return 'retry pending';
  const seconds = Math.ceil((then - nowMs) / 1000);
  if (seconds <= 0) return 'retry due now';
  if (seconds < 60) return `retry in ${seconds}s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `retry in ${minutes}m`;
  return `retry in ${Math.round(minutes / 60)}h`;
}

/** The row's accessible name: title, state in words (never STAGE_1), progress. */
export function rowLabel(entry: Entry, state: EntryState): string {
  const pct = Math.max(0, Math.min(100, Math.round(entry.progress)));
  return [entry.title, state.label, state.attempt, `${pct}%`].filter(Boolean).join(', ');
}
