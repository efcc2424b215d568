import { expect, it } from 'vitest';
import { allEntries, describeEachDriver, ok, openDriverCore, waitFor } from '../support/core';

describeEachDriver('16 workers × 500 entries, stage delay 0', (driver) => {
  it('completes every entry with exactly one event per stage and never two holders at once', async () => {
    const core = await openDriverCore(driver, { workers: 16, stageDelayMs: 0, batchSize: 4 });
    // Hold intervals per entry as the workers report them: claim → outcome written. Embedded only:
    // one connection, so events arrive in commit order. On a server a finisher reports its
    // transition after the follow-up NOTIFY's round trip, by which time another loop may already
    // have claimed the entry's next stage and said so; there the database's word decides (below).
    const holder = new Map<string, string>();
    const overlaps: string[] = [];
    const lost: string[] = [];
    const storeErrors: string[] = [];
    core.events.on('claimed', ({ workerId, ids }) => {
      for (const id of ids) {
        const other = holder.get(id);
        if (other !== undefined) overlaps.push(`${id} claimed by ${workerId} while ${other} held it`);
        holder.set(id, workerId);
      }
    });
    core.events.on('transition', ({ workerId, entry }) => {
      if (holder.get(entry.id) !== workerId) overlaps.push(`${entry.id} finished by ${workerId} but held by ${holder.get(entry.id)}`);
      holder.delete(entry.id);
    });
    core.events.on('lockLost', ({ workerId, entryId }) => lost.push(`${entryId} lost by ${workerId}`));
    core.events.on('storeError', ({ workerId, error }) => storeErrors.push(`${workerId}: ${error}`));

    const N = 500;
    const created = await Promise.all(Array.from({ length: N }, (_, i) => ok(core.invoke('entries:create', { title: `load ${i}` }))));
    await waitFor(async () => (await ok(core.invoke('entries:list', { limit: 1 }))).counts.COMPLETED === N || undefined, 'all entries to complete', 120_000);
    await core.close();

    if (driver === 'embedded') expect(overlaps).toEqual([]);
    // Every write is fenced by its holder's token: had a second loop claimed an entry while the
    // first held it, the first one's write would have been refused (a lost lock).
    expect(lost).toEqual([]);
    expect(storeErrors).toEqual([]);
    const reopened = await core.reopen({ workers: 0 });
    const rows = await allEntries(reopened);
    expect(rows).toHaveLength(N);
    expect(new Set(rows.map((r) => r.id))).toEqual(new Set(created.map((c) => c.id)));
    // attempts counts the claims of the current stage: 1 means the last stage was claimed exactly once.
    for (const r of rows) expect(r).toMatchObject({ status: 'COMPLETED', progress: 100, lockedBy: null, attempts: 1 });

    // The audit trail, read back from the database: one creation and one event per stage.
    const sample = rows.filter((_, i) => i % 10 === 0);
    for (const r of sample) {
      const detail = await ok(reopened.invoke('entries:get', { id: r.id }));
      expect(detail.events.map((e) => `${e.from}→${e.to}`)).toEqual(['null→CREATED', 'CREATED→STAGE_1', 'STAGE_1→STAGE_2', 'STAGE_2→COMPLETED']);
    }
    const stats = await ok(reopened.invoke('entries:stats', {}));
    expect(stats.counts).toEqual({ CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: N, FAILED: 0, CANCELLED: 0 });
  });
});
