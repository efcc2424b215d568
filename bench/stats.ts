/**
 * What every bench reports its figures with: medians, percentiles and the load average, one copy.
 */
import { loadavg } from 'node:os';

/** The middle value; with an even count, the mean of the two middle ones. NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
}

/** The p-th percentile (nearest rank, 0–100). NaN for none. */
export function pct(xs: readonly number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? NaN;
}

/** The 1-, 5- and 15-minute load averages, as a bench prints them next to its figures. */
export function loadAverage(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}
