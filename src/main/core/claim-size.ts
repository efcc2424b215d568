/**
 * How many entries a loop claims in its next statement. A fixed number when the operator set one;
 * by default it adapts: one statement per entry is the cost that dominates when stages are quick
 * (BENCHMARKS.md: batch 1 ran ~9× slower than batch 50 with no stage delay), while claiming many
 * entries for slow stages would run more stages at once than `workers` promises and hold entries
 * a sibling loop could start now.
 *
 * So: start at one; double while claims come back full (a backlog) and the batch's stages were
 * quick; fall back to one as soon as a stage is slow; shrink to what was there when a claim comes
 * back short (the backlog is gone), down to one when idle.
 */

/** The most a loop claims at once by default: past this, the statement's per-row work dominates. */
export const AUTO_BATCH_MAX = 64;

/**
 * A batch whose stages took at least this long is "slow": the loop claims one entry at a time, as
 * the demo's 2 s stages always do. Well above a no-op stage's run time, far below a human-visible one.
 */
export const SLOW_BATCH_MS = 25;

export interface ClaimSize {
  /** The limit for the next claim. */
  current(): number;
  /** What the last claim asked for and got back, and how long its batch's stages ran (wall, monotonic). */
  observe(asked: number, got: number, batchMs: number | null): void;
}

export function fixedClaimSize(n: number): ClaimSize {
  return { current: () => n, observe: () => undefined };
}

export function adaptiveClaimSize(max = AUTO_BATCH_MAX): ClaimSize {
  let limit = 1;
  return {
    current: () => limit,
    observe(asked, got, batchMs) {
      if (got === 0) limit = 1;
      else if (batchMs !== null && batchMs >= SLOW_BATCH_MS) limit = 1;
      else if (got >= asked) limit = Math.min(max, limit * 2);
      else limit = Math.max(1, got);
    },
  };
}
