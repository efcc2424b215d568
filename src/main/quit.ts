/**
 * Quitting: stop the pool and close the core before the process exits, exactly once.
 *
 * States:
 *   running  → stopping   first quit request (before-quit, SIGINT, SIGTERM, fatal startup error)
 *   stopping → exited     core closed (exit 0), close failed (exit 1), or the deadline passed (exit 1)
 * A quit request while stopping or exited is absorbed: it neither restarts shutdown nor lets
 * Electron quit under a core that is still closing. Electron-free: exit and timers are injected.
 */

/** Long enough for in-flight stages to release their claims; short enough that a hung close can't wedge the OS logout. */
export const SHUTDOWN_DEADLINE_MS = 10_000;

export type QuitState = 'running' | 'stopping' | 'exited';

export interface QuitDeps {
  /** Closes whatever core is open (or opening); resolves when its workers have released their claims. */
  closeCore(): Promise<void>;
  /** app.exit: terminates without emitting before-quit again. */
  exit(code: number): void;
  log: { info(message: string): void; error(message: string, error?: unknown): void };
  deadlineMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface QuitController {
  state(): QuitState;
  /** Starts shutdown (once) and resolves when exit has been called. */
  requestQuit(reason: string, exitCode?: number): Promise<void>;
  /** For app.on('before-quit'): hold Electron's quit until the core is closed. */
  onBeforeQuit(event: { preventDefault(): void }): void;
}

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const handle = setTimeout(fn, ms);
  // The deadline must not itself keep the process alive.
  handle.unref();
  return {
    cancel: () => {
      clearTimeout(handle);
    },
  };
};

export function createQuitController(deps: QuitDeps): QuitController {
  let state: QuitState = 'running';
  let done: Promise<void> | undefined;
  const setTimer = deps.setTimer ?? defaultTimer;
  const deadlineMs = deps.deadlineMs ?? SHUTDOWN_DEADLINE_MS;

  const exitOnce = (code: number): void => {
    if (state === 'exited') return;
    state = 'exited';
    deps.exit(code);
  };

  const shutdown = async (reason: string, exitCode: number): Promise<void> => {
    state = 'stopping';
    deps.log.info(`Quitting (${reason}): closing the core`);
    const deadline = setTimer(() => {
      deps.log.error(`The core did not close within ${String(deadlineMs)} ms; forcing exit`);
      exitOnce(1);
    }, deadlineMs);
    let code = exitCode;
    try {
      await deps.closeCore();
      deps.log.info('Core closed');
    } catch (error) {
      deps.log.error('Closing the core failed', error);
      code = 1;
    } finally {
      deadline.cancel();
    }
    exitOnce(code);
  };

  const requestQuit = (reason: string, exitCode = 0): Promise<void> => {
    done ??= shutdown(reason, exitCode);
    return done;
  };

  return {
    state: () => state,
    requestQuit,
    onBeforeQuit(event) {
      if (state === 'exited') return;
      event.preventDefault();
      void requestQuit('before-quit');
    },
  };
}
