/**
 * Fencing and rescue, per driver. Common to both: a holder whose lock was taken writes nothing.
 * Where they differ (driver capabilities): the embedded driver owns its folder alone, so a lock never
 * expires by time and every lock is released at open; on a shared server a lock is taken over only
 * after the lock timeout without a heartbeat plus a takeover grace, and never at another's open.
 * Times are judged by the database's own timestamps (locked_at, event times), never the test's clock.
 */
import { expect, it } from 'vitest';
import { takeoverGraceMs } from '../../src/main/core/store';
import { describeEachDriver, frozenMonotonicClock, ok, openDriverCore, waitFor, waitForDbTime } from '../support/core';

const ms = (iso: string | null | undefined): number => Date.parse(iso ?? '');

describeEachDriver('fencing and rescue', (driver) => {
  it('refuses every late write of a holder whose lock was taken', async () => {
    const core = await openDriverCore(driver);
    const e = await ok(core.invoke('entries:create', { title: 'contested' }));
    const [mine] = await core.store.claim('old-holder', 1);
    expect(mine?.id).toBe(e.id);
    // Live: nobody else may take it.
    expect(await core.store.claim('newcomer', 1)).toEqual([]);
    // Stands in for a takeover (on a server: after expiry and grace, tested below; embedded: at the
    // next open): the lock is released and someone else claims the entry.
    expect(await core.store.rescueAtOpen()).toEqual([{ id: e.id, status: 'CREATED' }]);
    const [taken] = await core.store.claim('newcomer', 1);
    expect(taken).toMatchObject({ id: e.id, lockedBy: 'newcomer', attempts: 2 });

    const late = await core.store.finishAndClaim('old-holder', [{ id: e.id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }], 0);
    expect(late.lost).toEqual([e.id]);
    expect(late.finished).toEqual([]);
    const after = await ok(core.invoke('entries:get', { id: e.id }));
    expect(after).toMatchObject({ status: 'CREATED', lockedBy: 'newcomer', progress: 0 });
    expect(after.events.filter((x) => x.to === 'STAGE_1')).toEqual([]);
    expect(await core.store.heartbeat('old-holder', [e.id])).toEqual([]);
    expect(await core.store.release('old-holder', [e.id])).toEqual([]);
    expect((await ok(core.invoke('entries:get', { id: e.id }))).lockedBy).toBe('newcomer');
  });

  it('counts a worker’s lost lock and lets the new holder finish the stage once', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => (release = r));
    const core = await openDriverCore(driver, { workers: 1, lockTimeoutMs: 60_000, pipeline: [{ name: 'slow', run: () => gate }] });
    const lost: string[] = [];
    core.events.on('lockLost', ({ entryId }) => lost.push(entryId));
    const e = await ok(core.invoke('entries:create', { title: 'stolen' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: e.id }))).lockedBy !== null || undefined, 'the worker to claim');

    // A rescuer takes the entry over (the release stands in for a takeover, as above) and finishes it.
    await core.store.rescueAtOpen();
    const [taken] = await core.store.claim('rescuer', 1);
    expect(taken?.id).toBe(e.id);
    const fin = await core.store.finishAndClaim('rescuer', [{ id: e.id, from: 'CREATED', to: 'COMPLETED', progress: 100, result: 'done by rescuer', error: null, delayMs: 0 }], 0);
    expect(fin.finished.map((x) => x.id)).toEqual([e.id]);

    release();
    await waitFor(() => lost.length > 0 || undefined, 'the original worker to report its lost lock');
    expect(lost).toEqual([e.id]);
    const stats = await ok(core.invoke('entries:stats', {}));
    expect(stats.lostLocks).toBe(1);
    const detail = await ok(core.invoke('entries:get', { id: e.id }));
    expect(detail).toMatchObject({ status: 'COMPLETED', result: 'done by rescuer' });
    expect(detail.events.filter((x) => x.to === 'COMPLETED')).toHaveLength(1);
  });

  if (driver === 'embedded') {
    // Embedded only: the folder lock proves no other process exists, so time never takes a lock.
    it('never takes a lock over by time, however old it is and however short the timeout', async () => {
      const core = await openDriverCore(driver, { lockTimeoutMs: 1 });
      const e = await ok(core.invoke('entries:create', { title: 'asleep' }));
      const [mine] = await core.store.claim('sleeper', 1);
      await waitForDbTime(core, ms(mine?.lockedAt) + 50, 'the lock stamp by 50 timeouts');
      expect(await core.store.claim('newcomer', 1)).toEqual([]);
      expect(await core.store.rescueStale()).toEqual([]);
      const fin = await core.store.finishAndClaim('sleeper', [{ id: e.id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }], 0);
      expect(fin.lost).toEqual([]);
      expect(fin.finished.map((x) => x.id)).toEqual([e.id]);
    });

    // Embedded only: a lock found at open can only be a leftover, because of the exclusive folder lock.
    it('releases at open the locks an earlier run of this data dir left behind', async () => {
      const first = await openDriverCore(driver);
      const e = await ok(first.invoke('entries:create', { title: 'left locked' }));
      await first.store.claim('crashed-run/w1', 1);
      await first.close();
      const second = await first.reopen();
      const got = await ok(second.invoke('entries:get', { id: e.id }));
      expect(got.lockedBy).toBeNull();
      expect(got.events.at(-1)).toMatchObject({ from: 'CREATED', to: 'CREATED', workerId: 'crashed-run/w1' });
      expect(got.events.at(-1)?.message).toMatch(/released at startup/);
    });
  } else {
    // Server only from here: locks expire by time there (other processes hold them).
    const TIMEOUT = 2000;
    const GRACE = takeoverGraceMs(TIMEOUT);

    it('takes a lock over only after the lock timeout without a heartbeat plus the takeover grace', async () => {
      // Frozen monotonic clock: maintenance never rescues on its own; only this test's calls do.
      const core = await openDriverCore(driver, { lockTimeoutMs: TIMEOUT, clock: frozenMonotonicClock });
      const e = await ok(core.invoke('entries:create', { title: 'orphan' }));
      const [mine] = await core.store.claim('old-holder', 1);
      const lockedAt = ms(mine?.lockedAt);
      expect(await core.store.claim('newcomer', 1)).toEqual([]);
      expect(await core.store.rescueStale()).toEqual([]);
      // Expired: the first rescue only requests the takeover, and a claim must still wait the grace.
      await waitForDbTime(core, lockedAt + TIMEOUT + 1, 'the lock timeout');
      expect(await core.store.rescueStale()).toEqual([]);
      expect(await core.store.claim('newcomer', 1)).toEqual([]);
      const taken = await waitFor(async () => (await core.store.claim('newcomer', 1))[0], 'the takeover');
      expect(taken).toMatchObject({ id: e.id, lockedBy: 'newcomer', attempts: 2 });
      // The claim's own stamp is the database's now() at the takeover.
      expect(ms(taken.lockedAt) - lockedAt).toBeGreaterThanOrEqual(TIMEOUT + GRACE);

      const late = await core.store.finishAndClaim('old-holder', [{ id: e.id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }], 0);
      expect(late.lost).toEqual([e.id]);
      expect(await core.store.heartbeat('old-holder', [e.id])).toEqual([]);
    });

    it('keeps a long stage’s lock alive with heartbeats past the lock timeout and the grace', async () => {
      let release: () => void = () => undefined;
      const gate = new Promise<void>((r) => (release = r));
      // The real maintenance runs and tries to rescue: it must find nothing to take.
      const core = await openDriverCore(driver, { workers: 1, lockTimeoutMs: TIMEOUT, pipeline: [{ name: 'long', run: () => gate }] });
      const e = await ok(core.invoke('entries:create', { title: 'long' }));
      const claimed = await waitFor(async () => {
        const got = await ok(core.invoke('entries:get', { id: e.id }));
        return got.lockedAt === null ? undefined : got;
      }, 'the claim');
      const firstStamp = ms(claimed.lockedAt);
      // Renewed past the point where the first stamp could have been taken over:
      const renewed = await waitFor(async () => {
        const got = await ok(core.invoke('entries:get', { id: e.id }));
        return ms(got.lockedAt) > firstStamp + TIMEOUT + GRACE ? got : undefined;
      }, 'a heartbeat past the takeover point');
      expect(renewed.lockedBy).toBe(claimed.lockedBy);
      expect(await core.store.claim('intruder', 1)).toEqual([]);
      release();
      const done = await waitFor(async () => {
        const got = await ok(core.invoke('entries:get', { id: e.id }));
        return got.status === 'COMPLETED' ? got : undefined;
      }, 'completion');
      expect(done.attempts).toBe(1);
      expect(done.events.filter((x) => x.from === x.to)).toEqual([]);
      expect(done.events.at(-1)?.workerId).toBe(claimed.lockedBy);
      expect((await ok(core.invoke('entries:stats', {}))).lostLocks).toBe(0);
    });

    it('rescueStale requests first, releases after the grace with a recorded reason, and leaves live locks', async () => {
      const core = await openDriverCore(driver, { lockTimeoutMs: TIMEOUT, clock: frozenMonotonicClock });
      const a = await ok(core.invoke('entries:create', { title: 'a' }));
      const b = await ok(core.invoke('entries:create', { title: 'b' }));
      const [ca] = await core.store.claim('dead-worker', 1);
      expect(ca?.id).toBe(a.id);
      expect(await core.store.rescueStale()).toEqual([]);
      await waitForDbTime(core, ms(ca?.lockedAt) + TIMEOUT + 1, 'the lock timeout of a');
      const [cb] = await core.store.claim('live-worker', 1);
      expect(cb?.id).toBe(b.id);
      // Phase one: a is only marked for takeover.
      expect(await core.store.rescueStale()).toEqual([]);
      expect((await ok(core.invoke('entries:get', { id: a.id }))).lockedBy).toBe('dead-worker');
      await waitForDbTime(core, (await core.dbNow()) + GRACE, 'the takeover grace');
      expect(await core.store.rescueStale()).toEqual([a.id]);

      const da = await ok(core.invoke('entries:get', { id: a.id }));
      expect(da.lockedBy).toBeNull();
      const note = da.events.at(-1);
      expect(note).toMatchObject({ from: 'CREATED', to: 'CREATED', workerId: 'dead-worker' });
      expect(note?.message).toMatch(/expired/);
      expect(ms(note?.at) - ms(ca?.lockedAt)).toBeGreaterThanOrEqual(TIMEOUT + GRACE);
      expect((await ok(core.invoke('entries:get', { id: b.id }))).lockedBy).toBe('live-worker');
    });

    it('does not release at open the locks other processes hold', async () => {
      const first = await openDriverCore(driver);
      const e = await ok(first.invoke('entries:create', { title: 'held elsewhere' }));
      await first.store.claim('other-process/w1', 1);
      const second = await first.reopen();
      const got = await ok(second.invoke('entries:get', { id: e.id }));
      expect(got.lockedBy).toBe('other-process/w1');
      expect(got.events.map((x) => x.to)).toEqual(['CREATED']);
    });
  }
});
