/**
 * Quitting: stop the pool and close the core before the process exits, exactly once.
 *
 * States:
 *   running  → stopping   first quit request (before-quit, SIGINT, SIGTERM, fatal startup error,
 *                         or the OS ending the session)
 *   stopping → exited     core closed (exit 0), close failed (exit 1), or the deadline passed (exit 1)
 * A quit request while stopping or exited is absorbed: it neither restarts shutdown nor lets
 * Electron quit under a core that is still closing.
 *
 * The OS ending the session (shutdown, restart, log-off: powerMonitor 'shutdown' on macOS and Linux,
 * the window's 'session-end' on Windows, where before-quit never fires) is the one case where we must
 * not hold Electron's quit: on macOS a prevented before-quit reads as "the app refuses to quit" and
 * cancels the log-off. From then on before-quit is let through, the close starts at once and the
 * exit comes within SESSION_END_DEADLINE_MS however far the close got. Electron-free: exit and
 * timers are injected.
 */

/** Long enough for in-flight stages to release their claims; short enough that a hung close can't wedge the OS logout. */
export const SHUTDOWN_DEADLINE_MS = 10_000;
/**
 * Once the OS is ending the session: Windows shows "apps are preventing shutdown" after about 5 s.
 * A close cut short here is an app killed mid-work, which the core recovers from at the next open.
 */
export const SESSION_END_DEADLINE_MS = 3_000;

export type QuitState = 'running' | 'stopping' | 'exited';

export interface QuitDeps {
  /**
   * Closes whatever core is open (or opening); resolves when its workers have released their claims.
   * `fast`: the OS is ending the session — abort in-flight stages at once instead of waiting for them.
   */
  closeCore(fast: boolean): Promise<void>;
  /** app.exit: terminates without emitting before-quit again. */
  exit(code: number): void;
  log: { info(message: string): void; error(message: string, error?: unknown): void };
  deadlineMs?: number;
  sessionDeadlineMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

export interface QuitController {
  state(): QuitState;
  /** Starts shutdown (once) and resolves when exit has been called. */
  requestQuit(reason: string, exitCode?: number): Promise<void>;
  /** For app.on('before-quit'): hold Electron's quit until the core is closed, unless the OS is ending the session. */
  onBeforeQuit(event: { preventDefault(): void }): void;
  /** The OS is ending the session: close now with a short deadline, and never hold a quit again. */
  onSessionEnd(reason: string): void;
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
  let sessionEnding = false;
  const setTimer = deps.setTimer ?? defaultTimer;
  const deadlineMs = deps.deadlineMs ?? SHUTDOWN_DEADLINE_MS;
  const sessionDeadlineMs = deps.sessionDeadlineMs ?? SESSION_END_DEADLINE_MS;
  const deadlines: { cancel(): void }[] = [];

  const exitOnce = (code: number): void => {
    if (state === 'exited') return;
    state = 'exited';
    for (const deadline of deadlines) deadline.cancel();
    deps.exit(code);
  };

  const armDeadline = (ms: number): void => {
    deadlines.push(
      setTimer(() => {
        deps.log.error(`The core did not close within ${String(ms)} ms; forcing exit`);
        exitOnce(1);
      }, ms),
    );
  };

  const shutdown = async (reason: string, exitCode: number, ms: number): Promise<void> => {
    state = 'stopping';
    deps.log.info(`Quitting (${reason}): closing the core`);
    armDeadline(ms);
    let code = exitCode;
    try {
      await deps.closeCore(sessionEnding);
      deps.log.info('Core closed');
    } catch (error) {
      deps.log.error('Closing the core failed', error);
      code = 1;
    }
    exitOnce(code);
  };

  const requestQuit = (reason: string, exitCode = 0): Promise<void> => {
    done ??= shutdown(reason, exitCode, sessionEnding ? sessionDeadlineMs : deadlineMs);
    return done;
  };

  return {
    state: () => state,
    requestQuit,
    onBeforeQuit(event) {
      if (state === 'exited') return;
      if (sessionEnding) {
        // Let Electron (and the OS behind it) quit; the close started by onSessionEnd races it.
        void requestQuit('before-quit while the session ends');
        return;
      }
      event.preventDefault();
      void requestQuit('before-quit');
    },
    onSessionEnd(reason) {
      if (sessionEnding || state === 'exited') return;
      sessionEnding = true;
      deps.log.info(`The OS is ending the session (${reason})`);
      // A quit already under way keeps its close but gets the short deadline too.
      if (state === 'stopping') armDeadline(sessionDeadlineMs);
      else void requestQuit(reason);
    },
  };
}
