/**
 * A bridge for the preview page, in the browser: the FakeConsole's channels (the same semantics as
 * the renderer tests) over a small list of entries. The FakeBackend itself needs vitest, so the
 * list, get and stats answers are redone here in a few lines.
 */
import {
  STATUSES,
  type Channel,
  type Entry,
  type EntryflowBridge,
  type Envelope,
  type RequestOf,
  type ResponseOf,
  type StatusCounts,
} from '../../../src/shared/contract';
import { FakeConsole, emptyThroughput, matchesFilter } from '../fake-console';

const TITLES = [
  'Reconcile Stripe payouts',
  'Sync Salesforce opportunities',
  'Fetch ECB exchange rates',
  'Render invoice PDFs',
  'Nightly backup verification',
  'Re-index search catalogue',
];
const STATUS_OF = ['FAILED', 'FAILED', 'CANCELLED', 'COMPLETED', 'STAGE_1', 'CREATED'] as const;

export function previewBridge(): EntryflowBridge {
  const now = Date.now();
  const entries: Entry[] = TITLES.map((title, i) => {
    const at = new Date(now - (TITLES.length - i) * 60_000).toISOString();
    return {
      id: `e${String(i).padStart(4, '0')}`,
      title,
      status: STATUS_OF[i]!,
      progress: 0,
      result: null,
      error: null,
      attempts: 0,
      runAfter: null,
      lockedBy: null,
      lockedAt: null,
      createdAt: at,
      updatedAt: at,
    };
  });
  const rows = { entries, events: new Map<string, unknown[]>() };
  const fake = new FakeConsole(rows);
  const hour = emptyThroughput('hour', now);
  hour.buckets = hour.buckets.map((b, i) => ({
    ...b,
    completed: Math.round(30 + 25 * Math.sin(i / 6) + (i % 7) * 3),
    failed: i % 9 === 0 ? 3 : i % 13 === 0 ? 1 : 0,
  }));
  hour.stages = [
    { stage: 1, p50Ms: 2012, p95Ms: 2480, runs: 1812 },
    { stage: 2, p50Ms: 1830, p95Ms: 4120, runs: 1790 },
  ];
  const day = emptyThroughput('day', now);
  day.buckets = day.buckets.map((b, i) => ({ ...b, completed: 1500 + ((i * 397) % 900), failed: (i * 7) % 40 }));
  day.stages = hour.stages;
  fake.throughput = { hour, day };
  fake.exportPath = '/home/me/Documents/entries.csv';

  const counts = (): StatusCounts => {
    const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
    for (const e of rows.entries) c[e.status] += 1;
    return c;
  };
  const answer = (channel: Channel, payload: unknown): Envelope<unknown> | Promise<Envelope<unknown>> => {
    if (channel === 'entries:list') {
      const p = (payload ?? {}) as RequestOf<'entries:list'>;
      const items = rows.entries.filter((e) => matchesFilter(e, p)).sort((a, b) => (a.id < b.id ? 1 : -1));
      return { ok: true, data: { items, nextCursor: null, counts: counts(), matched: null } };
    }
    if (channel === 'entries:stats') {
      const c = counts();
      return {
        ok: true,
        data: { counts: c, total: rows.entries.length, workers: 4, lostLocks: 0, failedAttempts: 0, transitions: 0, maxAttempts: 3 },
      };
    }
    return fake.answer(channel, payload) ?? { ok: false, error: { code: 'INTERNAL', message: `the preview does not answer ${channel}` } };
  };
  return {
    invoke: <C extends Channel>(channel: C, payload: RequestOf<C>) =>
      Promise.resolve(answer(channel, payload)) as Promise<Envelope<ResponseOf<C>>>,
    onChange: () => () => undefined,
  };
}
