/**
 * entries:cancel and entries:delete (issue 11, item 1) on both drivers: a waiting entry, a held
 * one, a running stage that must learn of the cancel through its AbortSignal (in this process, and
 * from another core sharing the server), retry after a cancel, delete of finished entries, and the
 * error codes. Event rows, not wall-clock time, say what ran.
 */
import { expect, it } from 'vitest';
import type { Stage } from '../../src/main/core/pipeline';
import type { Outcome } from '../../src/main/core/store';
import type { Entry } from '../../src/shared/contract';
import { describeEachDriver, ok, openDriverCore, waitFor, type DriverCore } from '../support/core';
import { seedStatuses, storedCounts, tableCounts } from '../support/seed';

/** What the stages of `watchedPipeline` saw, per entry. */
interface Watch {
  /** Stages started, as `${entryId}:${stage}`. */
  started: string[];
  /** Why each aborted stage's signal fired (its reason's message). */
  aborted: Map<string, string>;
  aborts: number;
}

/**
 * Stage 2 of an entry titled 'hold' waits for its signal (it never finishes by itself); every other
 * stage finishes at once. Records starts and aborts.
 */
function watchedPipeline(watch: Watch): Stage[] {
  const stage = (k: number): Stage => ({
    name: `stage ${k}`,
    run: ({ entry, signal }) => {
      watch.started.push(`${entry.id}:${k}`);
      if (k !== 2 || entry.title !== 'hold') return Promise.resolve();
      return new Promise((_, reject) => {
        signal.addEventListener('abort', () => {
          watch.aborts++;
          watch.aborted.set(entry.id, signal.reason instanceof Error ? signal.reason.message : String(signal.reason));
          reject(new Error('aborted'));
        });
      });
    },
  });
  return [stage(1), stage(2), stage(3)];
}

const newWatch = (): Watch => ({ started: [], aborted: new Map(), aborts: 0 });

async function expectError(p: ReturnType<DriverCore['invoke']>, code: string, message: RegExp): Promise<void> {
  const r = await p;
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe(code);
    expect(r.error.message).toMatch(message);
  }
}

async function expectCountsExact(core: DriverCore): Promise<void> {
  expect(await storedCounts(core)).toEqual(await tableCounts(core));
}

/** Runs a held entry into stage 2 and cancels it through `canceller`; returns its id once the stage saw the abort. */
async function cancelWhileRunning(runner: DriverCore, canceller: DriverCore, watch: Watch): Promise<string> {
  const e = await ok(runner.invoke('entries:create', { title: 'hold' }));
  await waitFor(() => watch.started.includes(`${e.id}:2`) || undefined, 'stage 2 to start');
  const cancelled = await ok(canceller.invoke('entries:cancel', { id: e.id }));
  expect(cancelled).toMatchObject({ status: 'CANCELLED', progress: 33, lockedBy: null, lockedAt: null });
  await waitFor(() => watch.aborted.get(e.id), 'the running stage to see the abort');
  return e.id;
}

/** After a cancelled stage: a later entry completes on the same single worker, so the cancelled batch is over. */
async function workerMovedOn(core: DriverCore): Promise<void> {
  const next = await ok(core.invoke('entries:create', { title: 'after' }));
  await waitFor(async () => (await ok(core.invoke('entries:get', { id: next.id }))).status === 'COMPLETED' || undefined, 'the next entry to complete');
}

