/**
 * All SQL on entries lives here. Workers, the API and tests call these functions; nothing else
 * touches the tables.
 *
 * States and who moves them:
 *   CREATED ─worker─▶ STAGE_1 ─worker─▶ STAGE_2 ─worker─▶ COMPLETED      (3-stage pipeline)
 *   any non-terminal ─worker (last attempt failed)─▶ FAILED ─user (retry)─▶ CREATED
 *   a failed attempt that may be retried keeps its status, with `run_after` pushed back (backoff).
 *   Locks: a claim sets locked_by/locked_at (worker); advance/fail/release clear them (that worker,
 *   fenced by locked_by); a lock older than the lock timeout may be claimed again (any worker) or
 *   released by `rescueStale` (maintenance); at open, the embedded engine releases every lock
 *   (`rescueAtOpen`: its lock file proves no other process holds any).
 *
 * Events: every status change writes one entry_events row in the same statement (from ≠ to). A
 * failed attempt that will be retried and a rescued lock write a note (from = to, with a message).
 *
 * Wake-ups (shared server only): after a statement that made entries claimable — create, a finish
 * that moved entries to a next stage, retry, release, rescue — the store sends `pg_notify` on the
 * wake-up channel, so idle loops in other processes claim them now rather than at their next idle
 * poll. The payload is how many became claimable. It is a follow-up statement on purpose, not a CTE
 * of the write: a transaction that NOTIFYs holds a database-wide lock through its commit, so every
 * notifying write waited for the previous one's WAL flush (no group commit) — measured on a local
 * server, 2,000 creates took 10.5 s instead of 5.5 s and 6,000 transitions 32 s instead of 13 s.
 * A NOTIFY-only transaction writes no WAL and returns in ~0.1 ms. Sent after the commit, so a
 * woken loop always sees the rows. The embedded engine has one process and sends none.
 *
 * Counts: every statement that changes a status appends its per-status deltas to entry_counts in
 * the same statement (create, finishAndClaim, retry — the only three). Triggers would do the same
 * but cost ~1.5 ms per statement in PGlite, including the claims that change no status.
 */
import type { Entry, EntryDetail, EntryEvent, Status, StatusCounts } from '../../shared/contract';
import { STATUSES } from '../../shared/contract';
import type { SqlClient } from './sql-client';

const ACTIVE = `('CREATED', 'STAGE_1', 'STAGE_2')`;
const ACTIVE_STATUSES: ReadonlySet<Status> = new Set(['CREATED', 'STAGE_1', 'STAGE_2']);

/** What a worker reports for one claimed entry after running its stage. */
export interface Outcome {
  id: string;
  from: Status;
  /** Next status, `from` again for a failed attempt that will be retried, or FAILED. */
  to: Status;
  progress: number;
  result: string | null;
  error: string | null;
  /** For a retried attempt: how long until it may be claimed again. */
  delayMs: number;
}

export interface FinishResult {
  /** Entries whose outcome was written, as they are now. */
  finished: Entry[];
  /** Outcomes that changed nothing: the worker had lost the lock (fencing). */
  lost: string[];
  claimed: Entry[];
}

export interface EntryRow {
  id: string;
  title: string;
  status: string;
  progress: number;
  result: string | null;
  error: string | null;
  attempts: number;
  run_after: Date | string;
  locked_by: string | null;
  locked_at: Date | string | null;
  created_at: Date | string;
  updated_at: Date | string;
}

interface EventRow {
  id: number | string;
  entry_id: string;
  from_status: string | null;
  to_status: string;
  worker_id: string | null;
  message: string | null;
  at: Date | string;
}

const iso = (v: Date | string): string => (v instanceof Date ? v : new Date(v)).toISOString();

export function toEntry(r: EntryRow): Entry {
  return {
    id: r.id,
    title: r.title,
    status: r.status as Status,
    progress: r.progress,
    result: r.result,
    error: r.error,
    attempts: r.attempts,
    runAfter: iso(r.run_after),
    lockedBy: r.locked_by,
    lockedAt: r.locked_at === null ? null : iso(r.locked_at),
    createdAt: iso(r.created_at),
    updatedAt: iso(r.updated_at),
  };
}

function toEvent(r: EventRow): EntryEvent {
  return {
    id: String(r.id),
    entryId: r.entry_id,
    from: r.from_status as Status | null,
    to: r.to_status as Status,
    workerId: r.worker_id,
    message: r.message,
    at: iso(r.at),
  };
}

