/**
 * Case 8, small: the soak of bench/soak.ts (`npm run soak`, 100 000 entries by default) cut down to
 * FAULT_SOAK_ENTRIES (5 000) so it fits in about three minutes on a loaded machine. Proves nothing is
 * lost (every entry COMPLETED, total = N), the UI's list poll stays fast, and RSS does not keep
 * growing between the middle and the end of the run.
 */
import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak';
import { recordFigures } from './support/faults';

const ENTRIES = Number(process.env.FAULT_SOAK_ENTRIES ?? '5000');
/** Generous: a loaded 2-core VM, with the poll landing next to a vacuum now and then. */
const LIST_P99_MS = 1000;
const RSS_GROWTH_MB = 100;

describe('soak', () => {
  it(`${ENTRIES} entries through the pipeline while the list is polled`, async () => {
    const r = await runSoak({ entries: ENTRIES, workers: 4, batchSize: 16, pollMs: 2000, timeoutMs: 150_000 });
    console.log('[soak]', JSON.stringify(r));
    recordFigures('soak', { ...r });
    expect(r.timedOut).toBe(false);
    expect(r.completed).toBe(ENTRIES);
    expect(r.total).toBe(ENTRIES);
    expect(r.lost).toBe(false);
    expect(r.list.failed).toBe(0);
    expect(r.list.polls).toBeGreaterThan(0);
    expect(r.list.p99Ms).toBeLessThan(LIST_P99_MS);
    expect(r.rssMb.end - r.rssMb.middle).toBeLessThan(RSS_GROWTH_MB);
  }, 240_000);
});