describeEachDriver('entries:cancel and entries:delete', (driver) => {
  it('cancels a waiting entry: one event, exact counts; a second cancel is a CONFLICT; retry resumes where it was', async () => {
    const core = await openDriverCore(driver);
    const [created, stage1] = await seedStatuses(core, ['CREATED', 'STAGE_1']);
    if (!created || !stage1) throw new Error('seeding failed');

    const c = await ok(core.invoke('entries:cancel', { id: stage1 }));
    expect(c).toMatchObject({ id: stage1, status: 'CANCELLED', progress: 33, lockedBy: null });
    const detail = await ok(core.invoke('entries:get', { id: stage1 }));
    expect(detail.events.at(-1)).toMatchObject({ from: 'STAGE_1', to: 'CANCELLED', workerId: null, message: 'cancelled by a person while it waited', stage: null });
    await ok(core.invoke('entries:cancel', { id: created }));
    expect(await storedCounts(core)).toMatchObject({ CREATED: 0, STAGE_1: 0, CANCELLED: 2 });
    await expectCountsExact(core);

    await expectError(core.invoke('entries:cancel', { id: stage1 }), 'CONFLICT', /already CANCELLED/);
    // A cancelled entry is claimed by nobody.
    expect(await core.store.claim('anyone', 10)).toEqual([]);

    const retried = await ok(core.invoke('entries:retry', { id: stage1 }));
    expect(retried).toMatchObject({ status: 'STAGE_1', progress: 33, attempts: 0 });
    expect((await ok(core.invoke('entries:get', { id: stage1 }))).events.at(-1)).toMatchObject({
      from: 'CANCELLED',
      to: 'STAGE_1',
      message: 'retried by the user from the cancelled stage',
    });
    const over = await ok(core.invoke('entries:retry', { id: created, from: 'start' }));
    expect(over).toMatchObject({ status: 'CREATED', progress: 0 });
    expect(await storedCounts(core)).toMatchObject({ CREATED: 1, STAGE_1: 1, CANCELLED: 0 });
    await expectCountsExact(core);
  });

  it('cancels a held entry: the lock goes, and the holder\'s late write is fenced out', async () => {
    const core = await openDriverCore(driver);
    const e = await ok(core.invoke('entries:create', { title: 'held' }));
    const [claimed] = await core.store.claim('holder', 1);
    expect(claimed?.id).toBe(e.id);
    await ok(core.invoke('entries:cancel', { id: e.id }));
    const detail = await ok(core.invoke('entries:get', { id: e.id }));
    expect(detail).toMatchObject({ status: 'CANCELLED', lockedBy: null });
    expect(detail.events.at(-1)).toMatchObject({ from: 'CREATED', to: 'CANCELLED', workerId: 'holder', message: 'cancelled by a person while its stage ran' });

    const late: Outcome = { id: e.id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 };
    const res = await core.store.finishAndClaim('holder', [late], 0);
    expect(res.finished).toEqual([]);
    expect(res.lost).toEqual([e.id]);
    expect(await core.store.cancelledOrGone([e.id, 'not-there', 'x'])).toEqual(expect.arrayContaining([e.id, 'not-there', 'x']));
    expect((await ok(core.invoke('entries:get', { id: e.id }))).status).toBe('CANCELLED');
    expect(await core.store.heartbeat('holder', [e.id])).toEqual([]);
    await expectCountsExact(core);
  });

  it('cancels a running stage through its AbortSignal: it stops, nothing later runs, no lost-lock noise', async () => {
    const watch = newWatch();
    const core = await openDriverCore(driver, { workers: 1, pipeline: watchedPipeline(watch) });
    const id = await cancelWhileRunning(core, core, watch);
    expect(watch.aborted.get(id)).toBe('a person cancelled this entry');
    await workerMovedOn(core);

    const detail = await ok(core.invoke('entries:get', { id }));
    expect(detail.status).toBe('CANCELLED');
    expect(detail.events.map((ev) => [ev.from, ev.to])).toEqual([
      [null, 'CREATED'],
      ['CREATED', 'STAGE_1'],
      ['STAGE_1', 'CANCELLED'],
    ]);
    expect(watch.started.filter((s) => s.startsWith(id))).toEqual([`${id}:1`, `${id}:2`]);
    const stats = await ok(core.invoke('entries:stats', {}));
    expect([stats.lostLocks, stats.failedAttempts]).toEqual([0, 0]);
    await expectCountsExact(core);

    // Retried, it runs stage 2 again (and is cancelled again, being 'hold').
    await ok(core.invoke('entries:retry', { id }));
    await waitFor(() => watch.started.filter((s) => s === `${id}:2`).length === 2 || undefined, 'stage 2 to run again');
    expect(watch.started.filter((s) => s === `${id}:1`)).toHaveLength(1);
    await ok(core.invoke('entries:cancel', { id }));
    await waitFor(() => watch.aborts === 2 || undefined, 'the second cancel to abort the stage');
  });

  it('a cancel whose notice comes before the claim\'s reply: the stage never starts, and the loop moves on', async () => {
    // On a shared server a cancel can commit right after the claim that took the entry, and its
    // notice (this process's API, or NOTIFY from another) can arrive before the claim's reply, while
    // no stage is registered to abort. Forced here: the claim's reply is held back until the real
    // cancel has run and its notice has gone out.
    const watch = newWatch();
    const core = await openDriverCore(driver, { workers: 1, pipeline: watchedPipeline(watch) });
    const store = core.store;
    const title = 'cancelled on the way';
    let heldBack = 0;
    const holdBack = async (claimed: readonly Entry[]) => {
      const target = claimed.find((e) => e.title === title);
      if (target === undefined) return;
      heldBack++;
      const cancelled = await ok(core.invoke('entries:cancel', { id: target.id }));
      expect(cancelled).toMatchObject({ status: 'CANCELLED', lockedBy: null });
    };
    const [claim, finishAndClaim] = [store.claim.bind(store), store.finishAndClaim.bind(store)];
    store.claim = async (token, limit) => {
      const got = await claim(token, limit);
      await holdBack(got);
      return got;
    };
    store.finishAndClaim = async (token, outcomes, limit) => {
      const res = await finishAndClaim(token, outcomes, limit);
      await holdBack(res.claimed);
      return res;
    };
    const target = await ok(core.invoke('entries:create', { title }));
    await waitFor(() => heldBack === 1 || undefined, 'the claim of the entry');
    await workerMovedOn(core);

    expect(watch.started.filter((s) => s.startsWith(target.id))).toEqual([]);
    const detail = await ok(core.invoke('entries:get', { id: target.id }));
    expect(detail).toMatchObject({ status: 'CANCELLED', lockedBy: null, attempts: 1 });
    expect(detail.events.map((ev) => [ev.from, ev.to, ev.stage])).toEqual([
      [null, 'CREATED', null],
      ['CREATED', 'CANCELLED', null],
    ]);
    expect((await ok(core.invoke('entries:stats', {}))).lostLocks).toBe(0);
    await expectCountsExact(core);
  });

  if (driver === 'server') {
    it('a cancel from another core sharing the server aborts the stage where it runs (NOTIFY), not at a heartbeat', async () => {
      const watch = newWatch();
      // A long lock timeout: the heartbeat would notice the lost lock only seconds later.
      const runner = await openDriverCore(driver, { workers: 1, lockTimeoutMs: 600_000, pipeline: watchedPipeline(watch) });
      const other = await runner.reopen({ workers: 0 });
      const id = await cancelWhileRunning(runner, other, watch);
      // The reason tells the paths apart: a heartbeat would say the lock was lost.
      expect(watch.aborted.get(id)).toBe('a person cancelled this entry');
      await workerMovedOn(runner);
      const detail = await ok(other.invoke('entries:get', { id }));
      expect(detail.events.map((ev) => ev.to)).toEqual(['CREATED', 'STAGE_1', 'CANCELLED']);
      expect((await ok(runner.invoke('entries:stats', {}))).lostLocks).toBe(0);
      await expectCountsExact(other);
    });
  }

  it('cancel and delete answer NOT_FOUND, CONFLICT and INVALID_INPUT with messages a person can act on', async () => {
    const core = await openDriverCore(driver);
    const [done, failed, waiting] = await seedStatuses(core, ['COMPLETED', 'FAILED', 'CREATED']);
    if (!done || !failed || !waiting) throw new Error('seeding failed');
    await expectError(core.invoke('entries:cancel', { id: done }), 'CONFLICT', /is COMPLETED: it has finished, so there is nothing to cancel/);
    await expectError(core.invoke('entries:cancel', { id: failed }), 'CONFLICT', /is FAILED: it is not running.*Retry it or delete it/);
    await expectError(core.invoke('entries:cancel', { id: 'no-such-id' }), 'NOT_FOUND', /No entry with id no-such-id/);
    await expectError(core.invoke('entries:delete', { id: 'no-such-id' }), 'NOT_FOUND', /No entry with id no-such-id/);
    await expectError(core.invoke('entries:delete', { id: waiting }), 'CONFLICT', /is CREATED and still has work to do; cancel it first/);
    await expectError(core.invoke('entries:retry', { id: waiting }), 'CONFLICT', /only FAILED or CANCELLED entries can be retried/);
    await expectError(core.invoke('entries:cancel', { id: 'a b' }), 'INVALID_INPUT', /id has an invalid format/);
    await expectError(core.invoke('entries:delete', {}), 'INVALID_INPUT', /id/);
    // Nothing changed.
    expect(await storedCounts(core)).toMatchObject({ COMPLETED: 1, FAILED: 1, CREATED: 1 });
  });

  it('deletes finished entries (COMPLETED, FAILED, CANCELLED) with their history; counts stay exact', async () => {
    const core = await openDriverCore(driver);
    const ids = await seedStatuses(core, ['COMPLETED', 'FAILED', 'CANCELLED', 'STAGE_2']);
    for (const id of ids.slice(0, 3)) {
      expect(await ok(core.invoke('entries:delete', { id }))).toEqual({ id });
      expect(await core.store.get(id)).toBeNull();
      await expectError(core.invoke('entries:delete', { id }), 'NOT_FOUND', /No entry/);
    }
    expect(await storedCounts(core)).toEqual({ CREATED: 0, STAGE_1: 0, STAGE_2: 1, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
    await expectCountsExact(core);
    // The counts log folds to the same numbers.
    await core.store.compactCounts();
    await expectCountsExact(core);
  });
});
