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

/**
 * The most a loop claims at once by default on a shared server. There many loops claim side by
 * side, and each big claim's scan steps over the rows the others just locked: 16 loops with a
 * ceiling of 512 drained one stage ~20% slower than with 64 (BENCHMARKS.md).
 */
export const AUTO_BATCH_MAX = 64;

/**
 * The ceiling where every loop shares one connection (PGlite): statements run one after another, so
 * claims never contend, and what a bigger claim saves is each statement's fixed cost, its commit
 * above all. Three no-op stages ran ~40% faster with this ceiling than with 64 (BENCHMARKS.md).
 */
export const AUTO_BATCH_MAX_ONE_CONNECTION = 512;

/**
 * A batch whose stages took at least this long is "slow": the loop claims one entry at a time, as
 * the demo's 2 s stages always do. Well above a no-op stage's run time, far below a human-visible one.
 */
export const SLOW_BATCH_MS = 25;

/**
 * Added to SLOW_BATCH_MS per entry of the batch. A batch's time is wall time on the one JavaScript
 * thread: it holds the loop's own work per entry and, on PGlite, any sibling loop's statement that ran
 * in between, and both grow with the batch. Without it, 512 no-op stages read 30–50 ms now and then
 * and the size fell back to one in the middle of a backlog.
 */
export const SLOW_MS_PER_ENTRY = 0.1;

/** Whether a batch of `got` entries whose stages took `batchMs` counts as slow. */
export function slowBatch(got: number, batchMs: number): boolean {
  return batchMs >= SLOW_BATCH_MS + got * SLOW_MS_PER_ENTRY;
}

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
      else if (batchMs !== null && slowBatch(got, batchMs)) limit = 1;
      else if (got >= asked) limit = Math.min(max, limit * 2);
      else limit = Math.max(1, got);
    },
  };
}
