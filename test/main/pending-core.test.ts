import { describe, expect, it, vi } from 'vitest';
import type { CorePort } from '../../src/main/core-port';
import { CLOSED_MESSAGE, createPendingCore, SHUTTING_DOWN_MESSAGE, STILL_OPENING_MESSAGE } from '../../src/main/pending-core';

function fakeCore() {
  const invoke = vi.fn((channel: string, payload: unknown) => Promise.resolve({ ok: true as const, data: { channel, payload } }));
  const close = vi.fn(() => Promise.resolve());
  const core: CorePort = { invoke, close };
  return { core, invoke, close };
}

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Timers the test fires by hand: the bound on waiting is a property, not a race against the clock. */
function manualTimers() {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const setTimer = (fn: () => void, ms: number) => {
    const timer = { fn, ms, cancelled: false };
    timers.push(timer);
    return { cancel: () => (timer.cancelled = true) };
  };
  return { timers, setTimer };
}

describe('pending core (IPC before the core has opened)', () => {
  it('holds a call made before the core is open and answers it from the core once open', async () => {
    const { timers, setTimer } = manualTimers();
    const pending = createPendingCore({ waitMs: 1000, setTimer });
    const early = pending.invoke('entries:list', {});
    let answered = false;
    void early.then(() => (answered = true));

    const opening = deferred<CorePort>();
    pending.attach(opening.promise);
    await Promise.resolve();
    expect(answered).toBe(false);
    expect(pending.state()).toBe('opening');

    const { core, invoke } = fakeCore();
    opening.resolve(core);
    expect(await early).toEqual({ ok: true, data: { channel: 'entries:list', payload: {} } });
    expect(invoke).toHaveBeenCalledOnce();
    expect(timers[0]?.ms).toBe(1000);
    expect(timers[0]?.cancelled).toBe(true);
    expect(pending.state()).toBe('open');
    expect(await pending.opened).toBe(core);
  });

  it('answers UNAVAILABLE "starting" when the wait runs out, without calling the core later', async () => {
    const { timers, setTimer } = manualTimers();
    const pending = createPendingCore({ waitMs: 1000, setTimer });
    const opening = deferred<CorePort>();
    pending.attach(opening.promise);
    const early = pending.invoke('entries:list', {});
    await Promise.resolve();
    timers[0]?.fn();
    expect(await early).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: STILL_OPENING_MESSAGE } });

    const { core, invoke } = fakeCore();
    opening.resolve(core);
    await pending.opened;
    expect(invoke).not.toHaveBeenCalled();
    // The renderer's next poll is answered by the open core.
    expect(await pending.invoke('entries:list', {})).toMatchObject({ ok: true });
  });

  it('answers UNAVAILABLE naming the reason once opening has failed', async () => {
    const { setTimer } = manualTimers();
    const pending = createPendingCore({ waitMs: 1000, setTimer });
    const opening = deferred<CorePort>();
    pending.attach(opening.promise);
    const early = pending.invoke('entries:stats', {});
    opening.reject(Object.assign(new Error('Another process holds /data'), { code: 'DATA_DIR_LOCKED' }));
    const answer = await early;
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(!answer.ok && answer.error.message).toContain('DATA_DIR_LOCKED: Another process holds /data');
    expect(pending.state()).toBe('failed');
    expect(await pending.invoke('entries:list', {})).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    await pending.close();
  });

  it('close during opening waits for the open, then closes that core; waiting calls hear "shutting down"', async () => {
    const { setTimer } = manualTimers();
    const pending = createPendingCore({ waitMs: 1000, setTimer });
    const opening = deferred<CorePort>();
    pending.attach(opening.promise);
    const early = pending.invoke('entries:list', {});
    const closed = pending.close();
    expect(await early).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: SHUTTING_DOWN_MESSAGE } });

    let done = false;
    void closed.then(() => (done = true));
    await Promise.resolve();
    expect(done).toBe(false);

    const { core, close, invoke } = fakeCore();
    opening.resolve(core);
    await closed;
    await pending.close();
    expect(close).toHaveBeenCalled();
    expect(invoke).not.toHaveBeenCalled();
    expect(pending.state()).toBe('closed');
    // Closed now, no longer shutting down: a page still open says what is true.
    expect(await pending.invoke('entries:list', {})).toEqual({ ok: false, error: { code: 'UNAVAILABLE', message: CLOSED_MESSAGE } });
  });

  it('close before any open resolves at once, and a core attached afterwards is closed as it opens', async () => {
    const pending = createPendingCore();
    await pending.close();
    const { core, close } = fakeCore();
    pending.attach(Promise.resolve(core));
    await vi.waitFor(() => {
      expect(close).toHaveBeenCalledOnce();
    });
  });

  describe('a first launch (the opening core found no database: markEmpty)', () => {
    const emptyPage = {
      ok: true,
      data: { items: [], nextCursor: null, counts: { CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 }, matched: null },
    };

    it('answers the plain first page of the list at once, empty, without the core', async () => {
      const pending = createPendingCore({ waitMs: 1000, setTimer: manualTimers().setTimer });
      const opening = deferred<CorePort>();
      pending.markEmpty();
      pending.attach(opening.promise);
      expect(await pending.invoke('entries:list', { limit: 100 })).toEqual(emptyPage);
      expect(await pending.invoke('entries:list', { status: 'FAILED' })).toEqual(emptyPage);
      // Once open, the core answers everything, lists included.
      const { core, invoke } = fakeCore();
      opening.resolve(core);
      await pending.opened;
      expect(await pending.invoke('entries:list', { limit: 100 })).toEqual({ ok: true, data: { channel: 'entries:list', payload: { limit: 100 } } });
      expect(invoke).toHaveBeenCalledOnce();
    });

    it('answers a list that was already waiting as soon as the folder is known to be empty', async () => {
      const { timers, setTimer } = manualTimers();
      const pending = createPendingCore({ waitMs: 1000, setTimer });
      pending.attach(deferred<CorePort>().promise);
      const waiting = pending.invoke('entries:list', {});
      let answered = false;
      void waiting.then(() => (answered = true));
      await Promise.resolve();
      expect(answered).toBe(false);
      pending.markEmpty();
      expect(await waiting).toEqual(emptyPage);
      expect(timers[0]?.cancelled).toBe(true);
    });

    it('leaves every other call to the core: writes, other reads, searches, cursors and bad input', async () => {
      const pending = createPendingCore({ waitMs: 1000, setTimer: manualTimers().setTimer });
      const opening = deferred<CorePort>();
      pending.attach(opening.promise);
      pending.markEmpty();
      const calls: [string, unknown][] = [
        ['entries:create', { title: 'a' }],
        ['entries:stats', {}],
        ['queue:state', {}],
        ['entries:list', { search: 'x' }],
        ['entries:list', { cursor: 'abc' }],
        ['entries:list', { from: '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b' }],
        ['entries:list', { limit: 'ten' }],
        ['entries:list', { status: 'NOPE' }],
        ['entries:list', { extra: 1 }],
      ];
      const answers = calls.map(([channel, payload]) => pending.invoke(channel, payload));
      let settledEarly = 0;
      for (const a of answers) void a.then(() => (settledEarly += 1));
      await new Promise((resolve) => setTimeout(resolve, 0));
      expect(settledEarly).toBe(0);
      const { core, invoke } = fakeCore();
      opening.resolve(core);
      const got = await Promise.all(answers);
      expect(got).toEqual(calls.map(([channel, payload]) => ({ ok: true, data: { channel, payload } })));
      expect(invoke).toHaveBeenCalledTimes(calls.length);
    });

    it('is ignored once the core is open or failed (only the core knows then)', async () => {
      const pending = createPendingCore();
      const { core } = fakeCore();
      pending.attach(Promise.resolve(core));
      await pending.opened;
      pending.markEmpty();
      expect(await pending.invoke('entries:list', {})).toEqual({ ok: true, data: { channel: 'entries:list', payload: {} } });

      const failed = createPendingCore();
      failed.attach(Promise.reject(new Error('disk full')));
      await vi.waitFor(() => {
        expect(failed.state()).toBe('failed');
      });
      failed.markEmpty();
      const answer = await failed.invoke('entries:list', {});
      expect(answer.ok).toBe(false);
    });
  });
});
