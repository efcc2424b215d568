/**
 * The database schema, the single source drizzle-kit generates `drizzle/` migrations from.
 *
 * Only `store.ts` queries these tables; everything else goes through the store's functions.
 * Statuses are a text column with a CHECK rather than a Postgres enum, so a later pipeline can add
 * one without the enum's ALTER TYPE restrictions inside migrations.
 */
import { sql, type SQL } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, pgTable, primaryKey, smallint, text, timestamp } from 'drizzle-orm/pg-core';

const tz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });

export const entries = pgTable(
  'entries',
  {
    /** UUIDv7: sortable by creation time, so keyset paging and FIFO claiming use the primary key. */
    id: text('id').primaryKey(),
    title: text('title').notNull(),
    status: text('status').notNull().default('CREATED'),
    progress: smallint('progress').notNull().default(0),
    result: text('result'),
    error: text('error'),
    attempts: integer('attempts').notNull().default(0),
    /**
     * Set only by a failed attempt's backoff: not before then. NULL (every new or advanced entry) is
     * "at once", so a clock stepped back never delays work that was already claimable.
     */
    runAfter: tz('run_after'),
    lockedBy: text('locked_by'),
    lockedAt: tz('locked_at'),
    /**
     * Shared server: when another process first found this lock expired. The lock may be taken over
     * only a grace period later, and a heartbeat in between clears it: the first phase of takeover
     * (store.ts, "Locks").
     */
    rescueRequestedAt: tz('rescue_requested_at'),
    createdAt: tz('created_at').notNull().defaultNow(),
    updatedAt: tz('updated_at').notNull().defaultNow(),
    /**
     * The status once it is final (COMPLETED, FAILED or CANCELLED), NULL while the entry still has work.
     * The indexes key on this, never on `status`: a move from one stage to the next then changes no
     * indexed column, and Postgres writes it in place (a HOT update, no new index entries). That is two
     * of a three-stage entry's three transitions (BENCHMARKS.md, issue 12). Never written by the app.
     */
    finalStatus: text('final_status').generatedAlwaysAs(
      (): SQL => sql`CASE WHEN status IN ('COMPLETED', 'FAILED', 'CANCELLED') THEN status END`,
    ),
    /**
     * What a search matches: id, title, error and result, lower-cased once at write time and joined by
     * U+001F (which a search cannot contain, so no match spans two fields). A plain LIKE over this is
     * 3–4× cheaper per row than ILIKE over the joined fields (BENCHMARKS.md, "Search"); the trigram
     * index of migration 0008 serves it. Never written by the app: Postgres keeps it.
     */
    searchText: text('search_text').generatedAlwaysAs(
      (): SQL => sql`lower(id || chr(31) || title || chr(31) || coalesce(error, '') || chr(31) || coalesce(result, ''))`,
    ),
  },
  (t) => [
    check('entries_status_check', sql`${t.status} IN ('CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED', 'FAILED', 'CANCELLED')`),
    check('entries_progress_check', sql`${t.progress} BETWEEN 0 AND 100`),
    check('entries_attempts_check', sql`${t.attempts} >= 0`),
    // The claim scans only the rows that still have work, in FIFO order. A partial index keeps that
    // scan proportional to the backlog instead of the whole table (EXPLAIN in ARCHITECTURE.md). The
    // list's filter on one active status walks it too.
    index('entries_claimable_idx').on(t.id).where(sql`${t.finalStatus} IS NULL`),
    // The list's filter on a final status, newest first.
    index('entries_final_status_id_idx').on(t.finalStatus, t.id).where(sql`${t.finalStatus} IS NOT NULL`),
    // No index touches status, locked_by, locked_at or attempts: a claim, a heartbeat or a move to the
    // next stage then changes no indexed column, so Postgres can update the row in place (HOT).
  ],
);

