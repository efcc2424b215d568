/**
 * The FakeBackend's answers for the operator console's channels (entries:cancel/delete/bulk/export,
 * queue:state/update, stats:throughput), with the core's semantics as the contract states them:
 * the contract's own request schemas (so validation messages are real), NOT_FOUND for an unknown
 * id, CONFLICT for a cancel of a finished entry or a delete of an active one, and bulk actions that
 * change what they can and count the rest as skipped.
 */
import {
  ACTIVE_STATUSES,
  RETRYABLE_STATUSES,
  TERMINAL_STATUSES,
  bulkRequest,
  cancelRequest,
  deleteRequest,
  exportRequest,
  queueUpdateRequest,
  throughputRequest,
  type BulkAction,
  type Channel,
  type Entry,
  type EntryFilter,
  type Envelope,
  type ErrorBody,
  type QueueState,
  type Throughput,
  type ThroughputWindow,
} from '../../src/shared/contract';

/** What the console needs of the FakeBackend: its rows, their history, and a way to change a row. */
export interface FakeRows {
  entries: Entry[];
  events: Map<string, unknown[]>;
}

const invalid = (issues: readonly { message: string }[]): Envelope<never> => ({
  ok: false,
  error: { code: 'INVALID_INPUT', message: issues[0]?.message ?? 'invalid input' },
});
const notFound = (id: string): Envelope<never> => ({ ok: false, error: { code: 'NOT_FOUND', message: `No entry with id ${id}` } });

/** The list's own matching (title, case-insensitively), so "select all" covers what the list shows. */
export function matchesFilter(entry: Entry, filter: EntryFilter | undefined): boolean {
  if (filter?.status && entry.status !== filter.status) return false;
  if (filter?.search && !entry.title.toLowerCase().includes(filter.search.toLowerCase())) return false;
  return true;
}

/** Zero buckets ending at `now`, oldest first: 60 minutes or 24 hours, as the core fills gaps. */
export function emptyThroughput(window: ThroughputWindow, now = Date.parse('2025-01-01T12:00:00.000Z')): Throughput {
  const step = window === 'hour' ? 60_000 : 3_600_000;
  const n = window === 'hour' ? 60 : 24;
  const last = Math.floor(now / step) * step;
  return {
    buckets: Array.from({ length: n }, (_, i) => ({ at: new Date(last - (n - 1 - i) * step).toISOString(), completed: 0, failed: 0 })),
    stages: [],
  };
}

export class FakeConsole {
  queue: QueueState = { paused: false, workers: 4, stageDelayMs: 2000, retentionDays: 30, notifyOnFailure: true };
  throughput: Record<ThroughputWindow, Throughput> = { hour: emptyThroughput('hour'), day: emptyThroughput('day') };
  /** What the save dialog does: write to this path, or null (the person closed it). */
  exportPath: string | null = '/home/me/entries.csv';
  /** Refuse every queue:update with this (e.g. the core is shutting down). */
  queueFailure: ErrorBody | null = null;
  /** When set, entries:bulk waits for this before answering (to see a pending state). */
  bulkGate: Promise<void> | null = null;

  constructor(private readonly rows: FakeRows) {}

  private find(id: string): Entry | undefined {
    return this.rows.entries.find((e) => e.id === id);
  }

  private set(id: string, patch: Partial<Entry>): Entry {
    const i = this.rows.entries.findIndex((e) => e.id === id);
    const next = { ...this.rows.entries[i]!, ...patch, updatedAt: new Date().toISOString() };
    this.rows.entries[i] = next;
    return next;
  }

  /** One entry under one action: true if it changed, false if it had moved on (skipped). */
  private apply(action: BulkAction, entry: Entry): boolean {
    switch (action) {
      case 'cancel':
        if (!ACTIVE_STATUSES.includes(entry.status)) return false;
        this.set(entry.id, { status: 'CANCELLED', lockedBy: null, lockedAt: null });
        return true;
      case 'retry':
        if (!RETRYABLE_STATUSES.includes(entry.status)) return false;
        this.set(entry.id, { status: 'CREATED', progress: 0, error: null, attempts: 0, runAfter: null });
        return true;
      case 'delete':
        if (!TERMINAL_STATUSES.includes(entry.status)) return false;
        this.rows.entries = this.rows.entries.filter((e) => e.id !== entry.id);
        this.rows.events.delete(entry.id);
        return true;
    }
  }

  /** The answer for a console channel; undefined for a channel this does not own. */
  answer(channel: Channel, payload: unknown): Envelope<unknown> | Promise<Envelope<unknown>> | undefined {
    switch (channel) {
      case 'entries:cancel': {
        const p = cancelRequest.safeParse(payload);
        if (!p.success) return invalid(p.error.issues);
        const entry = this.find(p.data.id);
        if (!entry) return notFound(p.data.id);
        if (!ACTIVE_STATUSES.includes(entry.status)) {
          return { ok: false, error: { code: 'CONFLICT', message: `Entry ${entry.id} is ${entry.status}; only waiting or running entries can be cancelled` } };
        }
        this.apply('cancel', entry);
        return { ok: true, data: structuredClone(this.find(entry.id)) };
      }
      case 'entries:delete': {
        const p = deleteRequest.safeParse(payload);
        if (!p.success) return invalid(p.error.issues);
        const entry = this.find(p.data.id);
        if (!entry) return notFound(p.data.id);
        if (!TERMINAL_STATUSES.includes(entry.status)) {
          return { ok: false, error: { code: 'CONFLICT', message: `Entry ${entry.id} is ${entry.status}; cancel it before deleting it` } };
        }
        this.apply('delete', entry);
        return { ok: true, data: { id: entry.id } };
      }
      case 'entries:bulk': {
        const p = bulkRequest.safeParse(payload);
        if (!p.success) return invalid(p.error.issues);
        const run = (): Envelope<unknown> => {
          const { action, ids, filter } = p.data;
          // Ids that name nothing (deleted meanwhile) are skipped, as the core counts them.
          const named = ids ? [...new Set(ids)].map((id) => this.find(id) ?? id) : this.rows.entries.filter((e) => matchesFilter(e, filter));
          let affected = 0;
          let skipped = 0;
          for (const e of named) {
            if (typeof e !== 'string' && this.apply(action, e)) affected += 1;
            else skipped += 1;
          }
          return { ok: true, data: { affected, skipped } };
        };
        return this.bulkGate ? this.bulkGate.then(run) : run();
      }
      case 'entries:export': {
        const p = exportRequest.safeParse(payload);
        if (!p.success) return invalid(p.error.issues);
        if (this.exportPath === null) return { ok: true, data: { path: null, count: 0 } };
        const count = this.rows.entries.filter((e) => matchesFilter(e, p.data.filter)).length;
        return { ok: true, data: { path: this.exportPath, count } };
      }
      case 'queue:state':
        return { ok: true, data: { ...this.queue } };
      case 'queue:update': {
        const p = queueUpdateRequest.safeParse(payload);
        if (!p.success) return invalid(p.error.issues);
        if (this.queueFailure) return { ok: false, error: this.queueFailure };
        // Absent fields stay absent after parsing: the spread changes only what was sent.
        this.queue = { ...this.queue, ...p.data };
        return { ok: true, data: { ...this.queue } };
      }
      case 'stats:throughput': {
        const p = throughputRequest.safeParse(payload);
        if (!p.success) return invalid(p.error.issues);
        return { ok: true, data: structuredClone(this.throughput[p.data.window]) };
      }
      default:
        return undefined;
    }
  }
}
