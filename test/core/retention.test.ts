/**
 * Retention on both drivers, with the test clock standing in for the passing days: maintenance
 * deletes finished entries (COMPLETED, FAILED, CANCELLED) last changed before now − retention days,
 * with their events and their count deltas, in bounded batches; active entries and younger ones stay.
 */
import { describe, expect, it } from 'vitest';
import { PRUNE_BATCH } from '../../src/main/core/maintenance';
import type { Stage } from '../../src/main/core/index';
import { uuidv7Floor } from '../../src/main/core/store';
import type { Entry, Status, StatusCounts } from '../../src/shared/contract';
import { STATUSES } from '../../src/shared/contract';
import { allEntries, describeEachDriver, ok, openDriverCore, waitFor, waitForDbTime, type DriverCore } from '../support/core';
import { adminClient } from '../support/shared-pg';
import { TestClock } from '../support/test-clock';

const DAY = 24 * 3600_000;

/** One stage; a title starting with "fail" throws, and with maxAttempts 1 that is FAILED at once. */
const oneStage: Stage[] = [
  {
    name: 'only',
    run: ({ entry }) => (entry.title.startsWith('fail') ? Promise.reject(new Error('fails by name')) : Promise.resolve()),
  },
];

async function finishAll(core: DriverCore, titles: string[]): Promise<Entry[]> {
  const made: Entry[] = [];
  for (const title of titles) made.push(await ok(core.invoke('entries:create', { title })));
  const ids = new Set(made.map((e) => e.id));
  return waitFor(async () => {
    const now = (await allEntries(core)).filter((e) => ids.has(e.id));
    return now.every((e) => e.status === 'COMPLETED' || e.status === 'FAILED') ? now : undefined;
  }, `${titles.length} entries to finish`);
}

function countsOf(entries: readonly Entry[]): StatusCounts {
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<Status, number>;
  for (const e of entries) c[e.status]++;
  return c;
}

/** Events left for these entries (server: read directly; the embedded engine relies on the cascade, checked by `get`). */
async function eventsLeft(core: DriverCore, ids: string[]): Promise<number | null> {
  if (core.driver !== 'server') return null;
  const admin = await adminClient();
  const { rows } = await admin.query<{ n: number }>(`SELECT count(*)::int AS n FROM "${core.where}".entry_events WHERE entry_id = ANY($1)`, [ids]);
  return rows[0]?.n ?? -1;
}

describe('uuidv7Floor', () => {
  it('sorts below every UUIDv7 made at or after its millisecond and above those made before', () => {
    const ms = Date.UTC(2026, 11, 5, 6, 0, 0, 123);
    const hex = ms.toString(16).padStart(12, '0');
    const at = `${hex.slice(0, 8)}-${hex.slice(8)}-7abc-8def-0123456789ab`;
    const before = (ms - 1).toString(16).padStart(12, '0');
    expect(uuidv7Floor(ms) < at).toBe(true);
    expect(`${before.slice(0, 8)}-${before.slice(8)}-7fff-bfff-ffffffffffff` < uuidv7Floor(ms)).toBe(true);
  });
});

