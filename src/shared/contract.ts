/**
 * The one IPC contract: channel → request schema → response type.
 *
 * Main (handlers), preload (bridge) and renderer (client) all import this file; no channel name is
 * written anywhere else. The renderer's API type is derived from `Contract`, never kept in sync by
 * hand. Everything that crosses the boundary is a plain DTO: timestamps are ISO-8601 strings.
 */
import { z } from 'zod';
import { ENTRY_ID_MAX, ENTRY_ID_PATTERN, type Channel } from './channels';
import { CURSOR_MAX, SEARCH_MAX, TITLE_MAX, BULK_IDS_MAX, LIST_LIMIT_MAX, WORKERS_MAX, STAGE_DELAY_MAX_MS, RETENTION_DAYS_MAX } from './limits';
import { STATUSES, type Status, type StatusCounts } from './statuses';

export { CHANNELS, CHANGE_EVENT, CHANGE_NOTICE_MIN_INTERVAL_MS, isChannel, ipcChannelName } from './channels';
export type { Channel } from './channels';
// Kept in files of their own, free of zod, so the renderer's first paint does not load the schemas.
export { STATUSES, TERMINAL_STATUSES, ACTIVE_STATUSES, RETRYABLE_STATUSES, emptyCounts } from './statuses';
export type { Status, StatusCounts } from './statuses';
export {
  TITLE_MAX,
  LIST_LIMIT_MAX,
  LIST_LIMIT_DEFAULT,
  SEARCH_MAX,
  CURSOR_MAX,
  BULK_IDS_MAX,
  WORKERS_MAX,
  STAGE_DELAY_MAX_MS,
  RETENTION_DAYS_MAX,
} from './limits';

// C0 and C1 control characters, DEL, plus NUL. Tabs and newlines are not part of a one-line title.
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

const id = z
  .string({ error: 'id must be a string' })
  .min(1, { error: 'id must not be empty' })
  .max(ENTRY_ID_MAX, { error: `id must be at most ${ENTRY_ID_MAX} characters` })
  .regex(ENTRY_ID_PATTERN, { error: 'id has an invalid format' });

const title = z
  .string({ error: (issue) => (issue.input === undefined ? 'title is required' : 'title must be a string') })
  .trim()
  .min(1, { error: 'title must not be empty' })
  .max(TITLE_MAX, { error: `title must be at most ${TITLE_MAX} characters` })
  .refine((s) => !CONTROL_CHARS.test(s), { error: 'title must not contain control characters (such as NUL or newlines)' })
  // Lone surrogates cannot be stored as UTF-8 by Postgres.
  .refine((s) => s.isWellFormed(), { error: 'title must be valid Unicode text' });

const searchText = z
  .string({ error: 'search must be a string' })
  .max(SEARCH_MAX, { error: `search must be at most ${SEARCH_MAX} characters` })
  .refine((s) => !CONTROL_CHARS.test(s), { error: 'search must not contain control characters' })
  .refine((s) => s.isWellFormed(), { error: 'search must be valid Unicode text' });
export const statusSchema = z.enum(STATUSES, { error: `status must be one of ${STATUSES.join(', ')}` });

export const createRequest = z.strictObject({ title });
export const listRequest = z
  .strictObject({
    status: statusSchema.optional(),
    search: searchText.optional(),
    cursor: z
      .string({ error: 'cursor must be a string' })
      .max(CURSOR_MAX, { error: 'cursor is malformed' })
      .optional(),
    /** Start at this entry, inclusive (re-reading a window of rows already shown); not with cursor. */
    from: id.optional(),
    limit: z
      .number({ error: 'limit must be a number' })
      .int({ error: 'limit must be a whole number' })
      .min(1, { error: 'limit must be at least 1' })
      .max(LIST_LIMIT_MAX, { error: `limit must be at most ${LIST_LIMIT_MAX}` })
      .optional(),
  })
  .refine((r) => r.cursor === undefined || r.from === undefined, { error: 'pass cursor or from, not both' })
  .optional()
  .default({});
export const getRequest = z.strictObject({ id });
/**
 * Where a retry starts: the stage that failed (the stages before it are not run again; the default),
 * or the first stage at 0%.
 */
export const RETRY_FROM = ['failed-stage', 'start'] as const;
export type RetryFrom = (typeof RETRY_FROM)[number];
export const retryRequest = z.strictObject({
  id,
  from: z.enum(RETRY_FROM, { error: `from must be one of ${RETRY_FROM.join(', ')}` }).optional(),
});
export const statsRequest = z.strictObject({}).optional().default({});
export const cancelRequest = z.strictObject({ id });
export const deleteRequest = z.strictObject({ id });

