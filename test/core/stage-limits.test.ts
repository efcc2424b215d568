/**
 * Issue 9, item 5: bounds on a stage. A stage that never settles fails at `stageTimeoutMs` as an
 * attempt (its signal aborted, an error naming the limit) until its attempts are used up; and one
 * hung entry does not hold the rest of its batch: the others' outcomes are written while it hangs.
 * Old main had no stage timeout, and wrote a batch's outcomes only once every stage had settled.
 * Run on the embedded driver, and on a shared server when TEST_DATABASE_URL is set.
 */
import { expect, it } from 'vitest';
import type { CoreEventMap, Stage } from '../../src/main/core/index';
import { describeEachDriver, ok, openDriverCore, waitFor } from '../support/core';

/** A stage that never settles and ignores its signal: only the worker's own bound can end it. */
function hangingStage(signals: AbortSignal[], hangs: (title: string) => boolean = () => true): Stage {
  return {
    name: 'never settles',
    run: ({ entry, signal }) => {
      if (!hangs(entry.title)) return Promise.resolve();
      signals.push(signal);
      return new Promise<void>(() => undefined);
    },
  };
}

describeEachDriver('stage limits', (driver) => {
  it('fails a stage that never settles at stageTimeoutMs, aborting its signal, until its attempts are used up', async () => {
    const signals: AbortSignal[] = [];
    const core = await openDriverCore(driver, { workers: 1, stageTimeoutMs: 300, maxAttempts: 3, backoffMaxMs: 50, pipeline: [hangingStage(signals)] });
    const failures: CoreEventMap['attemptFailed'][0][] = [];
    core.events.on('attemptFailed', (f) => failures.push(f));

    const { id } = await ok(core.invoke('entries:create', { title: 'hangs forever' }));
    const failed = await waitFor(async () => {
      const e = await ok(core.invoke('entries:get', { id }));
      return e.status === 'FAILED' ? e : undefined;
    }, 'the hung entry to end FAILED');

    expect(failures.map((f) => [f.entryId, f.attempt, f.final])).toEqual([
      [id, 1, false],
      [id, 2, false],
      [id, 3, true],
    ]);
    for (const f of failures) expect(f.error).toMatch(/ran longer than its limit of 300 ms/);
    expect(failed).toMatchObject({ attempts: 3, lockedBy: null });
    expect(failed.error).toMatch(/limit of 300 ms/);
    // Each start's signal told the stage to stop, saying why.
    expect(signals).toHaveLength(3);
    for (const s of signals) {
      expect(s.aborted).toBe(true);
      expect((s.reason as Error).message).toMatch(/time limit/);
    }
  });

  it('writes the rest of a batch while one of its entries hangs until the time limit', async () => {
    const seeder = await openDriverCore(driver, { workers: 0 });
    const ids: string[] = [];
    for (const title of ['hangs', 'quick 1', 'quick 2', 'quick 3']) ids.push((await ok(seeder.invoke('entries:create', { title }))).id);
    // Closed before the worker starts, so its first claim takes all four in one batch.
    await seeder.close();
    const [hung, ...quick] = ids as [string, ...string[]];

    const signals: AbortSignal[] = [];
    const order: string[] = [];
    const batches: string[][] = [];
    const core = await seeder.reopen({
      workers: 1,
      batchSize: 4,
      maxAttempts: 1,
      stageTimeoutMs: 5000,
      pipeline: [hangingStage(signals, (title) => title === 'hangs')],
    });
    core.events.on('claimed', ({ ids: claimed }) => batches.push(claimed));
    core.events.on('transition', ({ entry }) => order.push(`transition ${entry.id} ${entry.status}`));
    core.events.on('attemptFailed', ({ entryId }) => order.push(`attemptFailed ${entryId}`));

    await waitFor(async () => (await ok(core.invoke('entries:get', { id: hung }))).status === 'FAILED', 'the hung entry to time out');

    expect(batches[0]?.slice().sort()).toEqual(ids.slice().sort());
    const failedAt = order.indexOf(`attemptFailed ${hung}`);
    expect(failedAt, order.join('\n')).toBeGreaterThanOrEqual(0);
    for (const id of quick) {
      const doneAt = order.indexOf(`transition ${id} COMPLETED`);
      expect(doneAt, order.join('\n')).toBeGreaterThanOrEqual(0);
      expect(doneAt, order.join('\n')).toBeLessThan(failedAt);
    }
    expect(signals.map((s) => s.aborted)).toEqual([true]);
  });
});