describeEachDriver('retention', (driver) => {
  it('prunes only finished entries older than the retention, with their events, and keeps the counts exact', async () => {
    const clock = new TestClock();
    const core = await openDriverCore(driver, { workers: 2, maxAttempts: 1, pipeline: oneStage, clock });
    const old = await finishAll(core, ['old 1', 'old 2', 'old 3', 'fail old']);
    const oldLast = Math.max(...old.map((e) => Date.parse(e.updatedAt)));
    await waitForDbTime(core, oldLast + 50, 'the old batch');
    const young = await finishAll(core, ['young 1', 'fail young']);
    const youngFirst = Math.min(...young.map((e) => Date.parse(e.updatedAt)));
    expect(youngFirst).toBeGreaterThan(oldLast);
    // An active entry as old as any: never pruned.
    await ok(core.invoke('queue:update', { paused: true }));
    const active = await ok(core.invoke('entries:create', { title: 'still waiting' }));

    // Retention on (the default, 30 days), and "now" 30 days after the midpoint between the batches.
    expect((await ok(core.invoke('queue:state', {}))).retentionDays).toBe(30);
    clock.freezeWallAt((oldLast + youngFirst) / 2 + 30 * DAY);
    const rounds: { pruned: number; batches: number }[] = [];
    core.events.on('housekeeping', (h) => rounds.push(h));
    await core.runMaintenance();

    expect(rounds.reduce((s, r) => s + r.pruned, 0)).toBe(old.length);
    for (const e of old) expect((await core.invoke('entries:get', { id: e.id })).ok).toBe(false);
    expect(await eventsLeft(core, old.map((e) => e.id))).toBe(driver === 'server' ? 0 : null);
    const left = await allEntries(core);
    expect(left.map((e) => e.id).sort()).toEqual([...young.map((e) => e.id), active.id].sort());
    const detail = await ok(core.invoke('entries:get', { id: young[0]?.id ?? '' }));
    expect(detail.events.length).toBeGreaterThan(1);
    // Counts: exact after the deltas and after a fold of the counts log.
    expect((await ok(core.invoke('entries:stats', {}))).counts).toEqual(countsOf(left));
    await core.runMaintenance();
    expect((await ok(core.invoke('entries:stats', {}))).counts).toEqual(countsOf(left));

    // Far in the future every finished entry goes; the waiting one stays.
    clock.freezeWallAt(Date.now() + 400 * DAY);
    await core.runMaintenance();
    expect((await allEntries(core)).map((e) => e.id)).toEqual([active.id]);
    expect((await ok(core.invoke('entries:stats', {}))).counts).toEqual(countsOf([active]));
  });

  it('prunes nothing when retention is "never"', async () => {
    const clock = new TestClock();
    const core = await openDriverCore(driver, { workers: 2, maxAttempts: 1, pipeline: oneStage, clock });
    await ok(core.invoke('queue:update', { retentionDays: null }));
    const made = await finishAll(core, ['kept 1', 'fail kept']);
    clock.stepWall(100 * 365 * DAY);
    await core.runMaintenance();
    expect((await allEntries(core)).map((e) => e.id).sort()).toEqual(made.map((e) => e.id).sort());
  });

  it(`deletes in batches of at most ${PRUNE_BATCH}, however many entries are due`, async () => {
    const clock = new TestClock();
    const core = await openDriverCore(driver, { workers: 4, batchSize: 16, maxAttempts: 1, pipeline: oneStage, clock });
    await ok(core.invoke('queue:update', { retentionDays: 1 }));
    const n = 2 * PRUNE_BATCH + 37;
    await finishAll(core, Array.from({ length: n }, (_, i) => (i % 10 === 0 ? `fail ${i}` : `bulk ${i}`)));
    clock.stepWall(2 * DAY);
    const rounds: { pruned: number; batches: number }[] = [];
    core.events.on('housekeeping', (h) => rounds.push(h));
    await core.runMaintenance();
    const pruned = rounds.reduce((s, r) => s + r.pruned, 0);
    const batches = rounds.reduce((s, r) => s + r.batches, 0);
    expect(pruned).toBe(n);
    // Each statement deleted ≤ PRUNE_BATCH: n entries took at least ⌈n / PRUNE_BATCH⌉ statements.
    expect(batches).toBeGreaterThanOrEqual(Math.ceil(n / PRUNE_BATCH));
    expect(await allEntries(core)).toEqual([]);
    expect((await ok(core.invoke('entries:stats', {}))).total).toBe(0);
  });

  it('prunes throughput stats older than two days', async () => {
    const clock = new TestClock();
    const core = await openDriverCore(driver, { workers: 1, pipeline: oneStage, maxAttempts: 1, clock });
    await ok(core.invoke('queue:update', { retentionDays: null }));
    await finishAll(core, ['counted']);
    if (driver === 'server') {
      // The fold waits until events are older than its safety margin (store.ts, FOLD_SQL).
      const admin = await adminClient();
      await admin.query(`UPDATE "${core.where}".entry_events SET at = at - interval '1 minute'`);
    }
    await waitFor(async () => (await ok(core.invoke('stats:throughput', { window: 'hour' }))).buckets.some((b) => b.completed > 0) || undefined, 'the fold');
    const rounds: { statsPruned: number }[] = [];
    core.events.on('housekeeping', (h) => rounds.push(h));
    await core.runMaintenance();
    expect(rounds.reduce((s, r) => s + r.statsPruned, 0)).toBe(0);
    clock.stepWall(2 * DAY + 120_000);
    await core.runMaintenance();
    // One minute row and at least one duration-bucket row.
    expect(rounds.reduce((s, r) => s + r.statsPruned, 0)).toBeGreaterThanOrEqual(2);
    expect((await ok(core.invoke('stats:throughput', { window: 'hour' }))).buckets.every((b) => b.completed === 0)).toBe(true);
  });
});