export const entryEvents = pgTable(
  'entry_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
    entryId: text('entry_id')
      .notNull()
      .references(() => entries.id, { onDelete: 'cascade' }),
    /** null for the creation event. */
    fromStatus: text('from_status'),
    toStatus: text('to_status').notNull(),
    workerId: text('worker_id'),
    message: text('message'),
    /**
     * The pipeline stage (from 1) whose run this event records: its completion, its failed attempt or
     * its final failure. null for events no stage wrote (create, retry, cancel, rescue).
     */
    stage: smallint('stage'),
    /** How long that stage's run took, in ms (null where `stage` is null). Feeds the per-stage timings. */
    durationMs: integer('duration_ms'),
    at: tz('at').notNull().defaultNow(),
  },
  (t) => [index('entry_events_entry_idx').on(t.entryId, t.id)],
);

/**
 * Per-status counts as an append-only log of deltas, appended by every status-changing statement in
 * store.ts (in the same statement) and folded back into one row per status by maintenance.
 *
 * Why a log: counting the table on every list call is far over the list's budget (ARCHITECTURE.md,
 * "Data"); a counter row per status would be a hot row that concurrent workers on a shared server
 * would queue (and deadlock) on. Appending never conflicts, and summing a few hundred rows is cheap.
 */
export const entryCounts = pgTable('entry_counts', {
  id: bigint('id', { mode: 'number' }).primaryKey().generatedAlwaysAsIdentity(),
  status: text('status').notNull(),
  delta: bigint('delta', { mode: 'number' }).notNull(),
});

/**
 * The operator's settings, one row (id = 1), so pausing and the pool's settings survive a restart and
 * are shared by every process on one server. NULL workers / stage_delay_ms: the app's own default.
 * retention_days 0 means "never prune".
 */
export const queueSettings = pgTable(
  'queue_settings',
  {
    id: smallint('id').primaryKey().default(1),
    paused: boolean('paused').notNull().default(false),
    workers: smallint('workers'),
    stageDelayMs: integer('stage_delay_ms'),
    retentionDays: integer('retention_days').notNull().default(30),
    notifyOnFailure: boolean('notify_on_failure').notNull().default(true),
    updatedAt: tz('updated_at').notNull().defaultNow(),
  },
  (t) => [
    check('queue_settings_one_row', sql`${t.id} = 1`),
    check('queue_settings_workers_check', sql`${t.workers} IS NULL OR ${t.workers} BETWEEN 1 AND 64`),
    check('queue_settings_delay_check', sql`${t.stageDelayMs} IS NULL OR ${t.stageDelayMs} BETWEEN 0 AND 600000`),
    check('queue_settings_retention_check', sql`${t.retentionDays} BETWEEN 0 AND 36500`),
  ],
);

/**
 * Throughput per minute, folded from entry_events by maintenance (never written by a transition), so
 * the charts read at most 1,440 rows for a day however many events there are.
 */
export const statsMinutes = pgTable('stats_minutes', {
  minute: tz('minute').primaryKey(),
  completed: integer('completed').notNull().default(0),
  failed: integer('failed').notNull().default(0),
  cancelled: integer('cancelled').notNull().default(0),
  failedAttempts: integer('failed_attempts').notNull().default(0),
});

/**
 * Stage durations per minute as a log-scale histogram (bucket b holds durations in
 * [2^(b/4), 2^((b+1)/4)) ms), folded by maintenance like stats_minutes. p50/p95 come from summing
 * buckets, to within one bucket's width (about 19%).
 */
export const statsDurations = pgTable(
  'stats_durations',
  {
    minute: tz('minute').notNull(),
    stage: smallint('stage').notNull(),
    bucket: smallint('bucket').notNull(),
    runs: integer('runs').notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.minute, t.stage, t.bucket] })],
);

/** How far maintenance has folded entry_events into the stats tables (one row, id = 1). */
export const statsFold = pgTable(
  'stats_fold',
  {
    id: smallint('id').primaryKey().default(1),
    lastEventId: bigint('last_event_id', { mode: 'number' }).notNull().default(0),
  },
  (t) => [check('stats_fold_one_row', sql`${t.id} = 1`)],
);
