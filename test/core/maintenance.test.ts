import { describe, expect, it } from 'vitest';
import { VACUUM_EVERY_TRANSITIONS } from '../../src/main/core/maintenance';
import { ok, openTestCore, waitFor } from '../support/core';

describe('maintenance on the embedded engine (no autovacuum)', () => {
  it('vacuums by itself once the churn passes its threshold, and the counts stay exact', async () => {
    const seeder = await openTestCore({ workers: 0 });
    const n = Math.ceil(VACUUM_EVERY_TRANSITIONS / 3) + 20;
    for (let i = 0; i < n; i++) await ok(seeder.invoke('entries:create', { title: `churn ${i}` }));
    await seeder.close();

    const core = await openTestCore({ dataDir: seeder.dataDir, workers: 4, batchSize: 8, stageDelayMs: 0 });
    let vacuumed = 0;
    core.events.on('maintenance', (m) => {
      if (m.vacuumed) vacuumed++;
    });
    await waitFor(() => vacuumed > 0 || undefined, 'a scheduled vacuum', 90_000);
    await waitFor(async () => (await ok(core.invoke('entries:list', { limit: 1 }))).counts.COMPLETED === n || undefined, 'completion', 90_000);
    const stats = await ok(core.invoke('entries:stats', {}));
    expect(stats.total).toBe(n);
    expect(stats.counts).toEqual({ CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: n, FAILED: 0, CANCELLED: 0 });
  });

  it('does not vacuum for creates alone: inserts leave no dead rows (a burst of creates once vacuumed every 1,000)', async () => {
    const core = await openTestCore({ workers: 0 });
    const rounds: boolean[] = [];
    core.events.on('maintenance', (m) => rounds.push(m.vacuumed));
    const n = VACUUM_EVERY_TRANSITIONS + 200;
    await Promise.all(Array.from({ length: 8 }, async (_, lane) => {
      for (let i = lane; i < n; i += 8) await ok(core.invoke('entries:create', { title: `insert ${i}` }));
    }));
    const seen = rounds.length;
    await waitFor(() => rounds.length >= seen + 2 || undefined, 'two maintenance rounds after the burst');
    expect(rounds.filter(Boolean)).toEqual([]);
    expect((await ok(core.invoke('entries:stats', {}))).total).toBe(n);
  });

  it('a forced round folds the counts log without changing the counts', async () => {
    const core = await openTestCore({ workers: 2 });
    for (let i = 0; i < 30; i++) await ok(core.invoke('entries:create', { title: `fold ${i}` }));
    await waitFor(async () => (await ok(core.invoke('entries:list', { limit: 1 }))).counts.COMPLETED === 30 || undefined, 'completion');
    const before = (await ok(core.invoke('entries:stats', {}))).counts;
    await core.runMaintenance();
    expect((await ok(core.invoke('entries:stats', {}))).counts).toEqual(before);
  });
});
