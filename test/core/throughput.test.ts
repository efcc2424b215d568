/**
 * The throughput rollup on both drivers: maintenance (and stats:throughput itself) folds entry_events
 * into per-minute counts and a log-scale duration histogram; the call reads zero-filled buckets and
 * per-stage p50/p95. Checked against a direct computation over the same events.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketMidpointMs, durationBucket, percentileMs } from '../../src/main/core/histogram';
import type { Stage } from '../../src/main/core/index';
import type { EntryEvent } from '../../src/shared/contract';
import { allEntries, describeEachDriver, ok, openDriverCore, waitFor, type DriverCore } from '../support/core';
import { adminClient, describeShared } from '../support/shared-pg';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The percentile the rollup must report: the midpoint of the bucket of the nearest-rank duration. */
function expectedPercentile(durations: readonly number[], p: number): number | null {
  if (durations.length === 0) return null;
  const sorted = [...durations].sort((a, b) => a - b);
  const exact = sorted[Math.max(1, Math.ceil(p * sorted.length)) - 1] as number;
  return bucketMidpointMs(durationBucket(exact));
}

describe('the duration histogram', () => {
  it('a percentile is the midpoint of the bucket holding the nearest-rank value, within one bucket (≈19%) of it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 3_600_000 }), { minLength: 1, maxLength: 200 }), fc.constantFrom(0.5, 0.95, 0.99), (ds, p) => {
        const hist = new Map<number, number>();
        for (const d of ds) hist.set(durationBucket(d), (hist.get(durationBucket(d)) ?? 0) + 1);
        const got = percentileMs(hist, p);
        expect(got).toBe(expectedPercentile(ds, p));
        const exact = Math.max(1, [...ds].sort((a, b) => a - b)[Math.ceil(p * ds.length) - 1] as number);
        const ratio = (got as number) / exact;
        expect(ratio).toBeGreaterThan(2 ** -0.25 - 1e-3);
        expect(ratio).toBeLessThan(2 ** 0.25 + 1e-3);
      }),
    );
  });

  it('keeps exact powers of two in their own bucket', () => {
    for (let k = 0; k < 31; k++) {
      expect(durationBucket(2 ** k)).toBe(4 * k);
      // Just below a power of two is the top bucket of the doubling before (from 8 on, where 2^k − 1 ≥ 2^(k − 1/4)).
      if (k >= 3) expect(durationBucket(2 ** k - 1)).toBe(4 * k - 1);
    }
    expect(durationBucket(0)).toBe(0);
    expect(percentileMs(new Map(), 0.5)).toBeNull();
  });
});

/** Events the stats count, as the test reads them through entries:get (the direct computation). */
async function everyEvent(core: DriverCore): Promise<EntryEvent[]> {
  const out: EntryEvent[] = [];
  for (const e of await allEntries(core)) out.push(...(await ok(core.invoke('entries:get', { id: e.id }))).events);
  return out;
}

/** Server only: the fold takes events once they are past its safety margin; move them there. */
async function ageEvents(core: DriverCore, seconds: number): Promise<void> {
  if (core.driver !== 'server') return;
  const admin = await adminClient();
  await admin.query(`UPDATE "${core.where}".entry_events SET at = at - make_interval(secs => $1)`, [seconds]);
}

const minuteOf = (iso: string) => new Date(Math.floor(Date.parse(iso) / 60_000) * 60_000).toISOString();

