/**
 * Change notices: the core's events, turned into "something changed, refetch" messages for the
 * window (CHANGE_EVENT), at most one per CHANGE_NOTICE_MIN_INTERVAL_MS.
 *
 * Coalescing, leading and trailing edge: the first change after a quiet interval is sent at once (a
 * create shows within a frame); changes during the interval that follows are merged (their flags
 * OR-ed) into one notice sent when it ends, which starts the next interval. A burst of any size
 * therefore costs the renderer at most one refetch per interval (~10/s), and the last change of a
 * burst is never left unsent. A notice is only a hint: the renderer's 2 s poll remains the floor.
 *
 * Electron-free (the sender is injected), so it is tested in Node with fake timers and reused by the
 * end-to-end harness, which feeds the page's onChange from a real core the same way.
 */
import { CHANGE_NOTICE_MIN_INTERVAL_MS } from '../shared/channels';
import type { ChangeNotice } from '../shared/contract';
import type { Core, CoreEventMap } from './core/index';

export interface Coalescer {
  /** Records a change; sends now if the last notice is an interval old, else when the interval ends. */
  notify(change: Partial<ChangeNotice>): void;
  /** Drops anything pending and sends nothing more. Idempotent. */
  stop(): void;
}

export function createCoalescer(sendNotice: (notice: ChangeNotice) => void, intervalMs: number = CHANGE_NOTICE_MIN_INTERVAL_MS): Coalescer {
  // The leading notice is sent inside the core's emit, i.e. inside the call that changed the data:
  // a window that cannot take it (closing, crashed) must not turn that call into an error.
  const send = (notice: ChangeNotice) => {
    try {
      sendNotice(notice);
    } catch {
      // Dropped: the next notice or the 2 s poll brings the window up to date.
    }
  };
  let pending: ChangeNotice | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const endOfInterval = () => {
    timer = null;
    if (pending === null || stopped) return;
    const notice = pending;
    pending = null;
    // The trailing notice opens an interval of its own, so a steady stream stays at one per interval.
    timer = setTimeout(endOfInterval, intervalMs);
    send(notice);
  };

  return {
    notify(change) {
      if (stopped) return;
      const entries = change.entries === true;
      const queue = change.queue === true;
      if (!entries && !queue) return;
      if (timer === null) {
        timer = setTimeout(endOfInterval, intervalMs);
        send({ entries, queue });
        return;
      }
      pending = { entries: entries || (pending?.entries ?? false), queue: queue || (pending?.queue ?? false) };
    },
    stop() {
      stopped = true;
      pending = null;
      if (timer !== null) clearTimeout(timer);
      timer = null;
    },
  };
}

/** The events that can change what the window shows, and what each may have made stale. */
export type ChangeSource = Pick<Core['events'], 'on' | 'off'>;

/** Subscribes `handler` to one event; returns what unsubscribes it, so one list serves both. */
function listen<K extends keyof CoreEventMap>(events: ChangeSource, name: K, handler: Parameters<typeof events.on<K>>[1]): () => void {
  events.on(name, handler);
  return () => events.off(name, handler);
}

/**
 * Subscribes to the core's events and sends coalesced notices through `send`. Returns the stop
 * function, which unsubscribes and drops anything pending (the window closed).
 */
export function forwardChangeNotices(events: ChangeSource, send: (notice: ChangeNotice) => void, intervalMs?: number): () => void {
  const coalescer = createCoalescer(send, intervalMs);
  const entries = () => {
    coalescer.notify({ entries: true });
  };
  // A maintenance round changes rows only when it rescued locks (released or failed entries).
  const maintenance = ({ rescued }: { rescued: number }) => {
    if (rescued > 0) coalescer.notify({ entries: true });
  };
  const changed = (change: ChangeNotice) => {
    coalescer.notify(change);
  };
  // Settings as this process applies them: its own update, or another process's seen by polling.
  const queueState = () => {
    coalescer.notify({ queue: true });
  };
  // A claim marks the entry running (lockedBy); a transition is every stage outcome, failures included.
  const unsubscribe = [
    listen(events, 'created', entries),
    listen(events, 'claimed', entries),
    listen(events, 'transition', entries),
    listen(events, 'maintenance', maintenance),
    listen(events, 'changed', changed),
    listen(events, 'queueState', queueState),
    listen(events, 'notified', entries),
  ];
  let stopped = false;
  return () => {
    if (stopped) return;
    stopped = true;
    for (const off of unsubscribe) off();
    coalescer.stop();
  };
}
