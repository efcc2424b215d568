/**
 * The change-notice coalescer (src/main/change-notices.ts) with fake timers: a lone change is sent at
 * once, a burst of any size costs at most one notice per interval, the trailing notice carries the
 * merged flags, and the core's events map to the right flags. A real core's emitter drives the last
 * test: the events are the core's own, only the clock is fake.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createCoalescer, forwardChangeNotices } from '../../src/main/change-notices';
import { createEmitter } from '../../src/main/core/events';
import { CHANGE_NOTICE_MIN_INTERVAL_MS } from '../../src/shared/channels';
import type { ChangeNotice, Entry } from '../../src/shared/contract';

const INTERVAL = CHANGE_NOTICE_MIN_INTERVAL_MS;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

function recorder() {
  const sent: { at: number; notice: ChangeNotice }[] = [];
  return { sent, send: (notice: ChangeNotice) => sent.push({ at: Date.now(), notice }) };
}

describe('createCoalescer', () => {
  it('sends a lone change at once (leading edge) and nothing after it', () => {
    const { sent, send } = recorder();
    const c = createCoalescer(send);
    c.notify({ entries: true });
    expect(sent.map((s) => s.notice)).toEqual([{ entries: true, queue: false }]);
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(sent).toHaveLength(1);
  });

  it('a burst of 1,000 changes in one interval is two notices: the first at once, one trailing', () => {
    const { sent, send } = recorder();
    const c = createCoalescer(send);
    const t0 = Date.now();
    for (let i = 0; i < 1000; i++) c.notify({ entries: true });
    expect(sent).toHaveLength(1);
    vi.advanceTimersByTime(INTERVAL);
    expect(sent.map((s) => s.at - t0)).toEqual([0, INTERVAL]);
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(sent).toHaveLength(2);
  });

  it('a steady stream for 5 s stays at one notice per interval (≤ ~10/s)', () => {
    const { sent, send } = recorder();
    const c = createCoalescer(send);
    // A change every 7 ms for 5 s: 715 changes.
    for (let t = 0; t < 5000; t += 7) {
      c.notify({ entries: true });
      vi.advanceTimersByTime(7);
    }
    vi.advanceTimersByTime(INTERVAL);
    expect(sent.length).toBeLessThanOrEqual(5000 / INTERVAL + 2);
    expect(sent.length).toBeGreaterThanOrEqual(5000 / INTERVAL - 1);
    for (let i = 1; i < sent.length; i++) expect((sent[i]?.at ?? 0) - (sent[i - 1]?.at ?? 0)).toBeGreaterThanOrEqual(INTERVAL);
  });

  it('the trailing notice merges the flags of every change it stands for', () => {
    const { sent, send } = recorder();
    const c = createCoalescer(send);
    c.notify({ queue: true });
    c.notify({ entries: true });
    c.notify({ queue: true });
    vi.advanceTimersByTime(INTERVAL);
    expect(sent.map((s) => s.notice)).toEqual([
      { entries: false, queue: true },
      { entries: true, queue: true },
    ]);
  });

  it('ignores empty changes, and stop() drops what is pending', () => {
    const { sent, send } = recorder();
    const c = createCoalescer(send);
    c.notify({});
    c.notify({ entries: false, queue: false });
    expect(sent).toHaveLength(0);
    c.notify({ entries: true });
    c.notify({ queue: true });
    c.stop();
    c.stop();
    vi.advanceTimersByTime(10 * INTERVAL);
    c.notify({ entries: true });
    expect(sent).toHaveLength(1);
  });
});

describe('forwardChangeNotices', () => {
  const entry = { id: 'e1', title: 't', status: 'CREATED' } as Entry;

  it('maps the core’s events to flags, and stops listening when stopped', () => {
    const events = createEmitter();
    const { sent, send } = recorder();
    const stop = forwardChangeNotices(events, send);
    events.emit('maintenance', { vacuumed: true, rescued: 0, ms: 1 });
    expect(sent).toHaveLength(0);
    events.emit('created', { entry });
    expect(sent.map((s) => s.notice)).toEqual([{ entries: true, queue: false }]);
    events.emit('changed', { entries: false, queue: true });
    events.emit('transition', { workerId: 'w', entry });
    vi.advanceTimersByTime(INTERVAL);
    expect(sent.map((s) => s.notice)).toEqual([
      { entries: true, queue: false },
      { entries: true, queue: true },
    ]);
    vi.advanceTimersByTime(INTERVAL);
    events.emit('claimed', { workerId: 'w', ids: ['e1'] });
    events.emit('maintenance', { vacuumed: false, rescued: 2, ms: 1 });
    vi.advanceTimersByTime(INTERVAL);
    expect(sent).toHaveLength(4);
    // Another process's NOTIFY (shared server) and a settings change applied here.
    vi.advanceTimersByTime(INTERVAL);
    events.emit('notified', {});
    vi.advanceTimersByTime(INTERVAL);
    events.emit('queueState', { state: { paused: true, workers: 2, stageDelayMs: 0, retentionDays: 30, notifyOnFailure: true } });
    vi.advanceTimersByTime(INTERVAL);
    expect(sent.slice(4).map((s) => s.notice)).toEqual([
      { entries: true, queue: false },
      { entries: false, queue: true },
    ]);
    stop();
    stop();
    for (const name of ['created', 'claimed', 'transition', 'maintenance', 'changed', 'queueState', 'notified'] as const) expect(events.listenerCount(name)).toBe(0);
    events.emit('created', { entry });
    vi.advanceTimersByTime(10 * INTERVAL);
    expect(sent).toHaveLength(6);
  });
});