export function emptyCounts(): StatusCounts {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
}

/** `%`, `_` and `\` are matched literally. */
export function likePattern(search: string): string {
  return `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

const CLAIM_SUBQUERY = (token: string, timeout: string, limit: string) => `
  SELECT id FROM entries
  WHERE status IN ${ACTIVE}
    AND run_after <= now()
    AND (locked_by IS NULL OR locked_at < now() - make_interval(secs => ${timeout} / 1000.0))
    AND locked_by IS DISTINCT FROM ${token}
  ORDER BY id
  LIMIT ${limit}
  FOR UPDATE SKIP LOCKED`;

/** The claim: one statement that picks the oldest claimable entries, stamps owner, time and attempt. */
// The picked ids are a MATERIALIZED CTE, evaluated exactly once. As `WHERE id IN (SELECT … LIMIT n
// FOR UPDATE SKIP LOCKED)` the planner may rescan the subquery (a semi-join), and each rescan skips
// the rows the last one locked — so one claim took more than n entries (found by property.test).
const CLAIM_SQL = `
  WITH picked AS MATERIALIZED (${CLAIM_SUBQUERY('$1', '$2::int', '$3::int')})
  UPDATE entries SET locked_by = $1, locked_at = now(), attempts = attempts + 1
  FROM picked WHERE entries.id = picked.id
  RETURNING entries.*`;

/**
 * Finish and claim in one round trip: write each outcome (fenced by locked_by), its event, release
 * the lock, and claim the next batch. The claim excludes rows this token holds in the statement's
 * snapshot, so it never touches a row the same statement just finished.
 */
const FINISH_AND_CLAIM_SQL = `
  WITH input AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::int[])
      AS i(id, from_status, to_status, progress, result, error, delay_ms)
  ),
  done AS (
    UPDATE entries e SET
      status = i.to_status,
      progress = i.progress,
      result = i.result,
      error = i.error,
      attempts = CASE WHEN i.to_status <> i.from_status AND i.to_status IN ${ACTIVE} THEN 0 ELSE e.attempts END,
      run_after = now() + make_interval(secs => i.delay_ms / 1000.0),
      locked_by = NULL,
      locked_at = NULL,
      updated_at = now()
    FROM input i
    WHERE e.id = i.id AND e.locked_by = $1 AND e.status = i.from_status
    RETURNING e.*, i.from_status AS from_status
  ),
  events AS (
    INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message)
    SELECT id, from_status, status, $1,
           CASE WHEN status = from_status THEN 'attempt ' || attempts || ' failed: ' || error
                WHEN status = 'FAILED' THEN error END
    FROM done
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta)
    SELECT status, sum(d) FROM (
      SELECT status, 1 AS d FROM done UNION ALL SELECT from_status, -1 FROM done
    ) moves GROUP BY status HAVING sum(d) <> 0
  ),
  picked AS MATERIALIZED (${CLAIM_SUBQUERY('$1', '$9::int', '$10::int')}),
  claimed AS (
    UPDATE entries SET locked_by = $1, locked_at = now(), attempts = attempts + 1
    FROM picked WHERE entries.id = picked.id
    RETURNING entries.*, NULL::text AS from_status
  )
  SELECT 'done' AS kind, * FROM done
  UNION ALL
  SELECT 'claimed' AS kind, * FROM claimed`;

const CREATE_SQL = `
  WITH e AS (INSERT INTO entries (id, title) VALUES ($1, $2) RETURNING *),
       ev AS (INSERT INTO entry_events (entry_id, from_status, to_status) SELECT id, NULL, status FROM e),
       counted AS (INSERT INTO entry_counts (status, delta) SELECT status, 1 FROM e)
  SELECT * FROM e`;

const COUNTS_SQL = `SELECT status, sum(delta)::int AS n FROM entry_counts GROUP BY status`;

const FINISH_AND_CLAIM_TYPES = ['text', 'text[]', 'text[]', 'text[]', 'int[]', 'text[]', 'text[]', 'int[]', 'int', 'int'];

export interface Store {
  create(id: string, title: string): Promise<Entry>;
  claim(token: string, limit: number, lockTimeoutMs: number): Promise<Entry[]>;
  finishAndClaim(token: string, outcomes: readonly Outcome[], claimLimit: number, lockTimeoutMs: number): Promise<FinishResult>;
  /** Renews the lock of the given entries; returns the ids still held. */
  heartbeat(token: string, ids: readonly string[]): Promise<string[]>;
  /** Gives entries back without finishing their stage (shutdown); the attempt is not counted. */
  release(token: string, ids: readonly string[]): Promise<string[]>;
  /** Releases every lock. Only safe when no other process can hold one (embedded engine at open). */
  rescueAtOpen(): Promise<string[]>;
  /** Releases locks older than the timeout, recording why. Safe while other processes run. */
  rescueStale(lockTimeoutMs: number): Promise<string[]>;
  list(q: { status?: Status | undefined; search?: string | undefined; afterId?: string | undefined; limit: number }): Promise<{ items: Entry[]; more: boolean }>;
  counts(): Promise<StatusCounts>;
  get(id: string): Promise<EntryDetail | null>;
  /** FAILED → CREATED. null when absent; the entry unchanged when it is not FAILED. */
  retry(id: string): Promise<{ retried: boolean; entry: Entry } | null>;
  /** Folds the counts log into one row per status. */
  compactCounts(): Promise<void>;
  vacuum(): Promise<void>;
  /** Refreshes planner statistics (cheap; a sample of rows). */
  analyze(): Promise<void>;
}

export interface StoreOptions {
  /** Shared server: the channel to pg_notify when entries become claimable. Absent: no NOTIFY. */
  notifyChannel?: string | undefined;
}

export function createStore(sql: SqlClient, options: StoreOptions = {}): Store {
  const channel = options.notifyChannel;
  /** The follow-up NOTIFY (see the header): its own tiny transaction, after the write committed. */
  // Best effort: the write has committed, so a failed NOTIFY must not turn an acknowledged write into
  // an error for the caller; idle workers still find the entry at their next idle poll.
  const notify = async (n: number) => {
    if (channel === undefined || n <= 0) return;
    await sql.query('SELECT pg_notify($1, $2)', [channel, String(n)]).catch(() => undefined);
  };
  return {
    async create(id, title) {
      const rows = await sql.prepared<EntryRow>('entryflow_create', CREATE_SQL, ['text', 'text'], [id, title]);
      await notify(1);
      return toEntry(rows[0] as EntryRow);
    },

    async claim(token, limit, lockTimeoutMs) {
      const rows = await sql.prepared<EntryRow>('entryflow_claim', CLAIM_SQL, ['text', 'int', 'int'], [token, Math.round(lockTimeoutMs), limit]);
      return rows.map(toEntry);
    },

    async finishAndClaim(token, outcomes, claimLimit, lockTimeoutMs) {
      const rows = await sql.prepared<EntryRow & { kind: 'done' | 'claimed' }>('entryflow_finish_and_claim', FINISH_AND_CLAIM_SQL, FINISH_AND_CLAIM_TYPES, [
        token,
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.from),
        outcomes.map((o) => o.to),
        outcomes.map((o) => o.progress),
        outcomes.map((o) => o.result),
        outcomes.map((o) => o.error),
        outcomes.map((o) => Math.max(0, Math.round(o.delayMs))),
        Math.round(lockTimeoutMs),
        claimLimit,
      ]);
      const finished: Entry[] = [];
      const claimed: Entry[] = [];
      for (const r of rows) (r.kind === 'done' ? finished : claimed).push(toEntry(r));
      await notify(finished.filter((e) => ACTIVE_STATUSES.has(e.status)).length);
      const written = new Set(finished.map((e) => e.id));
      return { finished, claimed, lost: outcomes.filter((o) => !written.has(o.id)).map((o) => o.id) };
    },

    async heartbeat(token, ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<{ id: string }>(
        `UPDATE entries SET locked_at = now() WHERE id = ANY($2::text[]) AND locked_by = $1 RETURNING id`,
        [token, ids],
      );
      return rows.map((r) => r.id);
    },

    async release(token, ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<{ id: string }>(
        `UPDATE entries SET locked_by = NULL, locked_at = NULL, attempts = greatest(attempts - 1, 0)
         WHERE id = ANY($2::text[]) AND locked_by = $1 RETURNING id`,
        [token, ids],
      );
      await notify(rows.length);
      return rows.map((r) => r.id);
    },

    async rescueAtOpen() {
      const rows = await sql.query<{ id: string }>(
        `WITH r AS (
           UPDATE entries e SET locked_by = NULL, locked_at = NULL
           FROM (SELECT id, locked_by FROM entries WHERE locked_by IS NOT NULL FOR UPDATE) old
           WHERE e.id = old.id
           RETURNING e.id, e.status, old.locked_by
         ),
         ev AS (
           INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message)
           SELECT id, status, status, locked_by, 'lock released at startup: the previous run ended during this stage' FROM r
         )
         SELECT id FROM r`,
      );
      return rows.map((r) => r.id);
    },

    async rescueStale(lockTimeoutMs) {
      const rows = await sql.query<{ id: string }>(
        `WITH stale AS (
           SELECT id, locked_by FROM entries
           WHERE locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => $1::int / 1000.0)
           FOR UPDATE SKIP LOCKED
         ),
         r AS (
           UPDATE entries e SET locked_by = NULL, locked_at = NULL
           FROM stale WHERE e.id = stale.id
           RETURNING e.id, e.status, stale.locked_by
         ),
         ev AS (
           INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message)
           SELECT id, status, status, locked_by, 'lock expired without a heartbeat; released for another worker' FROM r
         )
         SELECT id FROM r`,
        [Math.round(lockTimeoutMs)],
      );
      await notify(rows.length);
      return rows.map((r) => r.id);
    },

    async list({ status, search, afterId, limit }) {
      // Not prepared: a generic plan cannot see the LIMIT or the search pattern and may pick a sort
      // over the index walk; planning this simple query costs well under a millisecond.
      const where: string[] = [];
      const params: unknown[] = [];
      if (status !== undefined) {
        params.push(status);
        where.push(`status = $${params.length}`);
      }
      if (search !== undefined && search !== '') {
        params.push(likePattern(search));
        where.push(`title ILIKE $${params.length} ESCAPE '\\'`);
      }
      if (afterId !== undefined) {
        params.push(afterId);
        where.push(`id < $${params.length}`);
      }
      params.push(limit + 1);
      const text = `SELECT * FROM entries ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
      const rows = await sql.query<EntryRow>(text, params);
      return { items: rows.slice(0, limit).map(toEntry), more: rows.length > limit };
    },

    async counts() {
      const rows = await sql.prepared<{ status: string; n: number | string }>('entryflow_counts', COUNTS_SQL, [], []);
      const counts = emptyCounts();
      for (const r of rows) if (r.status in counts) counts[r.status as Status] = Number(r.n);
      return counts;
    },

    async get(id) {
      const rows = await sql.query<EntryRow>(`SELECT * FROM entries WHERE id = $1`, [id]);
      const row = rows[0];
      if (!row) return null;
      const events = await sql.query<EventRow>(`SELECT * FROM entry_events WHERE entry_id = $1 ORDER BY id`, [id]);
      return { ...toEntry(row), events: events.map(toEvent) };
    },

    async retry(id) {
      const rows = await sql.query<EntryRow & { retried: boolean }>(
        `WITH r AS (
           UPDATE entries SET status = 'CREATED', progress = 0, attempts = 0, error = NULL, result = NULL,
                              run_after = now(), updated_at = now()
           WHERE id = $1 AND status = 'FAILED' AND locked_by IS NULL
           RETURNING *
         ),
         ev AS (
           INSERT INTO entry_events (entry_id, from_status, to_status, message)
           SELECT id, 'FAILED', 'CREATED', 'retried by the user' FROM r
         ),
         counted AS (
           INSERT INTO entry_counts (status, delta) SELECT s, d FROM r, (VALUES ('FAILED', -1), ('CREATED', 1)) v(s, d)
         )
         SELECT true AS retried, * FROM r
         UNION ALL
         SELECT false AS retried, * FROM entries WHERE id = $1 AND NOT EXISTS (SELECT 1 FROM r)`,
        [id],
      );
      const row = rows[0];
      if (row?.retried) await notify(1);
      return row ? { retried: row.retried, entry: toEntry(row) } : null;
    },

    async compactCounts() {
      await sql.query(
        `WITH gone AS (DELETE FROM entry_counts RETURNING status, delta)
         INSERT INTO entry_counts (status, delta)
         SELECT status, sum(delta) FROM gone GROUP BY status HAVING sum(delta) <> 0`,
      );
    },

    async vacuum() {
      // VACUUM cannot run in a transaction block, so one statement per call.
      for (const table of ['entries', 'entry_events', 'entry_counts']) await sql.exec(`VACUUM (ANALYZE) ${table}`);
    },

    async analyze() {
      await sql.exec('ANALYZE entries');
    },
  };
}
