/**
 * An in-memory stand-in for `window.entryflow`. It is not a database and does not try to be one:
 * just enough behaviour for the components (listing with filters and cursors, detail, create, retry)
 * and the shared contract's own request schemas, so validation messages are the backend's real ones.
 */
import { vi } from 'vitest';
import {
  createRequest,
  RETRYABLE_STATUSES,
  STATUSES,
  type ChangeNotice,
  type Channel,
  type Entry,
  type EntryDetail,
  type EntryEvent,
  type EntryflowBridge,
  type EntryPage,
  type Envelope,
  type ErrorBody,
  type RequestOf,
  type ResponseOf,
  type Stats,
  type Status,
  type StatusCounts,
} from '../../src/shared/contract';
import { FakeConsole } from './fake-console';

const T0 = Date.parse('2025-01-01T12:00:00.000Z');
let seq = 0;

export function makeEntry(overrides: Partial<Entry> = {}): Entry {
  seq += 1;
  const at = new Date(T0 + seq * 1000).toISOString();
  return {
    id: `e${String(seq).padStart(4, '0')}`,
    title: `Entry ${seq}`,
    status: 'CREATED',
    progress: 0,
    result: null,
    error: null,
    attempts: 0,
    runAfter: at,
    lockedBy: null,
    lockedAt: null,
    createdAt: at,
    updatedAt: at,
    ...overrides,
  };
}

export class FakeBackend {
  entries: Entry[] = [];
  events = new Map<string, EntryEvent[]>();
  /** When set, every call answers this error (the backend is "down"). */
  failure: ErrorBody | null = null;
  /** Errors for one channel only (e.g. a refused retry while everything else answers). */
  refusals = new Map<Channel, ErrorBody>();
  pageSize: number | null = null;

  /** The operator console's channels and their state (queue settings, throughput, export): fake-console.ts. */
  readonly console = new FakeConsole(this);

  readonly invoke = vi.fn(
    <C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Envelope<ResponseOf<C>>> =>
      Promise.resolve(this.answer(channel, payload) as Envelope<ResponseOf<C>>),
  );

  /** Listeners of onChange; `notify` plays main's change notice. */
  readonly changeListeners = new Set<(notice: ChangeNotice) => void>();

  readonly bridge: EntryflowBridge = {
    invoke: this.invoke,
    onChange: (listener) => {
      this.changeListeners.add(listener);
      return () => this.changeListeners.delete(listener);
    },
  };

  notify(notice: ChangeNotice = { entries: true, queue: false }): void {
    for (const l of this.changeListeners) l(notice);
  }

  constructor(entries: Entry[] = []) {
    this.entries = entries.map((e) => ({ ...e }));
  }

  /** Replace an entry's fields, as a worker would between two polls. */
  update(id: string, patch: Partial<Entry>): void {
    this.entries = this.entries.map((e) => (e.id === id ? { ...e, ...patch } : e));
  }

  callsTo(channel: Channel): unknown[] {
    return this.invoke.mock.calls.filter(([c]) => c === channel).map(([, p]) => p);
  }

  private counts(): StatusCounts {
    const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
    for (const e of this.entries) counts[e.status] += 1;
    return counts;
  }

  private answer(channel: Channel, payload: unknown): Envelope<unknown> | Promise<Envelope<unknown>> {
    if (this.failure) return { ok: false, error: this.failure };
    const refusal = this.refusals.get(channel);
    if (refusal) return { ok: false, error: refusal };
    // Fresh objects every call, like JSON over IPC: identity must come from structural sharing.
    const clone = <T>(v: T): T => structuredClone(v);
    switch (channel) {
      case 'entries:list': {
        const p = (payload ?? {}) as { status?: Status; search?: string; cursor?: string; from?: string; limit?: number };
        const limit = this.pageSize ?? p.limit ?? 50;
        let rows = [...this.entries].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
        if (p.status) rows = rows.filter((e) => e.status === p.status);
        if (p.search) rows = rows.filter((e) => e.title.toLowerCase().includes(p.search!.toLowerCase()));
        const from = p.from === undefined ? -1 : rows.findIndex((e) => e.id <= p.from!);
        const start = p.cursor ? Number(p.cursor) : Math.max(0, from);
        const items = rows.slice(start, start + limit);
        const page: EntryPage = {
          items,
          nextCursor: start + limit < rows.length ? String(start + limit) : null,
          counts: this.counts(),
          matched: p.search ? { count: rows.length, capped: false } : null,
        };
        return { ok: true, data: clone(page) };
      }
      case 'entries:get': {
        const { id } = payload as { id: string };
        const entry = this.entries.find((e) => e.id === id);
        if (!entry) return { ok: false, error: { code: 'NOT_FOUND', message: `No entry with id ${id}` } };
        const detail: EntryDetail = { ...entry, events: this.events.get(id) ?? [] };
        return { ok: true, data: clone(detail) };
      }
      case 'entries:create': {
        const parsed = createRequest.safeParse(payload);
        if (!parsed.success) {
          return { ok: false, error: { code: 'INVALID_INPUT', message: parsed.error.issues[0]?.message ?? 'invalid' } };
        }
        const entry = makeEntry({ title: parsed.data.title });
        this.entries.push(entry);
        return { ok: true, data: clone(entry) };
      }
      case 'entries:retry': {
        const { id } = payload as { id: string };
        const entry = this.entries.find((e) => e.id === id);
        if (!entry) return { ok: false, error: { code: 'NOT_FOUND', message: `No entry with id ${id}` } };
        if (!RETRYABLE_STATUSES.includes(entry.status)) {
          return { ok: false, error: { code: 'CONFLICT', message: 'Only failed or cancelled entries can be retried' } };
        }
        this.update(id, { status: 'CREATED', progress: 0, error: null, attempts: 0 });
        return { ok: true, data: clone(this.entries.find((e) => e.id === id)) };
      }
      case 'entries:stats': {
        const counts = this.counts();
        const stats: Stats = {
          counts,
          total: this.entries.length,
          workers: 4,
          lostLocks: 0,
          failedAttempts: 0,
          transitions: 0,
          maxAttempts: 3,
        };
        return { ok: true, data: stats };
      }
      default:
        return (
          this.console.answer(channel, payload) ?? {
            ok: false,
            error: { code: 'INTERNAL', message: `the fake backend does not answer ${channel}` },
          }
        );
    }
  }
}
