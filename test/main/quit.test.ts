import { describe, expect, it, vi } from 'vitest';
import { createQuitController, type QuitDeps } from '../../src/main/quit';

function harness(closeCore: (fast: boolean) => Promise<void>) {
  const timers: { fn: () => void; ms: number; cancelled: boolean }[] = [];
  const exit = vi.fn();
  const close = vi.fn(closeCore);
  const logError = vi.fn();
  const deps: QuitDeps = {
    closeCore: close,
    exit,
    log: { info: vi.fn(), error: logError },
    deadlineMs: 500,
    sessionDeadlineMs: 50,
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
    // An ordinary quit gives in-flight stages their grace.
    expect(close).toHaveBeenCalledExactlyOnceWith(false);
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

describe('quit controller when the OS ends the session (shutdown, restart, log-off)', () => {
  it('closes the core at once under the short deadline and never holds a quit again', async () => {
    const closing = deferred();
    const { quit, close, exit, timers } = harness(() => closing.promise);
    quit.onSessionEnd('powerMonitor shutdown');
    // Fast: in-flight stages are aborted and released at once rather than given their grace.
    expect(close).toHaveBeenCalledExactlyOnceWith(true);
    expect(quit.state()).toBe('stopping');
    expect(timers.map((t) => t.ms)).toEqual([50]);

    // macOS then sends before-quit: holding it would cancel the log-off.
    const preventDefault = vi.fn();
    quit.onBeforeQuit({ preventDefault });
    expect(preventDefault).not.toHaveBeenCalled();

    closing.resolve();
    await quit.requestQuit('again');
    expect(close).toHaveBeenCalledOnce();
    expect(exit).toHaveBeenCalledExactlyOnceWith(0);
  });

  it('exits at the short deadline when the close hangs', async () => {
    const closing = deferred();
    const { quit, exit, timers } = harness(() => closing.promise);
    quit.onSessionEnd('session-end');
    timers[0]?.fn();
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
    closing.resolve();
    await quit.requestQuit('late');
    expect(exit).toHaveBeenCalledOnce();
  });

  it('shortens a quit already under way and stops holding Electron from then on', () => {
    const closing = deferred();
    const { quit, close, exit, timers } = harness(() => closing.promise);
    const first = { preventDefault: vi.fn() };
    quit.onBeforeQuit(first);
    expect(first.preventDefault).toHaveBeenCalledOnce();
    expect(timers.map((t) => t.ms)).toEqual([500]);

    quit.onSessionEnd('session-end');
    expect(timers.map((t) => t.ms)).toEqual([500, 50]);
    const second = { preventDefault: vi.fn() };
    quit.onBeforeQuit(second);
    expect(second.preventDefault).not.toHaveBeenCalled();
    expect(close).toHaveBeenCalledOnce();

    timers[1]?.fn();
    expect(exit).toHaveBeenCalledExactlyOnceWith(1);
  });

  it('is a no-op once exited, and a second signal changes nothing', async () => {
    const { quit, close, timers } = harness(() => Promise.resolve());
    quit.onSessionEnd('shutdown');
    quit.onSessionEnd('session-end');
    await quit.requestQuit('wait');
    quit.onSessionEnd('late');
    expect(close).toHaveBeenCalledOnce();
    expect(timers).toHaveLength(1);
  });
});
