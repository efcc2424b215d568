import { describe, expect, it, vi } from 'vitest';
import { createQuitController, type QuitDeps } from '../../src/main/quit';

function harness(closeCore: () => Promise<void>) {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const exit = vi.fn();
  const close = vi.fn(closeCore);
  const logError = vi.fn();
  const deps: QuitDeps = {
    closeCore: close,
    exit,
    log: { info: vi.fn(), error: logError },
    deadlineMs: 500,
    setTimer: (fn, ms) => {
      const timer = { fn, ms, cancelled: false };
      timers.push(timer);
      return { cancel: () => (timer.cancelled = true) };
    },
  };
  return { close, logError, exit, timers, quit: createQuitController(deps) };
}

const deferred = () => {
  let resolve!: () => void;
    const promise = new Promise<void>((res) => {
    resolve = res;
  });
  return { promise, resolve };
};

describe('quit controller', () => {
  it('holds Electron quit, closes the core, then exits 0', async () => {
    const closing = deferred();
    const { quit, exit, close, timers } = harness(() => closing.promise);
    const preventDefault = vi.fn();
    quit.onBeforeQuit({ preventDefault });
    expect(preventDefault).toHaveBeenCalled();
    expect(quit.state()).toBe('stopping');
    expect(exit).not.toHaveBeenCalled();
    closing.resolve();
    await quit.requestQuit('again');
    expect(close).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
    expect(quit.state()).toBe('exited');
    expect(timers[0]?.cancelled).toBe(true);
  });

  it('is re-entrant: before-quit, SIGINT and SIGTERM together close the core once', async () => {
    const { quit, close, exit } = harness(() => Promise.resolve());
    const events = [{ preventDefault: vi.fn() }, { preventDefault: vi.fn() }];
    for (const event of events) quit.onBeforeQuit(event);
    await Promise.all([quit.requestQuit('SIGINT'), quit.requestQuit('SIGTERM')]);
    expect(events.every((e) => e.preventDefault.mock.calls.length === 1)).toBe(true);
    expect(close).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledOnce();
  });

  it('lets Electron quit through once exited', async () => {
    const { quit } = harness(() => Promise.resolve());
    await quit.requestQuit('test');
    const preventDefault = vi.fn();
    quit.onBeforeQuit({ preventDefault });
    expect(preventDefault).not.toHaveBeenCalled();
  });

  it('exits 1 when closing fails', async () => {
    const { quit, exit, logError } = harness(() => Promise.reject(new Error('disk gone')));
    await quit.requestQuit('test');
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    expect(logError).toHaveBeenCalled();
  });

  it('forces exit 1 at the deadline when the core hangs, and not again when it finally closes', async () => {
    const closing = deferred();
    const { quit, exit, timers } = harness(() => closing.promise);
    const done = quit.requestQuit('SIGTERM');
    expect(timers).toHaveLength(1);
    expect(timers[0]?.ms).toBe(500);
    timers[0]?.fn();
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    closing.resolve();
    await done;
    expect(exit).toHaveBeenCalledOnce();
  });

  it('keeps the exit code asked for by a failed startup', async () => {
    const { quit, exit } = harness(() => Promise.resolve());
    await quit.requestQuit('core failed to open', 1);
    expect(exit).toHaveBeenCalledWith(1);
  });
});
