/**
 * entries:retry resumes at the stage that failed (issue 13, item 5): the stages before it are not
 * run again, the entry keeps its progress, and the counts and the event row say exactly that.
 * `from: 'start'` still starts over, at 0%.
 */
import { expect, it } from 'vitest';
import type { Stage } from '../../src/main/core/pipeline';
import type { StatusCounts } from '../../src/shared/contract';
import { describeEachDriver, ok, openDriverCore, waitFor, type DriverCore } from '../support/core';

/** A 3-stage pipeline whose stage 2 fails while `broken`, counting how often each stage ran. */
function pipeline(state: { broken: boolean; runs: number[] }): Stage[] {
  const stage = (k: number, fails = false): Stage => ({
    name: `stage ${k + 1}`,
    run: () => {
      state.runs[k] = (state.runs[k] ?? 0) + 1;
      return fails && state.broken ? Promise.reject(new Error('upstream answered 503')) : Promise.resolve();
    },
  });
  return [stage(0), stage(1, true), stage(2)];
}

const counts = async (core: DriverCore): Promise<StatusCounts> => (await ok(core.invoke('entries:list', { limit: 1 }))).counts;

async function failedInStage2(driver: Parameters<Parameters<typeof describeEachDriver>[1]>[0]) {
  const state = { broken: true, runs: [0, 0, 0] };
  const core = await openDriverCore(driver, { workers: 1, maxAttempts: 1, pipeline: pipeline(state) });
  const e = await ok(core.invoke('entries:create', { title: 'needs stage 2 twice' }));
  const failed = await waitFor(async () => {
    const got = await ok(core.invoke('entries:get', { id: e.id }));
    return got.status === 'FAILED' && got.lockedBy === null ? got : undefined;
  }, 'the entry to fail in stage 2');
  expect(failed.events.at(-1)).toMatchObject({ from: 'STAGE_1', to: 'FAILED' });
  expect(failed.progress).toBe(33);
  expect(state.runs).toEqual([1, 1, 0]);
  // Reopen without workers, so what retry wrote can be read before anything moves it on.
  await core.close();
  return { id: e.id, state, idle: await core.reopen({ workers: 0, pipeline: pipeline(state) }) };
}

describeEachDriver('entries:retry', (driver) => {
  it('resumes at the failed stage: status it failed in, its progress, one event, exact counts; stage 1 does not run again', async () => {
    const { id, state, idle } = await failedInStage2(driver);
    const retried = await ok(idle.invoke('entries:retry', { id }));
    expect(retried).toMatchObject({ status: 'STAGE_1', progress: 33, attempts: 0, error: null, result: null, lockedBy: null, runAfter: null });
    const detail = await ok(idle.invoke('entries:get', { id }));
    expect(detail.events.filter((ev) => ev.from === 'FAILED')).toEqual([
      expect.objectContaining({ from: 'FAILED', to: 'STAGE_1', message: 'retried by the user from the failed stage' }),
    ]);
    expect(await counts(idle)).toEqual({ CREATED: 0, STAGE_1: 1, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });

    // A second retry finds it no longer FAILED and changes nothing.
    expect(await idle.invoke('entries:retry', { id })).toMatchObject({ ok: false, error: { code: 'CONFLICT' } });
    expect(await counts(idle)).toEqual({ CREATED: 0, STAGE_1: 1, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });

    await idle.close();
    state.broken = false;
    const running = await idle.reopen({ workers: 1, pipeline: pipeline(state) });
    const done = await waitFor(async () => {
      const got = await ok(running.invoke('entries:get', { id }));
      return got.status === 'COMPLETED' ? got : undefined;
    }, 'completion after the retry');
    expect(done.progress).toBe(100);
    expect(state.runs).toEqual([1, 2, 1]);
    expect(await counts(running)).toEqual({ CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: 1, FAILED: 0, CANCELLED: 0 });
  });

  it("from: 'start' starts over at CREATED and 0%, and stage 1 runs again", async () => {
    const { id, state, idle } = await failedInStage2(driver);
    const retried = await ok(idle.invoke('entries:retry', { id, from: 'start' }));
    expect(retried).toMatchObject({ status: 'CREATED', progress: 0, attempts: 0, error: null });
    const detail = await ok(idle.invoke('entries:get', { id }));
    expect(detail.events.at(-1)).toMatchObject({ from: 'FAILED', to: 'CREATED', message: 'retried by the user from the start' });
    expect(await counts(idle)).toEqual({ CREATED: 1, STAGE_1: 0, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
    await idle.close();
    state.broken = false;
    const running = await idle.reopen({ workers: 1, pipeline: pipeline(state) });
    await waitFor(async () => (await ok(running.invoke('entries:get', { id }))).status === 'COMPLETED' || undefined, 'completion');
    expect(state.runs).toEqual([2, 2, 1]);
  });

  it('refuses an unknown from', async () => {
    const core = await openDriverCore(driver, { workers: 0 });
    const e = await ok(core.invoke('entries:create', { title: 'x' }));
    expect(await core.invoke('entries:retry', { id: e.id, from: 'middle' } as never)).toMatchObject({
      ok: false,
      error: { code: 'INVALID_INPUT', message: expect.stringMatching(/from must be one of failed-stage, start/) as unknown },
    });
  });
});
