/**
 * The database schema, the single source drizzle-kit generates `drizzle/` migrations from.
 *
 * Only `store.ts` queries these tables; everything else goes through the store's functions.
 * Statuses are a text column with a CHECK rather than a Postgres enum, so a later pipeline can add
 * one without the enum's ALTER TYPE restrictions inside migrations.
 */
import { sql } from 'drizzle-orm';
import { bigint, check, index, integer, pgTable, smallint, text, timestamp } from 'drizzle-orm/pg-core';

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
  },
  (t) => [
    check('entries_status_check', sql`${t.status} IN ('CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED', 'FAILED')`),
    check('entries_progress_check', sql`${t.progress} BETWEEN 0 AND 100`),
    check('entries_attempts_check', sql`${t.attempts} >= 0`),
    // The claim scans only the rows that still have work, in FIFO order. A partial index keeps that
    // scan proportional to the backlog instead of the whole table (EXPLAIN in ARCHITECTURE.md).
    index('entries_claimable_idx')
      .on(t.id)
      .where(sql`${t.status} IN ('CREATED', 'STAGE_1', 'STAGE_2')`),
    // The status filter of the list, newest first.
    index('entries_status_id_idx').on(t.status, t.id),
    // No index touches locked_by/locked_at/attempts: a claim or heartbeat then changes no indexed
    // column, so Postgres can update the row in place (HOT) without new index entries.
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
