/**
 * `invoke`: the one entry point for every caller (Electron IPC, the CLI, tests). It checks the
 * channel, validates the payload against the shared contract, runs the handler, and always resolves
 * to an envelope — nothing thrown ever crosses the boundary.
 */
import { uuidv7 } from 'uuidv7';
import type { z } from 'zod';
import {
  CHANNELS,
  LIST_LIMIT_DEFAULT,
  contract,
  isChannel,
  type Channel,
  type Envelope,
  type ErrorCode,
  type ResponseOf,
  type Status,
} from '../../shared/contract';
import { encodeCursor, decodeCursor } from './cursor';
import { CoreError, classifyDbError, errorMessage } from './errors';
import type { CoreEventEmitter } from './events';
import type { Logger } from './logger';
import { exportToFile } from './export';
import type { QueueControl } from './queue-control';
import { searchTerm, type ApiStore } from './store';
import type { ChangeNotice, ExportFormat } from '../../shared/contract';

/**
 * Where an export goes: main's save dialog in the app (the person picks the file; the renderer never
 * names a path), the --out file in the CLI. null: the person cancelled.
 */
export type ChooseExportPath = (format: ExportFormat) => Promise<string | null>;

/** What a successful call on a channel may have changed, for the change notices (events.ts 'changed'). */
const CHANGES: Partial<Record<Channel, ChangeNotice>> = {
  'entries:retry': { entries: true, queue: false },
  'entries:cancel': { entries: true, queue: false },
  'entries:delete': { entries: true, queue: false },
  'entries:bulk': { entries: true, queue: false },
  'queue:update': { entries: false, queue: true },
};

export interface ApiDeps {
  store: ApiStore;
  events: CoreEventEmitter;
  logger: Logger;
  /** Tells up to `n` idle workers (in this process) that there is new work. */
  wake(n?: number): void;
  /** The operator's settings and the throughput rollups (queue-control.ts). */
  queue: Pick<QueueControl, 'refresh' | 'update' | 'throughput'>;
  stats(): { workers: number; maxAttempts: number; lostLocks: number; failedAttempts: number; transitions: number };
  /** Absent in a core with no one to ask (the CLI without --out): entries:export answers UNAVAILABLE. */
  chooseExportPath?: ChooseExportPath | undefined;
  /** Aborted when the core starts closing; long calls (export) stop early instead of holding it up. */
  closing?: AbortSignal;
}

type Parsed<C extends Channel> = z.output<(typeof contract)[C]['request']>;
type Handlers = { [C in Channel]: (req: Parsed<C>) => Promise<ResponseOf<C>> };

const fail = (code: ErrorCode, message: string): Envelope<never> => ({ ok: false, error: { code, message } });

/** What a failed database call means for the caller, by SQLSTATE (errors.ts). */
export function describeDbError(err: unknown): { code: ErrorCode; message: string } {
  switch (classifyDbError(err)) {
    case 'disk-full':
      return { code: 'UNAVAILABLE', message: 'The disk holding the data folder is full. Free some space and try again; nothing stored was lost.' };
    case 'unreachable':
    case 'transient':
      return { code: 'UNAVAILABLE', message: `The database is unreachable or busy: ${errorMessage(err)}. Try again shortly.` };
    default:
      return { code: 'INTERNAL', message: `Internal error: ${errorMessage(err)}` };
  }
}