/** A list's filter: what "select all" and export cover. */
export const entryFilter = z.strictObject({ status: statusSchema.optional(), search: searchText.optional() });
export type EntryFilter = z.output<typeof entryFilter>;

export const BULK_ACTIONS = ['retry', 'cancel', 'delete'] as const;
export type BulkAction = (typeof BULK_ACTIONS)[number];
export const bulkRequest = z
  .strictObject({
    action: z.enum(BULK_ACTIONS, { error: `action must be one of ${BULK_ACTIONS.join(', ')}` }),
    ids: z
      .array(id, { error: 'ids must be a list of ids' })
      .min(1, { error: 'ids must name at least one entry' })
      .max(BULK_IDS_MAX, { error: `ids may name at most ${BULK_IDS_MAX} entries; select by filter instead` })
      .optional(),
    filter: entryFilter.optional(),
  })
  .refine((r) => (r.ids === undefined) !== (r.filter === undefined), { error: 'pass ids or filter, exactly one of them' });

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];
export const exportRequest = z.strictObject({
  format: z.enum(EXPORT_FORMATS, { error: `format must be one of ${EXPORT_FORMATS.join(', ')}` }),
  filter: entryFilter.optional(),
});

export const queueStateRequest = z.strictObject({}).optional().default({});
export const queueUpdateRequest = z
  .strictObject({
    paused: z.boolean({ error: 'paused must be true or false' }).optional(),
    workers: z
      .number({ error: 'workers must be a number' })
      .int({ error: 'workers must be a whole number' })
      .min(1, { error: 'workers must be at least 1' })
      .max(WORKERS_MAX, { error: `workers must be at most ${WORKERS_MAX}` })
      .optional(),
    stageDelayMs: z
      .number({ error: 'stageDelayMs must be a number' })
      .int({ error: 'stageDelayMs must be a whole number of milliseconds' })
      .min(0, { error: 'stageDelayMs must not be negative' })
      .max(STAGE_DELAY_MAX_MS, { error: `stageDelayMs must be at most ${STAGE_DELAY_MAX_MS}` })
      .optional(),
    /** null: never prune. */
    retentionDays: z
      .number({ error: 'retentionDays must be a number or null' })
      .int({ error: 'retentionDays must be a whole number' })
      .min(1, { error: 'retentionDays must be at least 1 (null keeps entries forever)' })
      .max(RETENTION_DAYS_MAX, { error: `retentionDays must be at most ${RETENTION_DAYS_MAX}` })
      .nullable()
      .optional(),
    notifyOnFailure: z.boolean({ error: 'notifyOnFailure must be true or false' }).optional(),
  });

export const THROUGHPUT_WINDOWS = ['hour', 'day'] as const;
export type ThroughputWindow = (typeof THROUGHPUT_WINDOWS)[number];
export const throughputRequest = z.strictObject({
  window: z.enum(THROUGHPUT_WINDOWS, { error: `window must be one of ${THROUGHPUT_WINDOWS.join(', ')}` }),
});

