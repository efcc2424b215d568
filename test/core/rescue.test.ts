import { describe, expect, it } from 'vitest';
import { ok, openTestCore, waitFor } from '../support/core';

describe('fencing and rescue', () => {
  it('lets another worker claim an expired lock and rejects the old holder’s late write', async () => {
    const core = await openTestCore({ workers: 0 });
    const e = await ok(core.invoke('entries:create', { title: 'contested' }));
    const [mine] = await core.store.claim('old-holder', 1, 120_000);
    expect(mine?.id).toBe(e.id);

    // Not expired yet: nobody else may take it.
    expect(await core.store.claim('newcomer', 1, 120_000)).toEqual([]);
    // A lock timeout of 0 treats every lock as expired: the rescue path of the same claim statement.
    const [rescued] = await core.store.claim('newcomer', 1, 0);
    expect(rescued).toMatchObject({ id: e.id, lockedBy: 'newcomer', attempts: 2 });

    const late = await core.store.finishAndClaim(
      'old-holder',
      [{ id: e.id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }],
      0,
      120_000,
    );
    expect(late.lost).toEqual([e.id]);
    expect(late.finished).toEqual([]);
    const after = await ok(core.invoke('entries:get', { id: e.id }));
    expect(after).toMatchObject({ status: 'CREATED', lockedBy: 'newcomer' });
    expect(after.events.filter((x) => x.to === 'STAGE_1')).toEqual([]);
    expect(await core.store.heartbeat('old-holder', [e.id])).toEqual([]);
    expect(await core.store.release('old-holder', [e.id])).toEqual([]);
  });

  it('counts a worker’s lost lock and lets the new holder finish the stage once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const core = await openTestCore({
      workers: 1,
      lockTimeoutMs: 60_000,
      pipeline: [{ name: 'slow', run: () => gate }],
    });
    const lost: string[] = [];
    core.events.on('lockLost', ({ entryId }) => lost.push(entryId));
    const e = await ok(core.invoke('entries:create', { title: 'stolen' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).lockedBy !== null || undefined, 'the worker to claim');

    // A rescuer (say, another process after the timeout) takes the entry over and finishes it.
    const [taken] = await core.store.claim('rescuer', 1, 0);
    expect(taken?.id).toBe(e.id);
    const fin = await core.store.finishAndClaim(
      'rescuer',
      [{ id: e.id, from: 'CREATED', to: 'COMPLETED', progress: 100, result: 'done by rescuer', error: null, delayMs: 0 }],
      0,
      60_000,
    );
    expect(fin.finished.map((x) => x.id)).toEqual([e.id]);

    release();
    await waitFor(() => lost.length > 0 || undefined, 'the original worker to report its lost lock');
    const stats = await ok(core.invoke('entries:stats', {}));
    expect(stats.lostLocks).toBe(1);
    const detail = await ok(core.invoke('entries:get', { id: e.id }));
    expect(detail).toMatchObject({ status: 'COMPLETED', result: 'done by rescuer' });
    expect(detail.events.filter((x) => x.to === 'COMPLETED')).toHaveLength(1);
  });

  it('keeps a long stage’s lock alive with heartbeats past the lock timeout', async () => {
    const core = await openTestCore({ workers: 1, lockTimeoutMs: 300, stageDelayMs: 0, pipeline: [{ name: 'long', run: () => new Promise((r) => setTimeout(r, 1200)) }] });
    const e = await ok(core.invoke('entries:create', { title: 'long' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).lockedBy !== null || undefined, 'claim');
    // Well past the timeout, the lock must still be live: a rescuing claim finds nothing to take.
    await new Promise((r) => setTimeout(r, 700));
    expect(await core.store.claim('intruder', 1, 300)).toEqual([]);
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).status === 'COMPLETED' || undefined, 'completion');
    expect((await ok(core.invoke('entries:stats', {}))).lostLocks).toBe(0);
  });

  it('rescueStale releases expired locks with a recorded reason, and leaves live ones', async () => {
    const core = await openTestCore({ workers: 0 });
    const a = await ok(core.invoke('entries:create', { title: 'a' }));
    const b = await ok(core.invoke('entries:create', { title: 'b' }));
    await core.store.claim('dead-worker', 1, 60_000);
    await new Promise((r) => setTimeout(r, 50));
    await core.store.claim('live-worker', 1, 60_000);
    const released = await core.store.rescueStale(25);
    expect(released).toEqual([a.id]);
    const da = await ok(core.invoke('entries:get', { id: a.id }));
    expect(da.lockedBy).toBeNull();
    expect(da.events.at(-1)).toMatchObject({ from: 'CREATED', to: 'CREATED', workerId: 'dead-worker' });
    expect(da.events.at(-1)?.message).toMatch(/expired/);
    expect((await ok(core.invoke('entries:get', { id: b.id }))).lockedBy).toBe('live-worker');
  });

  it('releases at open the locks an earlier run of this data dir left behind', async () => {
    const first = await openTestCore({ workers: 0 });
    const e = await ok(first.invoke('entries:create', { title: 'left locked' }));
    await first.store.claim('crashed-run/w1', 1, 120_000);
    await first.close();
    const second = await openTestCore({ dataDir: first.dataDir, workers: 0 });
    const got = await ok(second.invoke('entries:get', { id: e.id }));
    expect(got.lockedBy).toBeNull();
    expect(got.events.at(-1)?.message).toMatch(/released at startup/);
  });
});
