import { expect, it } from 'vitest';
import type { StageContext } from '../../src/main/core/index';
import type { Entry, Status } from '../../src/shared/contract';
import { describeEachDriver, ok, openDriverCore, waitFor } from '../support/core';

describeEachDriver('the pipeline', (driver) => {
  it('moves an entry CREATED → STAGE_1 33% → STAGE_2 66% → COMPLETED 100% with a timestamped result', async () => {
    const core = await openDriverCore(driver, { workers: 2, stageDelayMs: 30 });
    const seen: { status: Status; progress: number }[] = [];
    core.events.on('transition', ({ entry }) => seen.push({ status: entry.status, progress: entry.progress }));
    const created = await ok(core.invoke('entries:create', { title: 'Quarterly report' }));
    expect(created).toMatchObject({ status: 'CREATED', progress: 0, result: null, error: null, title: 'Quarterly report' });

    const done = await waitFor(async () => {
      const e = await ok(core.invoke('entries:get', { id: created.id }));
      return e.status === 'COMPLETED' ? e : undefined;
    }, 'the entry to complete');
    expect(seen, JSON.stringify(seen)).toEqual([
      { status: 'STAGE_1', progress: 33 },
      { status: 'STAGE_2', progress: 66 },
      { status: 'COMPLETED', progress: 100 },
    ]);
    expect(done.progress).toBe(100);
    expect(done.lockedBy).toBeNull();
    const stamp = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z/.exec(done.result ?? '');
    expect(stamp, `result "${done.result}" carries an ISO timestamp`).not.toBeNull();
    expect(Date.parse(stamp?.[0] ?? '')).toBeGreaterThanOrEqual(Date.parse(created.createdAt));
    expect(done.events.map((e) => [e.from, e.to])).toEqual([
      [null, 'CREATED'],
      ['CREATED', 'STAGE_1'],
      ['STAGE_1', 'STAGE_2'],
      ['STAGE_2', 'COMPLETED'],
    ]);
    for (const ev of done.events.slice(1)) expect(ev.workerId).toMatch(/\/w\d+$/);
  });

  it('progresses several entries in parallel, one per worker', async () => {
    const core = await openDriverCore(driver, { workers: 4, stageDelayMs: 1500 });
    const holding = new Set<string>();
    let maxParallel = 0;
    core.events.on('claimed', ({ ids }) => {
      for (const id of ids) holding.add(id);
      maxParallel = Math.max(maxParallel, holding.size);
    });
    core.events.on('transition', ({ entry }) => holding.delete(entry.id));
    const ids: string[] = [];
    for (let i = 0; i < 4; i++) ids.push((await ok(core.invoke('entries:create', { title: `parallel ${i}` }))).id);
    await waitFor(async () => {
      const page = await ok(core.invoke('entries:list', {}));
      return page.counts.COMPLETED === 4 || undefined;
    }, 'all four to complete');
    expect(maxParallel).toBe(4);
  });

  it('a loop keeps the entry it moved on for its next stage: one loop runs each entry through before it starts the next', async () => {
    const runs: string[] = [];
    // 30 ms a stage is "slow" (claim-size.ts): the loop claims one entry at a time, as the demo's stages do.
    const pipeline = [1, 2, 3].map((k) => ({
      name: `stage ${k}`,
      run: async ({ entry }: StageContext) => {
        runs.push(`${entry.title}:${k}`);
        await new Promise((r) => setTimeout(r, 30));
      },
    }));
    const core = await openDriverCore(driver, { workers: 1, pipeline });
    await ok(core.invoke('queue:update', { paused: true }));
    const ids: string[] = [];
    for (const title of ['a', 'b', 'c']) ids.push((await ok(core.invoke('entries:create', { title }))).id);
    await ok(core.invoke('queue:update', { paused: false }));
    await waitFor(async () => (await ok(core.invoke('entries:stats', {}))).counts.COMPLETED === 3 || undefined, 'all three to complete');
    // Released after each stage, the loop's fused claim (which cannot see the entry it just moved
    // on) took the next new entry instead: a:1, b:1, c:1, a:2, …
    expect(runs).toEqual(['a:1', 'a:2', 'a:3', 'b:1', 'b:2', 'b:3', 'c:1', 'c:2', 'c:3']);
    for (const id of ids) {
      const e = await ok(core.invoke('entries:get', { id }));
      expect(e).toMatchObject({ status: 'COMPLETED', lockedBy: null, attempts: 1 });
      expect(new Set(e.events.slice(1).map((ev) => ev.workerId)).size).toBe(1);
    }
  });

  it('a pause while a stage runs: the entry it moved on is released, not kept, and no next stage starts', async () => {
    const runs: string[] = [];
    let startedNow: () => void = () => undefined;
    const started = new Promise<void>((r) => (startedNow = r));
    let finishStage: () => void = () => undefined;
    const pipeline = [1, 2, 3].map((k) => ({
      name: `stage ${k}`,
      run: ({ entry }: StageContext) => {
        runs.push(`${entry.title}:${k}`);
        startedNow();
        return new Promise<void>((r) => (finishStage = r));
      },
    }));
    const core = await openDriverCore(driver, { workers: 1, pipeline });
    const { id } = await ok(core.invoke('entries:create', { title: 'a' }));
    await started;
    await ok(core.invoke('queue:update', { paused: true }));
    finishStage();
    const moved = await waitFor(async () => {
      const e = await ok(core.invoke('entries:get', { id }));
      return e.status === 'STAGE_1' && e.lockedBy === null ? e : undefined;
    }, 'stage 1 written and the entry released');
    expect(moved.attempts).toBe(0);
    expect(runs).toEqual(['a:1']);
  });

  it('keeps entries across close and reopen, including ones mid-stage at close', async () => {
    const slow = await openDriverCore(driver, { workers: 2, stageDelayMs: 60_000, shutdownGraceMs: 50 });
    const a = await ok(slow.invoke('entries:create', { title: 'mid-stage a' }));
    const b = await ok(slow.invoke('entries:create', { title: 'mid-stage b' }));
    const c = await ok(slow.invoke('entries:create', { title: 'waiting c' }));
    await waitFor(async () => {
      const e = await ok(slow.invoke('entries:get', { id: b.id }));
      return e.lockedBy !== null || undefined;
    }, 'both workers to be mid-stage');
    await slow.close();

    const again = await slow.reopen({ workers: 0 });
    for (const e of [a, b, c]) {
      const got = await ok(again.invoke('entries:get', { id: e.id }));
      expect(got).toMatchObject({ id: e.id, title: e.title, status: 'CREATED', lockedBy: null });
    }
    await again.close();

    const fast = await slow.reopen({ workers: 2, stageDelayMs: 0 });
    await waitFor(async () => (await ok(fast.invoke('entries:list', {}))).counts.COMPLETED === 3 || undefined, 'all to complete after reopen');
    const events = (await ok(fast.invoke('entries:get', { id: a.id }))).events;
    expect(events.filter((e) => e.from !== e.to).map((e) => e.to)).toEqual(['CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED']);
  });

  it('runs a custom one-stage pipeline and keeps the result its handler returns', async () => {
    const core = await openDriverCore(driver, {
      workers: 1,
      pipeline: [{ name: 'only', run: ({ entry }) => Promise.resolve(`handled ${entry.title}`) }],
    });
    const e = await ok(core.invoke('entries:create', { title: 'one' }));
    const done = await waitFor(async () => {
      const got = await ok(core.invoke('entries:get', { id: e.id }));
      return got.status === 'COMPLETED' ? got : undefined;
    }, 'completion');
    expect(done.result).toBe('handled one');
    expect(done.events.map((x) => x.to)).toEqual(['CREATED', 'COMPLETED']);
  });

  it('numbers stages from 1: stage k runs on an entry in STAGE_(k-1) and leaves it in STAGE_k', async () => {
    const ran: [number, string, Status][] = [];
    const stage = (name: string) => ({
      name,
      run: ({ entry, stageNumber }: StageContext) => {
        ran.push([stageNumber, name, entry.status]);
        return Promise.resolve();
      },
    });
    const core = await openDriverCore(driver, { workers: 1, pipeline: [stage('first'), stage('second'), stage('third')] });
    const e = await ok(core.invoke('entries:create', { title: 'numbered' }));
    const done = await waitFor(async () => {
      const got = await ok(core.invoke('entries:get', { id: e.id }));
      return got.status === 'COMPLETED' ? got : undefined;
    }, 'completion');
    expect(ran).toEqual([
      [1, 'first', 'CREATED'],
      [2, 'second', 'STAGE_1'],
      [3, 'third', 'STAGE_2'],
    ]);
    expect(done.events.map((x) => x.to)).toEqual(['CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED']);
  });

  it('retries a stage that fails twice, then succeeds, with backoff between attempts', async () => {
    let calls = 0;
    const core = await openDriverCore(driver, {
      workers: 1,
      backoffBaseMs: 20,
      pipeline: [
        {
          name: 'flaky',
          run: () => {
            calls++;
            return calls <= 2 ? Promise.reject(new Error(`flaky failure ${calls}`)) : Promise.resolve();
          },
        },
      ],
    });
    const e = await ok(core.invoke('entries:create', { title: 'flaky' }));
    const done = await waitFor(async () => {
      const got = await ok(core.invoke('entries:get', { id: e.id }));
      return got.status === 'COMPLETED' ? got : undefined;
    }, 'completion after two failures');
    expect(calls).toBe(3);
    expect(done.attempts).toBe(3);
    expect(done.error).toBeNull();
    const notes = done.events.filter((x) => x.from === x.to);
    expect(notes.map((n) => n.message)).toEqual(['attempt 1 failed: flaky failure 1', 'attempt 2 failed: flaky failure 2']);
    const stats = await ok(core.invoke('entries:stats', {}));
    expect(stats.failedAttempts).toBe(2);
  });

  it('ends FAILED with the error kept after maxAttempts, and a retry resumes at the stage that failed', async () => {
    let broken = true;
    const core = await openDriverCore(driver, {
      workers: 1,
      maxAttempts: 3,
      backoffBaseMs: 5,
      pipeline: [
        { name: 'first', run: () => Promise.resolve() },
        {
          name: 'second',
          run: () => (broken ? Promise.reject(new Error('upstream is down')) : Promise.resolve()),
        },
      ],
    });
    const e = await ok(core.invoke('entries:create', { title: 'doomed' }));
    const failed = await waitFor(async () => {
      const got = await ok(core.invoke('entries:get', { id: e.id }));
      return got.status === 'FAILED' ? got : undefined;
    }, 'FAILED');
    expect(failed).toMatchObject({ error: 'upstream is down', attempts: 3, progress: 50, lockedBy: null });
    expect(failed.events.at(-1)).toMatchObject({ from: 'STAGE_1', to: 'FAILED', message: 'upstream is down' });

    const conflict = await core.invoke('entries:retry', { id: (await ok(core.invoke('entries:create', { title: 'x' }))).id });
    expect(conflict).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });

    broken = false;
    const retried = await ok(core.invoke('entries:retry', { id: e.id }));
    expect(retried).toMatchObject({ status: 'STAGE_1', attempts: 0, progress: 50, error: null });
    const done = await waitFor(async () => {
      const got = await ok(core.invoke('entries:get', { id: e.id }));
      return got.status === 'COMPLETED' ? got : undefined;
    }, 'completion after retry');
    expect(done.events.some((x) => x.from === 'FAILED' && x.to === 'STAGE_1')).toBe(true);
    const counts = await waitFor(async () => {
      const c = (await ok(core.invoke('entries:list', {}))).counts;
      return c.COMPLETED === 2 ? c : undefined;
    }, 'both entries to complete');
    expect(counts).toMatchObject({ CREATED: 0, STAGE_1: 0, STAGE_2: 0, FAILED: 0, COMPLETED: 2 });
  });

  it('wakes an idle worker on create instead of waiting for the idle timer', async () => {
    // The longest timer Node keeps (~24.8 days): any completion at all is the wake-up's doing.
    const core = await openDriverCore(driver, { workers: 1, idlePollMs: 2_147_483_647 });
    const claimed: string[] = [];
    core.events.on('claimed', ({ ids }) => claimed.push(...ids));
    // Let the loop go idle first: its first claim found nothing.
    await new Promise<void>((r) => setImmediate(r));
    const e = await ok(core.invoke('entries:create', { title: 'wake me' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).status === 'COMPLETED' || undefined, 'completion');
    expect(claimed[0]).toBe(e.id);
  });

  it('stores a stage error or result carrying NUL (which Postgres text cannot hold) as U+FFFD, and goes on', async () => {
    const storeErrors: string[] = [];
    const core = await openDriverCore(driver, {
      workers: 1,
      maxAttempts: 1,
      pipeline: [
        {
          name: 'nul',
          run: ({ entry }) => (entry.title === 'throws' ? Promise.reject(new Error('bad\u0000byte')) : Promise.resolve(entry.title === 'returns' ? 'res\u0000ult' : 'plain')),
        },
      ],
    });
    core.events.on('storeError', ({ error }) => storeErrors.push(error));
    const settled = (id: string) =>
      waitFor(async () => {
        // A refused write is retried forever by the loop: fail at once with the database's reason.
        if (storeErrors.length > 0) throw new Error(`the worker's store call failed: ${storeErrors[0]}`);
        const got = await ok(core.invoke('entries:get', { id }));
        return got.lockedBy === null && (got.status === 'COMPLETED' || got.status === 'FAILED') ? got : undefined;
      }, `${id} to settle`);
    const throws = await ok(core.invoke('entries:create', { title: 'throws' }));
    const returns = await ok(core.invoke('entries:create', { title: 'returns' }));
    const failed = await settled(throws.id);
    const done = await settled(returns.id);
    // The same text on every driver (PGlite alone would silently drop the NUL).
    expect(failed).toMatchObject({ status: 'FAILED', error: 'bad\uFFFDbyte' });
    expect(failed.events.at(-1)).toMatchObject({ from: 'CREATED', to: 'FAILED', message: 'bad\uFFFDbyte' });
    expect(done).toMatchObject({ status: 'COMPLETED', result: 'res\uFFFDult' });
    // The loop is not wedged: the next entry goes through.
    const after = await ok(core.invoke('entries:create', { title: 'after' }));
    expect(await settled(after.id)).toMatchObject({ status: 'COMPLETED', result: 'plain' });
    expect(storeErrors).toEqual([]);
  });

  it('closes idempotently and answers calls after close with UNAVAILABLE', async () => {
    const core = await openDriverCore(driver, { workers: 2 });
    await Promise.all([core.close(), core.close()]);
    const r = await core.invoke('entries:list', {});
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
  });
});

export type { Entry };