export interface Entry {
  id: string;
  title: string;
  status: Status;
  /** 0–100, monotonic while an entry moves forward; back to 0 only on a user's retry. */
  progress: number;
  result: string | null;
  error: string | null;
  /** Tries of the current stage, stamped at claim. */
  attempts: number;
  /** When the entry may next be claimed (backoff after a failed attempt). */
  /** Not before this (a failed attempt's backoff); null: at once. */
  runAfter: string | null;
  lockedBy: string | null;
  lockedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface EntryEvent {
  id: string;
  entryId: string;
  /** null for the creation event. */
  from: Status | null;
  to: Status;
  workerId: string | null;
  /** The error text of a failed attempt, or why a lock was released or rescued. */
  message: string | null;
  /** The stage (from 1) whose run this records; null for events no stage wrote (create, retry, cancel, rescue). */
  stage: number | null;
  /** How long that run took, in ms; null where stage is null. */
  durationMs: number | null;
  at: string;
}

export interface EntryPage {
  items: Entry[];
  /** Pass back as `cursor` for the next (older) page; null on the last page. */
  nextCursor: string | null;
  /** Per status over the whole table, not only this page or filter. */
  counts: StatusCounts;
  /**
   * With a search: how many entries match it (and the status filter), counted up to a cap; null
   * without a search, where `counts` already tells.
   */
  matched: { count: number; capped: boolean } | null;
}

export interface EntryDetail extends Entry {
  events: EntryEvent[];
}

export interface Stats {
  counts: StatusCounts;
  total: number;
  /** Workers running in this process (0 for an API-only core). */
  workers: number;
  /** Fenced writes that changed nothing because the lock had been lost. */
  lostLocks: number;
  /** Stage attempts whose handler threw. */
  failedAttempts: number;
  /** Transitions performed by this process since open. */
  transitions: number;
  /** Tries per stage before an entry is FAILED (for "attempt 2 of 3"). */
  maxAttempts: number;
}

export interface BulkResult {
  /** Entries the action changed. */
  affected: number;
  /** Entries it named or matched that it left alone: already moved on (e.g. finished before a cancel) or gone. */
  skipped: number;
}

export interface DeleteResult {
  id: string;
}

export interface ExportResult {
  /** Where the file was written; null when the person closed the save dialog. */
  path: string | null;
  /** Entries written. */
  count: number;
}

export interface QueueState {
  /** Workers claim nothing while paused; running stages finish. Stored, so it survives a restart. */
  paused: boolean;
  /** Worker loops per process. */
  workers: number;
  /** The demo pipeline's wait per stage. */
  stageDelayMs: number;
  /** Finished entries older than this are pruned with their history; null: never. */
  retentionDays: number | null;
  /** An OS notification when an entry fails while the window is not focused. */
  notifyOnFailure: boolean;
}

export interface ThroughputBucket {
  /** The bucket's start (a minute for 'hour', an hour for 'day'), ISO-8601. */
  at: string;
  completed: number;
  failed: number;
}

export interface StageTiming {
  /** The stage, from 1. */
  stage: number;
  /** Null when no run of the stage finished in the window. */
  p50Ms: number | null;
  p95Ms: number | null;
  /** Runs the percentiles are taken over. */
  runs: number;
}

export interface Throughput {
  /** Oldest first, one per minute (hour window, 60) or per hour (day window, 24), gaps filled with zeros. */
  buckets: ThroughputBucket[];
  stages: StageTiming[];
}

/** What the main process tells the renderer on CHANGE_EVENT: which data may be stale. */
export interface ChangeNotice {
  entries: boolean;
  queue: boolean;
  /** The person clicked a notification about this entry: show its detail. */
  open?: string;
}

/** A type-only marker: carries the response type, holds no value. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the parameter is the point: a phantom type
const responseOf = <T,>(): T => undefined as T;

/** The contract itself: request schema and response type per channel. */
export const contract = {
  'entries:create': { request: createRequest, response: responseOf<Entry>() },
  'entries:list': { request: listRequest, response: responseOf<EntryPage>() },
  'entries:get': { request: getRequest, response: responseOf<EntryDetail>() },
  'entries:retry': { request: retryRequest, response: responseOf<Entry>() },
  'entries:stats': { request: statsRequest, response: responseOf<Stats>() },
  'entries:cancel': { request: cancelRequest, response: responseOf<Entry>() },
  'entries:delete': { request: deleteRequest, response: responseOf<DeleteResult>() },
  'entries:bulk': { request: bulkRequest, response: responseOf<BulkResult>() },
  'entries:export': { request: exportRequest, response: responseOf<ExportResult>() },
  'queue:state': { request: queueStateRequest, response: responseOf<QueueState>() },
  'queue:update': { request: queueUpdateRequest, response: responseOf<QueueState>() },
  'stats:throughput': { request: throughputRequest, response: responseOf<Throughput>() },
} as const satisfies Record<Channel, { request: z.ZodType; response: unknown }>;

export type Contract = typeof contract;
/** What a caller may send on a channel (before defaults are applied). */
export type RequestOf<C extends Channel> = z.input<Contract[C]['request']>;
export type ResponseOf<C extends Channel> = Contract[C]['response'];

export const ERROR_CODES = ['INVALID_INPUT', 'NOT_FOUND', 'CONFLICT', 'UNKNOWN_CHANNEL', 'INTERNAL', 'UNAVAILABLE'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ErrorBody {
  code: ErrorCode;
  message: string;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; error: ErrorBody };

/**
 * The shape of `window.entryflow`, the preload's one exposed object. Every call resolves to an
 * envelope and never rejects across the boundary.
 */
export interface EntryflowBridge {
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /**
   * Calls `listener` when main says data changed (CHANGE_EVENT, at most ~10 per second). Returns the
   * unsubscribe function. A hint only: the renderer still polls every 2 s.
   */
  onChange(listener: (notice: ChangeNotice) => void): () => void;
}
