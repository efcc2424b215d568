/**
 * The log-scale histogram of stage durations (stats_durations): bucket b holds durations in
 * [2^(b/4), 2^((b+1)/4)) ms, four buckets per doubling. A percentile read from it is the geometric
 * midpoint of the bucket the nearest rank falls in, so it is within a factor 2^(1/8) (about ±9%) of
 * the true value, and the bucket's whole width is about 19%: fine for "is stage 2 slower than
 * usual", and it keeps the rollup at a few rows per stage and minute however many runs there are.
 *
 * The fold computes the same bucket in SQL (store.ts, DURATION_BUCKET_SQL); the small epsilon keeps
 * exact powers of two (4·log2(8) = 12) in their own bucket despite floating-point rounding.
 */
export const BUCKETS_PER_DOUBLING = 4;
const EPSILON = 1e-9;

/** The bucket of a duration in ms; below 1 ms counts as 1 ms (bucket 0). */
export function durationBucket(ms: number): number {
  return Math.floor((BUCKETS_PER_DOUBLING * Math.log(Math.max(ms, 1))) / Math.LN2 + EPSILON);
}

/** What a bucket reports: its geometric midpoint, rounded to 0.1 ms. */
export function bucketMidpointMs(bucket: number): number {
  return Math.round(10 * 2 ** ((bucket + 0.5) / BUCKETS_PER_DOUBLING)) / 10;
}

/**
 * The p-th percentile (0 < p ≤ 1) by nearest rank over `buckets` (bucket → runs): the midpoint of
 * the bucket holding the ⌈p·n⌉-th smallest duration. null when there are no runs.
 */
export function percentileMs(buckets: ReadonlyMap<number, number>, p: number): number | null {
  const sorted = [...buckets.entries()].filter(([, n]) => n > 0).sort((a, b) => a[0] - b[0]);
  const total = sorted.reduce((s, [, n]) => s + n, 0);
  if (total === 0) return null;
  const rank = Math.max(1, Math.ceil(p * total));
  let seen = 0;
  for (const [bucket, n] of sorted) {
    seen += n;
    if (seen >= rank) return bucketMidpointMs(bucket);
  }
  return null;
}