function describeZodError(err: z.ZodError): string {
  const issue = err.issues[0];
  if (!issue) return 'invalid input';
  const where = issue.path.length > 0 ? issue.path.join('.') : '';
  if (issue.code === 'unrecognized_keys') {
    // A few names, not all of them: the message crosses IPC and may be shown to a person.
    const shown = issue.keys.slice(0, 5).map((k) => k.slice(0, 40)).join(', ');
    const more = issue.keys.length > 5 ? ` and ${issue.keys.length - 5} more` : '';
    return `unknown field${issue.keys.length > 1 ? 's' : ''}: ${shown}${more}`;
  }
  if (issue.message.startsWith(where) || where === '') return issue.message;
  return `${where}: ${issue.message}`;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function cancelConflict(id: string, status: Status): string {
  switch (status) {
    case 'CANCELLED':
      return `Entry ${id} is already CANCELLED.`;
    case 'FAILED':
      return `Entry ${id} is FAILED: it is not running, so there is nothing to cancel. Retry it or delete it.`;
    default:
      return `Entry ${id} is ${status}: it has finished, so there is nothing to cancel.`;
  }
}

export function createApi(deps: ApiDeps) {
  const { store } = deps;

  const handlers: Handlers = {
    async 'entries:create'({ title }) {
      const entry = await store.create(uuidv7(), title);
      deps.events.emit('created', { entry });
      deps.wake();
      return entry;
    },
    async 'entries:list'({ status, search, cursor, from, limit }) {
      const size = limit ?? LIST_LIMIT_DEFAULT;
      const afterId = cursor === undefined ? undefined : decodeCursor(cursor);
      const searching = search !== undefined && searchTerm(search) !== '';
      const [page, counts, matched] = await Promise.all([
        store.list({ status, search, afterId, fromId: from, limit: size }),
        store.counts(),
        searching ? store.countMatching({ status, search }) : null,
      ]);
      const last = page.items[page.items.length - 1];
      return { items: page.items, nextCursor: page.more && last ? encodeCursor(last.id) : null, counts, matched };
    },
    async 'entries:get'({ id }) {
      const entry = await store.get(id);
      if (!entry) throw new CoreError('NOT_FOUND', `No entry with id ${id}.`);
      return entry;
    },
    async 'entries:retry'({ id, from }) {
      const res = await store.retry(id, from);
      if (!res) throw new CoreError('NOT_FOUND', `No entry with id ${id}.`);
      if (!res.retried) throw new CoreError('CONFLICT', `Entry ${id} is ${res.entry.status}; only FAILED or CANCELLED entries can be retried.`);
      deps.wake();
      return res.entry;
    },
    async 'entries:cancel'({ id }) {
      const res = await store.cancel(id);
      if (!res) throw new CoreError('NOT_FOUND', `No entry with id ${id}.`);
      if (!res.cancelled) throw new CoreError('CONFLICT', cancelConflict(id, res.entry.status));
      if (res.running) deps.events.emit('cancelled', { ids: [id] });
      return res.entry;
    },
    async 'entries:delete'({ id }) {
      const res = await store.delete(id);
      if (!res) throw new CoreError('NOT_FOUND', `No entry with id ${id}.`);
      if (!res.deleted) {
        throw new CoreError('CONFLICT', `Entry ${id} is ${res.entry.status} and still has work to do; cancel it first, then delete it.`);
      }
      return { id };
    },
    async 'entries:bulk'({ action, ids, filter }) {
      const total = { affected: 0, skipped: 0 };
      const select = ids !== undefined ? { ids } : { filter: filter ?? {} };
      let first = true;
      for await (const batch of store.bulk(action, select)) {
        // Between batches, not before the first: each batch is a short statement, and this lets the
        // workers' statements (queued behind it on PGlite, which runs one at a time) go first.
        if (!first) await yieldToEventLoop();
        first = false;
        total.affected += batch.affected;
        total.skipped += batch.skipped;
        if (batch.running.length > 0) deps.events.emit('cancelled', { ids: batch.running });
        if (action === 'retry' && batch.affected > 0) deps.wake(batch.affected);
      }
      return total;
    },
    async 'entries:stats'() {
      const counts = await store.counts();
      const total = Object.values(counts).reduce((a, b) => a + b, 0);
      return { counts, total, ...deps.stats() };
    },
    async 'entries:export'({ format, filter }) {
      const choose = deps.chooseExportPath;
      if (choose === undefined) {
        throw new CoreError('UNAVAILABLE', 'This Entryflow has no save dialog to ask where the export goes; from the command line use `export --format csv|json --out FILE`.');
      }
      const path = await choose(format);
      if (path === null) return { path: null, count: 0 };
      const count = await exportToFile(store, path, format, filter, deps.closing);
      return { path, count };
    },
    'queue:state': () => deps.queue.refresh(),
    'queue:update': (patch) => deps.queue.update(patch),
    'stats:throughput': ({ window }) => deps.queue.throughput(window),
  };

  async function dispatch<C extends Channel>(channel: C, payload: unknown): Promise<Envelope<ResponseOf<C>>> {
    const parsed = contract[channel].request.safeParse(payload);
    if (!parsed.success) return fail('INVALID_INPUT', describeZodError(parsed.error));
    const handler = handlers[channel] as (req: unknown) => Promise<ResponseOf<C>>;
    const data = await handler(parsed.data);
    // Here rather than in each handler, so every data-changing channel is covered, however it is built.
    const changed = CHANGES[channel];
    if (changed) deps.events.emit('changed', { ...changed });
    return { ok: true, data };
  }

  return async function invoke(channel: unknown, payload: unknown): Promise<Envelope<unknown>> {
    if (!isChannel(channel)) {
      const shown = typeof channel === 'string' ? JSON.stringify(channel.slice(0, 80)) : typeof channel;
      return fail('UNKNOWN_CHANNEL', `Unknown channel ${shown}. Known channels: ${CHANNELS.join(', ')}.`);
    }
    try {
      return await dispatch(channel, payload);
    } catch (err) {
      if (err instanceof CoreError && err.code !== 'DATA_DIR_LOCKED') {
        return fail(err.code as ErrorCode, err.message);
      }
      const described = describeDbError(err);
      deps.logger.error('api: call failed', { channel, error: errorMessage(err) });
      return fail(described.code, described.message);
    }
  };
}
