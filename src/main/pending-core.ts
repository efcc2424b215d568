/**
 * The core as the IPC handlers see it while it may still be opening. The window and its handlers
 * exist from the first moment; opening the data (migrations, sometimes initdb) happens
 * behind them. A call made before the core is open waits for it, up to CORE_WAIT_MS, so a page
 * that loads first simply shows its loading state; past that, or once opening has failed, the call
 * answers UNAVAILABLE with a sentence the renderer shows, and its 2 s poll asks again.
 *
 * States: waiting (no open started) → opening → open | failed; close() from any of them closes
 * whatever core exists once its open has settled, and makes later calls answer UNAVAILABLE.
 * Electron-free: timers are injected for the tests.
 *
 * A first launch: once the opening core says its folder held no database (`markEmpty`, from
 * CoreOptions.onNewDataFolder, with the folder's lock held), the first page of the list is known to
 * be empty, so it is answered at once instead of after the open (a first window shows its empty
 * state without waiting for Postgres to start). That answer is true whenever it is given: nothing
 * can write before the core is open, and from then on the core answers every call. Only the plain
 * first page (no search, cursor or `from`); every other call waits for the core as before.
 */
import { emptyCounts, listRequest, type Envelope, type EntryPage } from '../shared/contract';
import type { CorePort } from './core-port';
import { CLOSED_MESSAGE, SHUTTING_DOWN_MESSAGE, STILL_OPENING_MESSAGE } from '../shared/core-messages';

/** Long enough for a first launch's initdb; short enough that the page says why it is still waiting. */
export const CORE_WAIT_MS = 15_000;

// The words live in shared/ so the renderer can tell these states apart.
export { CLOSED_MESSAGE, SHUTTING_DOWN_MESSAGE, STILL_OPENING_MESSAGE } from '../shared/core-messages';

export type PendingCoreState = 'waiting' | 'opening' | 'open' | 'failed' | 'closed';

export interface PendingCore extends CorePort {
  state(): PendingCoreState;
  /** Hands over the opening core; calls made until then are already waiting for it. */
  attach(opening: Promise<CorePort>): void;
  /** The open core once it is open; never settles if none is ever attached. */
  readonly opened: Promise<CorePort>;
  /** The opening core found no database in its folder: until it opens, there are no entries. */
  markEmpty(): void;
}

/** The first page of an empty list, for a request asking exactly that; null for any other request. */
function emptyFirstPage(payload: unknown): Envelope<EntryPage> | null {
  const parsed = listRequest.safeParse(payload);
  if (!parsed.success) return null;
  const { search, cursor, from } = parsed.data;
  if (search !== undefined || cursor !== undefined || from !== undefined) return null;
  return { ok: true, data: { items: [], nextCursor: null, counts: emptyCounts(), matched: null } };
}

export interface PendingCoreOptions {
  waitMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const handle = setTimeout(fn, ms);
  handle.unref();
  return {
    cancel: () => {
      clearTimeout(handle);
    },
  };
};

const unavailable = (message: string): Envelope<never> => ({ ok: false, error: { code: 'UNAVAILABLE', message } });

function reasonOf(error: unknown): string {
  if (typeof error !== 'object' || error === null) return String(error);
  const message = 'message' in error && typeof error.message === 'string' ? error.message : 'unknown error';
  return 'code' in error && typeof error.code === 'string' ? `${error.code}: ${message}` : message;
}

export function createPendingCore(options: PendingCoreOptions = {}): PendingCore {
  const waitMs = options.waitMs ?? CORE_WAIT_MS;
  const setTimer = options.setTimer ?? defaultTimer;
  let state: PendingCoreState = 'waiting';
  let core: CorePort | undefined;
  let failure = '';
  let closeRequested = false;
  let closed = false;
  let settled: Promise<void> | undefined;
  let closeOptions: { graceMs?: number } | undefined;
  let closing: Promise<void> | undefined;
  let knownEmpty = false;
  let resolveEmpty: () => void = () => undefined;
  const emptySignal = new Promise<'empty'>((resolve) => {
    resolveEmpty = () => {
      resolve('empty');
    };
  });

  let resolveOpened: (core: CorePort) => void = () => undefined;
  const opened = new Promise<CorePort>((resolve) => {
    resolveOpened = resolve;
  });
  // Settles on open or on failure: what a waiting call waits for.
  let resolveSettled: () => void = () => undefined;
  const settledSignal = new Promise<void>((resolve) => {
    resolveSettled = resolve;
  });

  const answerNow = (channel: string, payload: unknown): Promise<Envelope<unknown>> => {
    if (closeRequested) return Promise.resolve(unavailable(closed ? CLOSED_MESSAGE : SHUTTING_DOWN_MESSAGE));
    if (state === 'open' && core !== undefined) return core.invoke(channel, payload);
    return Promise.resolve(unavailable(`Entryflow could not open its data (${failure}). The dialog says what to do next.`));
  };

  return {
    state: () => (closeRequested ? 'closed' : state),
    opened,
    attach(opening) {
      if (settled !== undefined) throw new Error('a core is already attached');
      state = 'opening';
      settled = opening.then(
        (value) => {
          core = value;
          state = 'open';
          resolveOpened(value);
          resolveSettled();
          // Asked to close while it was opening: close it as soon as it exists.
          if (closeRequested) return value.close(closeOptions);
          return undefined;
        },
        (error: unknown) => {
          failure = reasonOf(error);
          state = 'failed';
          resolveSettled();
        },
      );
    },
    markEmpty() {
      if (state !== 'waiting' && state !== 'opening') return;
      knownEmpty = true;
      resolveEmpty();
    },
    async invoke(channel, payload) {
      if (closeRequested || state === 'open' || state === 'failed') return answerNow(channel, payload);
      const early = () => (knownEmpty && !closeRequested && state !== 'open' && state !== 'failed' && channel === 'entries:list' ? emptyFirstPage(payload) : null);
      const now = early();
      if (now !== null) return now;
      let timer: { cancel(): void } | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimer(() => {
          resolve('timeout');
        }, waitMs);
      });
      const settledOrTimeout = Promise.race([settledSignal.then(() => 'settled' as const), timedOut]);
      // A list asked before the folder was known to be empty is answered as soon as it is.
      let outcome = await Promise.race([settledOrTimeout, emptySignal]);
      if (outcome === 'empty') {
        const later = early();
        if (later !== null) {
          timer?.cancel();
          return later;
        }
        outcome = await settledOrTimeout;
      }
      timer?.cancel();
      if (outcome === 'timeout') return unavailable(STILL_OPENING_MESSAGE);
      return answerNow(channel, payload);
    },
    close(options) {
      closing ??= (async () => {
        closeRequested = true;
        closeOptions = options;
        // Wakes the waiting calls, which now answer "shutting down".
        resolveSettled();
        try {
          if (settled === undefined) return;
          await settled;
          await core?.close(closeOptions);
        } finally {
          closed = true;
        }
      })();
      return closing;
    },
  };
}