describeEachDriver('throughput', (driver) => {
  it('reads 60 minute buckets for an hour and 24 hour buckets for a day, oldest first, zero-filled', async () => {
    const core = await openDriverCore(driver);
    const before = await core.dbNow();
    const hour = await ok(core.invoke('stats:throughput', { window: 'hour' }));
    const day = await ok(core.invoke('stats:throughput', { window: 'day' }));
    const after = await core.dbNow();
    expect(hour.buckets).toHaveLength(60);
    expect(day.buckets).toHaveLength(24);
    for (const [list, step] of [[hour.buckets, 60_000], [day.buckets, 3_600_000]] as const) {
      const at = list.map((b) => Date.parse(b.at));
      for (let i = 1; i < at.length; i++) expect((at[i] as number) - (at[i - 1] as number)).toBe(step);
      // Aligned on UTC minutes / hours; the last bucket holds the database's now.
      for (const t of at) expect(t % step).toBe(0);
      const last = at[at.length - 1] as number;
      expect(last).toBeLessThanOrEqual(after);
      expect(last + step).toBeGreaterThan(before);
      expect(list.every((b) => b.completed === 0 && b.failed === 0)).toBe(true);
    }
    expect(hour.stages).toEqual([1, 2, 3].map((stage) => ({ stage, p50Ms: null, p95Ms: null, runs: 0 })));
    expect((await core.invoke('stats:throughput', { window: 'week' })).ok).toBe(false);
  });

  it('counts completions and failures per minute and per-stage percentiles exactly as the events say, once, however often it folds', async () => {
    const stage = (n: number): Stage => ({
      name: `s${n}`,
      run: async ({ entry }) => {
        // Durations spread over several buckets, varied per entry and stage.
        const i = Number(/\d+/.exec(entry.title)?.[0] ?? 0);
        await sleep(((i * 7 + n * 13) % 40) + n);
        if (n === 2 && entry.title.startsWith('flaky') && entry.attempts === 1) throw new Error('flaky');
        if (n === 3 && entry.title.startsWith('doomed')) throw new Error('doomed');
      },
    });
    const core = await openDriverCore(driver, { workers: 3, maxAttempts: 2, backoffBaseMs: 0, backoffMaxMs: 0, pipeline: [stage(1), stage(2), stage(3)] });
    const titles = [...Array.from({ length: 14 }, (_, i) => `ok ${i}`), ...Array.from({ length: 5 }, (_, i) => `flaky ${i}`), ...Array.from({ length: 3 }, (_, i) => `doomed ${i}`)];
    for (const title of titles) await ok(core.invoke('entries:create', { title }));
    await waitFor(async () => {
      const s = await ok(core.invoke('entries:stats', {}));
      return s.counts.COMPLETED + s.counts.FAILED === titles.length || undefined;
    }, 'every entry to finish');
    await ageEvents(core, 15);

    const events = await everyEvent(core);
    const got = await ok(core.invoke('stats:throughput', { window: 'hour' }));
    // Folding again (maintenance, another call) must not count anything twice.
    await core.runMaintenance();
    expect(await ok(core.invoke('stats:throughput', { window: 'hour' }))).toEqual(got);

    const perMinute = new Map<string, { completed: number; failed: number }>();
    for (const e of events) {
      const kind = e.to === 'COMPLETED' ? 'completed' : e.to === 'FAILED' && e.from !== 'FAILED' ? 'failed' : null;
      if (!kind) continue;
      const m = perMinute.get(minuteOf(e.at)) ?? { completed: 0, failed: 0 };
      m[kind]++;
      perMinute.set(minuteOf(e.at), m);
    }
    const shown = new Map(got.buckets.filter((b) => b.completed + b.failed > 0).map((b) => [b.at, { completed: b.completed, failed: b.failed }]));
    expect(shown).toEqual(perMinute);
    expect([...perMinute.values()].reduce((s, m) => s + m.completed, 0)).toBe(14 + 5);
    expect([...perMinute.values()].reduce((s, m) => s + m.failed, 0)).toBe(3);

    for (const s of [1, 2, 3]) {
      const ds = events.filter((e) => e.stage === s).map((e) => e.durationMs as number);
      expect(got.stages.find((x) => x.stage === s)).toEqual({ stage: s, runs: ds.length, p50Ms: expectedPercentile(ds, 0.5), p95Ms: expectedPercentile(ds, 0.95) });
    }
    // Stage 2 ran once more for each failed attempt; stage 3 twice for each doomed entry.
    expect(got.stages.find((x) => x.stage === 2)?.runs).toBe(titles.length + events.filter((e) => e.stage === 2 && e.from === e.to).length);
    expect(got.stages.find((x) => x.stage === 3)?.runs).toBe(14 + 5 + 3 * 2);

    // The day window sums the same minutes into hours.
    const day = await ok(core.invoke('stats:throughput', { window: 'day' }));
    expect(day.buckets.reduce((s, b) => s + b.completed, 0)).toBe(19);
    expect(day.buckets.reduce((s, b) => s + b.failed, 0)).toBe(3);
    expect(day.stages).toEqual(got.stages);
  });
});

describeShared('throughput fold on a shared server')('throughput fold on a shared server', () => {
  it('leaves events younger than the safety margin for a later fold, and counts failed attempts', async () => {
    const core = await openDriverCore('server', {
      workers: 1,
      maxAttempts: 2,
      backoffBaseMs: 0,
      backoffMaxMs: 0,
      pipeline: [{ name: 'fails once', run: ({ entry }) => (entry.attempts === 1 ? Promise.reject(new Error('first try')) : Promise.resolve()) }],
    });
    const e = await ok(core.invoke('entries:create', { title: 'margin' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).status === 'COMPLETED' || undefined, 'completion');
    const fresh = await ok(core.invoke('stats:throughput', { window: 'hour' }));
    expect(fresh.buckets.reduce((s, b) => s + b.completed, 0)).toBe(0);
    await ageEvents(core, 15);
    const aged = await ok(core.invoke('stats:throughput', { window: 'hour' }));
    expect(aged.buckets.reduce((s, b) => s + b.completed, 0)).toBe(1);
    expect(aged.stages[0]?.runs).toBe(2);
    const admin = await adminClient();
    const { rows } = await admin.query<{ n: number }>(`SELECT sum(failed_attempts)::int AS n FROM "${core.where}".stats_minutes`);
    expect(rows[0]?.n).toBe(1);
  });
});
