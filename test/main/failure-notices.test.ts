/**
 * Failure notifications (src/main/failure-notices.ts), electron-free: a real core emitter, a fake
 * clock, and recorded notifications in place of Electron's. Shown only for a terminal FAILED while
 * the window is unfocused and the setting is on; bursts are summarised; a click opens the entry.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEmitter } from '../../src/main/core/events';
import { FAILURE_NOTICE_WINDOW_MS, describeFailures, readNotifyOnFailure, startFailureNotices, type FailureNotice } from '../../src/main/failure-notices';
import type { Entry, Envelope, QueueState } from '../../src/shared/contract';

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

const entry = (n: number, status: Entry['status'] = 'FAILED'): Entry => ({
  id: `id-${n}`,
  title: `Report ${n}`,
  status,
  progress: 33,
  result: null,
  error: status === 'FAILED' ? `disk on fire ${n}` : null,
  attempts: 3,
  runAfter: null,
  lockedBy: null,
  lockedAt: null,
  createdAt: '2026-12-05T06:00:00.000Z',
  updatedAt: '2026-12-05T06:00:00.000Z',
});

function setUp(options: { focused?: boolean; setting?: () => Promise<boolean> } = {}) {
  const events = createEmitter();
  const shown: { notice: FailureNotice; click: () => void }[] = [];
  const opened: (string | null)[] = [];
  let focused = options.focused ?? false;
  const stop = startFailureNotices({
    events,
    isWindowFocused: () => focused,
    notifyOnFailure: options.setting ?? (() => Promise.resolve(true)),
    show: (notice, click) => shown.push({ notice, click }),
    open: (id) => opened.push(id),
  });
  const fail = (n: number, status: Entry['status'] = 'FAILED') => {
    events.emit('transition', { workerId: 'w1', entry: entry(n, status) });
  };
  return {
    events,
    shown,
    opened,
    stop,
    fail,
    focus: (f: boolean) => {
      focused = f;
    },
  };
}

/** Lets the setting's promise settle. */
const settle = () => vi.advanceTimersByTimeAsync(0);

describe('failure notifications', () => {
  it('one failure while unfocused: shown at once, naming the entry and its error; a click opens it', async () => {
    const t = setUp();
    t.fail(1);
    await settle();
    expect(t.shown.map((s) => s.notice)).toEqual([{ title: 'Entry failed: Report 1', body: 'disk on fire 1', entryId: 'id-1' }]);
    t.shown[0]?.click();
    expect(t.opened).toEqual(['id-1']);
  });

  it('nothing for a focused window, a non-terminal transition, or the setting off', async () => {
    const focused = setUp({ focused: true });
    focused.fail(1);
    await settle();
    expect(focused.shown).toEqual([]);
    const moving = setUp();
    moving.fail(2, 'STAGE_1');
    moving.fail(3, 'COMPLETED');
    await settle();
    expect(moving.shown).toEqual([]);
    const off = setUp({ setting: () => Promise.resolve(false) });
    off.fail(4);
    await settle();
    await vi.advanceTimersByTimeAsync(FAILURE_NOTICE_WINDOW_MS);
    expect(off.shown).toEqual([]);
  });

  it('a setting that cannot be read counts as on', async () => {
    const t = setUp({ setting: () => Promise.reject(new Error('queue:state not built')) });
    t.fail(1);
    await settle();
    expect(t.shown).toHaveLength(1);
    const unreadable = await readNotifyOnFailure({
      invoke: () => Promise.resolve({ ok: false, error: { code: 'INTERNAL', message: 'not built yet' } } satisfies Envelope<never>),
    } as never);
    expect(unreadable).toBe(true);
    const state: QueueState = { paused: false, workers: 4, stageDelayMs: 2000, retentionDays: 30, notifyOnFailure: false };
    expect(await readNotifyOnFailure({ invoke: () => Promise.resolve({ ok: true, data: state }) } as never)).toBe(false);
  });

  it('a burst of 500 failures is two notifications: the first, then one summary', async () => {
    const t = setUp();
    for (let i = 1; i <= 500; i++) t.fail(i);
    await settle();
    expect(t.shown).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(FAILURE_NOTICE_WINDOW_MS);
    expect(t.shown.map((s) => s.notice)).toEqual([
      { title: 'Entry failed: Report 1', body: 'disk on fire 1', entryId: 'id-1' },
      { title: '499 more entries failed', body: '“Report 2”, “Report 3”, “Report 4” and 496 more. Latest error: disk on fire 500', entryId: null },
    ]);
    t.shown[1]?.click();
    expect(t.opened).toEqual([null]);
    await vi.advanceTimersByTimeAsync(10 * FAILURE_NOTICE_WINDOW_MS);
    expect(t.shown).toHaveLength(2);
  });

  it('after a quiet window the next failure is shown at once again; stop() ends it all', async () => {
    const t = setUp();
    t.fail(1);
    await vi.advanceTimersByTimeAsync(FAILURE_NOTICE_WINDOW_MS + 1);
    t.fail(2);
    await settle();
    expect(t.shown.map((s) => s.notice.entryId)).toEqual(['id-1', 'id-2']);
    t.fail(3);
    t.stop();
    await vi.advanceTimersByTimeAsync(10 * FAILURE_NOTICE_WINDOW_MS);
    t.fail(4);
    await settle();
    expect(t.shown).toHaveLength(2);
    expect(t.events.listenerCount('transition')).toBe(0);
  });

  it('describes one failure without an error, and a summary of two', () => {
    const quiet = { ...entry(7), error: null };
    expect(describeFailures({ sample: [quiet], count: 1, latestError: null }, false).body).toBe('It failed without an error message.');
    const two = describeFailures({ sample: [entry(1), entry(2)], count: 2, latestError: 'x' }, false);
    expect(two).toEqual({ title: '2 entries failed', body: '“Report 1”, “Report 2”. Latest error: x', entryId: null });
  });
});
