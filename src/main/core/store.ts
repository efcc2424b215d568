/**
 * All SQL on entries lives here. Workers, the API and tests call these functions; nothing else
 * touches the tables.
 *
 * States and who moves them (a 3-stage pipeline; pipeline.ts numbers the stages):
 *   CREATED ─worker, stage 1─▶ STAGE_1 ─worker, stage 2─▶ STAGE_2 ─worker, stage 3─▶ COMPLETED
 *   An entry in STAGE_k has finished stage k and waits for stage k+1.
 *   any non-terminal ─worker (last attempt failed)─▶ FAILED ─user (retry)─▶ the status it failed in
 *   (or CREATED at 0%, when the user asks to start over)
 *   any non-terminal, waiting or running ─user (cancel)─▶ CANCELLED ─user (retry)─▶ the status it
 *   was cancelled in (or CREATED at 0%); the cancel drops the lock, so the stage's late finish is
 *   fenced out, and the stage is aborted (api.ts event in-process, NOTIFY across processes)
 *   COMPLETED, FAILED, CANCELLED ─user (delete)─▶ gone, with its events (FK cascade)
 *   a failed attempt that may be retried keeps its status, with `run_after` pushed back (backoff).
 *   Bulk retry/cancel/delete are the same statements over batches of BULK_BATCH ids.
 *   Locks: a claim sets locked_by/locked_at (worker); advance/fail/release clear them (that worker,
 *   fenced by locked_by). Who may take a lock over depends on the driver:
 *   - exclusive (embedded): nobody, ever, by time. At open every lock is a leftover of the previous
 *     run and `rescueAtOpen` releases it; while running, a sleeping laptop or a clock step must not
 *     hand a live loop's stage to another loop (lockTimeoutMs is null).
 *   - shared server: in two phases. A lock without a heartbeat for the lock timeout gets
 *     `rescue_requested_at` (maintenance); only once that request is TAKEOVER_GRACE old may a claim
 *     or `rescueStale` take it. A heartbeat clears the request. The owner's own lease (worker.ts)
 *     abandons the entry at the lock timeout by its clocks, so it has let go before the takeover.
 *   Poison: an entry whose attempts are used up by runs that never finished (the process died in the
 *   stage) is not released but FAILED, with an error saying so (rescueAtOpen, rescueStale).
 *   `run_after` is NULL ("at once") except after a failed attempt's backoff, and one further in the
 *   future than any backoff can be (a clock stepped back) counts as due.
 *
 * Events: every status change writes one entry_events row in the same statement (from ≠ to). A
 * failed attempt that will be retried and a rescued lock write a note (from = to, with a message).
 *
 * Wake-ups (shared server only): after a statement that made entries claimable — create, a finish
 * that moved entries to a next stage, retry, release, rescue — the store sends `pg_notify` on the
 * wake-up channel, so idle loops in other processes claim them now rather than at their next idle
 * poll. The payload is how many became claimable; after a cancel of held entries it is
 * `cancel:` and their ids instead, so the process running one aborts its stage (listener.ts). It is a follow-up statement on purpose, not a CTE
 * of the write: a transaction that NOTIFYs holds a database-wide lock through its commit, which
 * serialises the writes' WAL flushes, while a NOTIFY-only transaction writes no WAL (see
 * ARCHITECTURE.md, "Wake-ups"). Sent after the commit, so a woken loop always sees the rows. The
 * embedded engine has one process and sends none.
 *
 * Counts: every statement that changes a status appends its per-status deltas to entry_counts in
 * the same statement (create, finishAndClaim, rescue, retry, cancel, delete, and retention's
 * pruneFinished, which appends negative deltas for what it deletes). Not triggers: they would
 * tax every statement, claims included (see ARCHITECTURE.md, "Data").
 */
import type { Entry, EntryDetail, EntryEvent, RetryFrom, Status, StatusCounts } from '../../shared/contract';
import { ACTIVE_STATUSES, TERMINAL_STATUSES, emptyCounts } from '../../shared/contract';
import { DEFAULTS } from './options';
import type { SqlClient } from './sql-client';

/** Status literals as SQL, from the one list the contract holds (status names are plain literals). */
const sqlItems = (statuses: readonly Status[]) => statuses.map((s) => `'${s}'`).join(', ');
const ACTIVE = `(${sqlItems(ACTIVE_STATUSES)})`;
const TERMINAL = `(${sqlItems(TERMINAL_STATUSES)})`;
const ACTIVE_SET: ReadonlySet<Status> = new Set(ACTIVE_STATUSES);

/**
 * An entry with work left (an active status), said the way the claimable index's predicate says it
 * (schema.ts): `final_status` is NULL exactly when the status is active.
 */
const HAS_WORK = 'final_status IS NULL';

/**
 * Of the entries a finish wrote, those moved to a next stage and released: work any loop can claim
 * now. One the finishing loop kept (still locked by it) is no work for anyone else.
 */
export const releasedWork = (finished: readonly Entry[]): number =>
  finished.filter((e) => ACTIVE_SET.has(e.status) && e.lockedBy === null).length;

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
  /** The stage (from 1) whose run this outcome reports; absent or null when no stage ran. */
  stage?: number | null;
  /** How long that run took (ms), recorded on its event for the per-stage timings. */
  durationMs?: number | null;
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
  run_after: Date | string | null;
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
  stage: number | null;
  duration_ms: number | null;
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
    runAfter: r.run_after === null ? null : iso(r.run_after),
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
    stage: r.stage,
    durationMs: r.duration_ms,
    at: iso(r.at),
  };
}

/** `%`, `_` and `!` (the escape character of the list's LIKE) are matched literally. */
export function likePattern(search: string): string {
  return `%${search.replace(/[!%_]/g, (c) => `!${c}`)}%`;
}

/**
 * What a search means: the text anywhere in the id, the title, the error or the result, ignoring
 * case. A leading "…" (the dashboard shows an id's tail after one) is not part of the id.
 */
export function searchTerm(search: string): string {
  return search.replace(/^(…|\.\.\.)/, '');
}

/** An entry's columns as the API shows them: not search_text, which only doubles the bytes read. */
const ENTRY_COLUMNS = 'id, title, status, progress, result, error, attempts, run_after, locked_by, locked_at, created_at, updated_at';
/**
 * The same, qualified by a table alias. Statements name their columns rather than `*`: the row also
 * holds search_text (id, title, error and result again), which no caller reads, and every transition
 * returns its rows.
 */
const entryColumns = (alias: string) =>
  ENTRY_COLUMNS.split(', ')
    .map((c) => `${alias}.${c}`)
    .join(', ');

/** The searched column (schema.ts), and the same spelled so that the planner cannot use its trigram index (BATCH_FILTER_SQL). */
const SEARCH_TEXT = 'search_text';
const SEARCH_TEXT_UNINDEXED = `(search_text || '')`;

function filterSql(status: Status | undefined, search: string | undefined, searchText = SEARCH_TEXT): { where: string[]; params: unknown[] } {
  const where: string[] = [];
  const params: unknown[] = [];
  if (status !== undefined) {
    params.push(status);
    // Said through final_status, which the indexes key on (schema.ts): a final status is a range of
    // its index; an active one is a walk of the claimable index, filtered on the row.
    where.push(ACTIVE_SET.has(status) ? `${HAS_WORK} AND status = $${params.length}` : `final_status = $${params.length}`);
  }
  const term = search === undefined ? '' : searchTerm(search);
  if (term !== '') {
    params.push(term, likePattern(term));
    const t = `$${params.length - 1}`;
    const p = `$${params.length}`;
    // search_text is lower-cased by Postgres at write time (schema.ts), so lower() on the pattern with
    // the same collation gives ILIKE's meaning at LIKE's price. '!' rather than a backslash: a
    // backslash literal reads differently under standard_conforming_strings = off, which a shared
    // server may have. The strpos test says the same thing and goes first: on a walk by id it is the
    // one evaluated on every row, and it is ~25% cheaper per row than LIKE; the LIKE is what the
    // trigram index serves when the planner walks the index instead.
    where.push(`strpos(${searchText}, lower(${t}::text)) > 0 AND ${searchText} LIKE lower(${p}) ESCAPE '!'`);
  }
  return { where, params };
}

/**
 * The rows a list or a count reads: the whole table, or for a filter on an active status the rows in
 * that status, found cheaply. No index can tell one active status from another without making every
 * move to the next stage rewrite the row's index entries (schema.ts, final_status), so such a filter
 * walks the claimable index and reads each row. Newest first, as the list shows them, that walk passes
 * every newer active entry: 31 ms at 80,000 waiting for the ten entries in STAGE_1 (BENCHMARKS.md).
 * But entries move through the stages oldest first, so a later status's entries sit at the old end:
 * walked oldest first, the walk stops at the last of them. Both walks stop once they have passed every
 * row of the status, as many as the counts say in the same snapshot (entry_counts is written by the
 * statement that changes a status), and which of the two passes fewer rows follows from the same
 * counts: the active statuses after this one hold older entries, the ones before it newer. Either walk
 * gives the same rows; only its cost differs.
 *
 * The newest-first walk applies `where` and `limit` inside the union: outside it the planner sorts
 * every row of the status. The caller applies `where` again to what this gives. `$1` is the status
 * (filterSql puts it first).
 */
function entriesOf(status: Status | undefined, where: readonly string[], limit: string): string {
  if (status === undefined || !ACTIVE_SET.has(status)) return 'entries';
  const rank = (s: string) => `array_position(ARRAY[${sqlItems(ACTIVE_STATUSES)}], ${s})`;
  // The counts log read once for both walks: how many rows the status holds, and which end is nearer.
  const counts = `SELECT coalesce(sum(delta) FILTER (WHERE status = $1::text), 0)::bigint AS n,
                         coalesce(sum(delta) FILTER (WHERE ${rank('status')} >= ${rank('$1::text')}), 0)
                           <= coalesce(sum(delta) FILTER (WHERE ${rank('status')} < ${rank('$1::text')}), 0) AS oldest_first
                  FROM entry_counts`;
  const ofStatus = `SELECT * FROM entries WHERE ${HAS_WORK} AND status = $1`;
  return `(
    WITH c AS MATERIALIZED (${counts})
    (${ofStatus} AND (SELECT oldest_first FROM c) ORDER BY id LIMIT (SELECT n FROM c))
    UNION ALL
    (SELECT * FROM (${ofStatus} AND NOT (SELECT oldest_first FROM c) ORDER BY id DESC LIMIT (SELECT n FROM c)) newest
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit})
  ) entries`;
}

/**
 * Beyond this many matches a search says "more than" instead of counting on: the count runs with every
 * list call (each poll), and past a thousand a person refines the search rather than reads the number.
 * At 10,000 the count alone took 3× the page at 100k rows (BENCHMARKS.md, "Search").
 */
export const MATCH_COUNT_MAX = 1_000;

/** How long after a takeover request (shared server) a lock may really be taken over. */
export function takeoverGraceMs(lockTimeoutMs: number): number {
  return Math.min(10_000, Math.max(1, Math.round(lockTimeoutMs / 4)));
}

/** `run_after` is due: never set, passed, or further ahead than any backoff (the clock went back). */
const DUE = (horizonMs: string) =>
  `(run_after IS NULL OR run_after <= now() OR run_after > now() + make_interval(secs => ${horizonMs} / 1000.0))`;

/**
 * Claimable: waiting, due, and unlocked — or, on a shared server only (timeout not null), locked but
 * past both the lock timeout and the takeover grace, and not poisoned (attempts left).
 */
const CLAIMABLE = (timeout: string, grace: string, maxAttempts: string, horizon: string) => `
    ${HAS_WORK}
    AND ${DUE(horizon)}
    AND (locked_by IS NULL
         OR (locked_at < now() - make_interval(secs => ${timeout} / 1000.0)
             AND rescue_requested_at < now() - make_interval(secs => ${grace} / 1000.0)
             AND attempts < ${maxAttempts}))`;

const CLAIM_SUBQUERY = (p: { timeout: string; grace: string; max: string; horizon: string; limit: string; exclude: string }) => `
  SELECT id FROM entries
  WHERE ${CLAIMABLE(p.timeout, p.grace, p.max, p.horizon)}
    AND NOT (id = ANY(${p.exclude}))
  ORDER BY id
  LIMIT ${p.limit}
  FOR UPDATE SKIP LOCKED`;

/**
 * Set, unchanged, by every UPDATE of entries that writes none of the columns a stored generated column
 * reads (a claim, a heartbeat, a release, a takeover's mark). Without it Postgres 17 (PGlite's) finds no
 * generated column to compute and reads their expressions again for every row (build_column_default,
 * in a profile of the drain): 20,000 such rows took 128 ms on PGlite against 34 ms with it, 4.7 µs a
 * row. With status named, final_status is computed (a CASE) and the expressions are read once per
 * statement. The value does not change, so the update stays HOT. PostgreSQL 15 does not have the
 * cost; there it adds ~0.3 µs a row (BENCHMARKS.md, issue 12).
 */
const STATUS_KEPT = 'status = entries.status';

const CLAIM_SET = `locked_by = $1, locked_at = now(), rescue_requested_at = NULL, attempts = entries.attempts + 1, ${STATUS_KEPT}`;

/** The claim: one statement that picks the oldest claimable entries, stamps owner, time and attempt. */
// The picked ids are a MATERIALIZED CTE, evaluated exactly once. As `WHERE id IN (SELECT … LIMIT n
// FOR UPDATE SKIP LOCKED)` the planner may rescan the subquery (a semi-join), and each rescan skips
// the rows the last one locked, so one claim could take more than n entries (ARCHITECTURE.md, "Claim").
const CLAIM_SQL = `
  WITH picked AS MATERIALIZED (${CLAIM_SUBQUERY({ timeout: '$2::int', grace: '$3::int', max: '$4::int', horizon: '$5::int', limit: '$6::int', exclude: "'{}'::text[]" })})
  UPDATE entries SET ${CLAIM_SET}
  FROM picked WHERE entries.id = picked.id
  RETURNING ${entryColumns('entries')}`;
const CLAIM_TYPES = ['text', 'int', 'int', 'int', 'int', 'int'];

/**
 * Finish and claim in one round trip: write each outcome (fenced by locked_by), its event, release
 * the lock, and claim the next batch. The claim excludes the rows being finished, so one statement
 * never updates a row twice. One statement, so it commits whole or not at all: after a lost reply,
 * `settle` can tell which from the rows alone.
 *
 * An entry moved on to a next stage is not released but kept (`keep`, from `keepFlags`; the fused
 * claim takes up to `$16` more, the rest of the loop's limit): its next stage is this loop's next
 * work. A released one would be the oldest claimable entry anyway, so FIFO order is the same, but
 * taking it again cost a second row update and a handover of its lock; and the fused claim cannot
 * see it released (one snapshot), so it took a newer entry instead. Only a real move with no
 * backoff is kept, only while the loop claims (a limit above 0: not paused, not stopping). The
 * places are given before the fence, which the update itself applies: an outcome fenced out (a lost
 * lock, rare) keeps nothing and its place goes unused this once. Checking the fence first, per row
 * in the statement, made three stages on a server 10–13% slower instead of a third faster
 * (BENCHMARKS.md). Kept, an entry's attempt count starts at 1 and its lock is stamped now, as a
 * claim would do.
 */
const FINISH_AND_CLAIM_SQL = `
  WITH input AS (
    SELECT * FROM unnest($2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[], $8::int[], $14::int[], $15::int[], $13::bool[])
      AS i(id, from_status, to_status, progress, result, error, delay_ms, stage, duration_ms, keep)
  ),
  done AS (
    UPDATE entries e SET
      status = i.to_status,
      progress = i.progress,
      result = i.result,
      error = i.error,
      attempts = CASE WHEN i.keep THEN 1 WHEN i.to_status <> i.from_status AND i.to_status IN ${ACTIVE} THEN 0 ELSE e.attempts END,
      run_after = CASE WHEN i.delay_ms > 0 THEN now() + make_interval(secs => i.delay_ms / 1000.0) END,
      locked_by = CASE WHEN i.keep THEN $1 END,
      locked_at = CASE WHEN i.keep THEN now() END,
      rescue_requested_at = NULL,
      updated_at = now()
    FROM input i
    WHERE e.id = i.id AND e.locked_by = $1 AND e.status = i.from_status
    RETURNING ${entryColumns('e')}, i.from_status AS from_status
  ),
  events AS (
    INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message, stage, duration_ms)
    SELECT d.id, d.from_status, d.status, $1,
           CASE WHEN d.status = d.from_status THEN 'attempt ' || d.attempts || ' failed: ' || d.error
                WHEN d.status = 'FAILED' THEN d.error END,
           i.stage, i.duration_ms
    FROM done d JOIN input i ON i.id = d.id
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta)
    SELECT status, sum(d) FROM (
      SELECT status, 1 AS d FROM done UNION ALL SELECT from_status, -1 FROM done
    ) moves GROUP BY status HAVING sum(d) <> 0
  ),
  picked AS MATERIALIZED (${CLAIM_SUBQUERY({ timeout: '$9::int', grace: '$10::int', max: '$11::int', horizon: '$12::int', limit: '$16::int', exclude: '$2::text[]' })}),
  claimed AS (
    UPDATE entries SET ${CLAIM_SET}
    FROM picked WHERE entries.id = picked.id
    RETURNING ${entryColumns('entries')}, NULL::text AS from_status
  )
  SELECT 'done' AS kind, * FROM done
  UNION ALL
  SELECT 'claimed' AS kind, * FROM claimed`;

const CREATE_SQL = `
  WITH e AS (INSERT INTO entries (id, title) VALUES ($1, $2) RETURNING ${ENTRY_COLUMNS}),
       ev AS (INSERT INTO entry_events (entry_id, from_status, to_status) SELECT id, NULL, status FROM e),
       counted AS (INSERT INTO entry_counts (status, delta) SELECT status, 1 FROM e)
  SELECT * FROM e`;

const COUNTS_SQL = `SELECT status, sum(delta)::int AS n FROM entry_counts GROUP BY status`;

const FINISH_AND_CLAIM_TYPES = ['text', 'text[]', 'text[]', 'text[]', 'int[]', 'text[]', 'text[]', 'int[]', 'int', 'int', 'int', 'int', 'bool[]', 'int[]', 'int[]', 'int'];

/**
 * Which outcomes' entries the loop keeps for their next stage (FINISH_AND_CLAIM_SQL): real moves to
 * an active status with no backoff, the first `claimLimit` of them in the order sent.
 */
function keepFlags(outcomes: readonly Outcome[], delays: readonly number[], claimLimit: number): boolean[] {
  let places = claimLimit;
  return outcomes.map((o, i) => {
    const keep = places > 0 && o.to !== o.from && ACTIVE_SET.has(o.to) && (delays[i] ?? 0) <= 0;
    if (keep) places--;
    return keep;
  });
}

/**
 * Releases locks: at open (every lock; `$1` null) or expired ones on a shared server, with a note on
 * each, and FAILS instead the entries whose attempts are used up — each of those attempts ended with
 * the process gone mid-stage, and running the stage again would most likely kill it again.
 */
const RESCUE_SQL = (which: string, note: string) => `
  WITH old AS (
    SELECT id, locked_by, status FROM entries WHERE ${which} FOR UPDATE SKIP LOCKED
  ),
  r AS (
    UPDATE entries e SET
      locked_by = NULL, locked_at = NULL, rescue_requested_at = NULL,
      status = CASE WHEN e.attempts >= $1::int THEN 'FAILED' ELSE e.status END,
      error = CASE WHEN e.attempts >= $1::int
                THEN 'Entryflow stopped (crashed, was killed or lost its lock) while running this stage, ' || e.attempts ||
                     ' time' || CASE WHEN e.attempts = 1 THEN '' ELSE 's' END || ' of ' || $1::int || ' allowed; not trying again. Retry it once the cause is fixed.'
                ELSE e.error END,
      updated_at = CASE WHEN e.attempts >= $1::int THEN now() ELSE e.updated_at END
    FROM old WHERE e.id = old.id
    RETURNING e.id, e.status, e.error, old.status AS from_status, old.locked_by
  ),
  ev AS (
    INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message)
    SELECT id, from_status, status, locked_by, CASE WHEN status = 'FAILED' THEN error ELSE ${note} END FROM r
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta)
    SELECT s, sum(d) FROM r, LATERAL (VALUES (r.status, 1), (r.from_status, -1)) v(s, d)
    WHERE r.status <> r.from_status GROUP BY s
  )
  SELECT id, status FROM r`;

/**
 * Cancel, retry and delete, for one entry or a bounded batch (bulk). Each is one statement that
 * locks its targets (in id order, so two such statements never deadlock each other), re-checks
 * their status under that lock, writes the change, its events and the count deltas.
 *
 * `ids` is an SQL array of the candidate ids; only those in a status the action applies to are touched, the
 * rest are left alone (the caller counts them as skipped). `FOR UPDATE` rather than SKIP LOCKED: a
 * candidate a worker is writing at this instant waits the few milliseconds of that write and is
 * then judged by the status it moved to (a cancel still catches an entry that moved on a stage; it
 * misses one that just COMPLETED, which is right).
 */
type Action = 'cancel' | 'retry' | 'delete';

// Rows are found by `id = ANY(array)`, an index probe per id, never by a join the planner might
// answer with a scan of the whole table (a hash join over 100k rows, per batch).
const TARGET = (ids: string, statuses: string, extra = '') => `
  old AS MATERIALIZED (
    SELECT e.id, e.status, e.locked_by FROM entries e
    WHERE e.id = ANY(${ids}) AND e.status IN ${statuses} ${extra}
    ORDER BY e.id FOR UPDATE OF e
  )`;
/**
 * The write touches exactly the rows `old` locked, found by id (no join: a join's plan follows the
 * planner's guess of how many rows `old` holds, and a wrong guess made one batch a nested loop of
 * 1,000 × 1,000). Nobody can change a row we hold the lock on, so every row of `old` is written:
 * the events and count deltas are taken from `old`, which knows each row's status before.
 */
const LOCKED = `e.id = ANY(ARRAY(SELECT id FROM old))`;

/** Moves to CANCELLED and drops the lock: the worker's late finish is then fenced out (worker.ts). */
const CANCEL_CTES = (ids: string, extra: string) => `
  ${TARGET(ids, ACTIVE, extra)},
  r AS (
    UPDATE entries e SET status = 'CANCELLED', locked_by = NULL, locked_at = NULL, rescue_requested_at = NULL,
                         run_after = NULL, updated_at = now()
    WHERE ${LOCKED}
    RETURNING ${entryColumns('e')}
  ),
  ev AS (
    INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message)
    SELECT id, status, 'CANCELLED', locked_by,
           CASE WHEN locked_by IS NULL THEN 'cancelled by a person while it waited'
                ELSE 'cancelled by a person while its stage ran' END
    FROM old
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta)
    SELECT s, sum(d) FROM old, LATERAL (VALUES ('CANCELLED', 1), (old.status, -1)) v(s, d) GROUP BY s
  )`;

/** The status a retry resumes at (see RETRY_CTES), for the row `e` (its status before the retry). */
const RESUME = (from: string) => `
  CASE WHEN ${from} = 'start' THEN 'CREATED'
       ELSE COALESCE((SELECT ev.from_status FROM entry_events ev
                      WHERE ev.entry_id = e.id AND ev.to_status = e.status AND ev.from_status IN ${ACTIVE}
                      ORDER BY ev.id DESC LIMIT 1), 'CREATED') END`;

/**
 * FAILED or CANCELLED → the status it was in when it failed or was cancelled (the stages it had
 * finished; the stage that was running runs again, the ones before it do not), read from the event
 * that moved it there. Its progress is still that status's progress (neither a failure nor a cancel
 * changes it). CREATED at 0% when told to start over (`$from` = 'start'), or when no such event names
 * an active status (which only hand-edited data could lack). The UPDATE and `target` (for events and
 * counts) each look the status up, from the same locked rows, so they agree.
 */
const RETRY_CTES = (ids: string, from: string, extra: string) => `
  ${TARGET(ids, `('FAILED', 'CANCELLED')`, `AND e.locked_by IS NULL ${extra}`)},
  target AS MATERIALIZED (
    SELECT e.id, e.status AS from_status, ${RESUME(from)} AS resume FROM old e
  ),
  r AS (
    UPDATE entries e SET (status, progress) = (SELECT x.resume, CASE WHEN x.resume = 'CREATED' THEN 0 ELSE e.progress END
                                               FROM (SELECT ${RESUME(from)} AS resume) x),
                         attempts = 0, error = NULL, result = NULL, run_after = NULL, updated_at = now()
    WHERE ${LOCKED}
    RETURNING ${entryColumns('e')}
  ),
  ev AS (
    INSERT INTO entry_events (entry_id, from_status, to_status, message)
    SELECT id, from_status, resume,
           CASE WHEN resume = 'CREATED' AND ${from} = 'start' THEN 'retried by the user from the start'
                WHEN from_status = 'CANCELLED' THEN 'retried by the user from the cancelled stage'
                ELSE 'retried by the user from the failed stage' END
    FROM target
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta)
    SELECT s, sum(d) FROM target, LATERAL (VALUES (target.resume, 1), (target.from_status, -1)) v(s, d) GROUP BY s
  )`;

/** Finished entries only; their events go with them (ON DELETE CASCADE). */
const DELETE_CTES = (ids: string, extra: string) => `
  ${TARGET(ids, TERMINAL, extra)},
  r AS (
    DELETE FROM entries e WHERE ${LOCKED}
    RETURNING ${entryColumns('e')}
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta) SELECT status, -count(*) FROM old GROUP BY status
  )`;

/** `extra`: more conditions on the targets, checked under their lock (a bulk's filter). */
function actionCtes(action: Action, ids: string, from: string, extra = ''): string {
  switch (action) {
    case 'cancel':
      return CANCEL_CTES(ids, extra);
    case 'retry':
      return RETRY_CTES(ids, from, extra);
    case 'delete':
      return DELETE_CTES(ids, extra);
  }
}

/** One entry: the changed row, or nothing when it was absent or not in a status the action applies to. */
const ONE_SQL = (action: Action) => `
  WITH ${actionCtes(action, 'ARRAY[$1::text]', '$2::text')}
  SELECT r.*, (SELECT locked_by FROM old) AS held_by FROM r`;
/** Only a retry has a `from` ($2); a parameter no statement uses has no type, which Postgres refuses. */
const paramsFor = (action: Action, first: unknown, from: RetryFrom): unknown[] => (action === 'retry' ? [first, from] : [first]);

/** A batch by ids: how many it changed, and which of them a worker held (their stages must stop). */
const BATCH_IDS_SQL = (action: Action) => `
  WITH ${actionCtes(action, '$1::text[]', '$2::text')}
  SELECT (SELECT count(*) FROM r)::int AS affected,
         cardinality($1::text[]) AS matched,
         NULL::text AS last,
         (SELECT coalesce(array_agg(id), '{}') FROM old WHERE locked_by IS NOT NULL) AS running`;

/**
 * A batch by filter: walks the next `$n` entries after `$k` by keyset over id (through the status
 * index when the filter has a status, else the primary key) up to `$top` (the newest id when the bulk
 * began, so entries created meanwhile are not swept in), and acts on those of them that match the
 * whole filter, checked under their lock. `scanned` and `last` drive the next batch.
 *
 * The search is tested row by row on the walked entries, deliberately not through the trigram
 * index (`match` spells the expression differently): a bitmap of every match, rebuilt per batch,
 * would make a bulk over n matches cost n²; the walk costs one pass over the table.
 */
const BATCH_FILTER_SQL = (action: Action, walk: string, match: string, k: string, top: string, n: string) => `
  WITH pick AS MATERIALIZED (
    SELECT id FROM entries WHERE ${walk ? `${walk} AND ` : ''}id > ${k} AND id <= ${top} ORDER BY id LIMIT ${n}
  ), ${actionCtes(action, 'ARRAY(SELECT id FROM pick)', '$1::text', match ? `AND ${match}` : '')}
  SELECT (SELECT count(*) FROM r)::int AS affected,
         (SELECT count(*) FROM entries WHERE id = ANY(ARRAY(SELECT id FROM pick)) ${match ? `AND ${match}` : ''})::int AS matched,
         (SELECT count(*) FROM pick)::int AS scanned,
         (SELECT max(id) FROM pick) AS last,
         (SELECT coalesce(array_agg(id), '{}') FROM old WHERE locked_by IS NOT NULL) AS running`;

/**
 * Entries one bulk statement touches at most: short enough that a worker's statement waits little
 * behind it. Half that on PGlite, which runs one statement at a time, so the pool waits for a whole
 * batch; a server runs the workers' statements beside it.
 */
export const BULK_BATCH = 1000;
const bulkBatch = (kind: SqlClient['kind']) => (kind === 'pglite' ? BULK_BATCH / 2 : BULK_BATCH);

/** What one bulk batch did. */
export interface BatchResult {
  affected: number;
  /** Named or matched and left alone (wrong status, or gone). */
  skipped: number;
  /** Cancelled while a worker held them: their stages must be told to stop. */
  running: string[];
}

interface BatchRow {
  affected: number | string;
  matched: number | string;
  scanned?: number | string;
  last: string | null;
  running: string[] | null;
}

/** The wake-up channel carries counts; a payload with this prefix names cancelled entries instead (listener.ts). */
export const CANCEL_PREFIX = 'cancel:';
/** NOTIFY refuses payloads of 8,000 bytes or more; ids are ASCII, so characters are bytes. */
const NOTIFY_PAYLOAD_MAX = 7_900;

function batchResult(row: BatchRow | undefined): { affected: number; matched: number; running: string[] } {
  return { affected: Number(row?.affected ?? 0), matched: Number(row?.matched ?? 0), running: row?.running ?? [] };
}

/** Renumbers `$n` placeholders by `by`, so filterSql's text can follow a statement's own parameters. */
function shiftParams(text: string, by: number): string {
  return text.replace(/\$(\d+)/g, (_, n: string) => `$${Number(n) + by}`);
}

export interface Store extends QueueStore {
  create(id: string, title: string): Promise<Entry>;
  claim(token: string, limit: number): Promise<Entry[]>;
  finishAndClaim(token: string, outcomes: readonly Outcome[], claimLimit: number): Promise<FinishResult>;
  /**
   * After finishAndClaim failed without a clear answer (the connection died, the server restarted
   * mid-statement): did it commit? `held` are entries the caller still works on (not in outcomes).
   * Committed: what it finished and claimed, read back. Not committed: null; sending it again is safe.
   */
  settle(token: string, outcomes: readonly Outcome[], held: readonly string[]): Promise<FinishResult | null>;
  /** Renews the lock of the given entries (and clears any takeover request); returns the ids still held. */
  heartbeat(token: string, ids: readonly string[]): Promise<string[]>;
  /** Gives entries back without finishing their stage (shutdown); the attempt is not counted. */
  release(token: string, ids: readonly string[]): Promise<string[]>;
  /** Releases every lock (or fails poisoned entries). Only safe when no other process can hold one (exclusive driver at open). */
  rescueAtOpen(): Promise<{ id: string; status: Status }[]>;
  /** Claims exactly these entries, if they are claimable (running a crash's suspects one by one). */
  claimIds(token: string, ids: readonly string[]): Promise<Entry[]>;
  /**
   * Shared server: marks locks past the timeout for takeover, and releases (or fails, if poisoned)
   * those marked longer than the grace ago, recording why. Safe while other processes run.
   */
  rescueStale(): Promise<string[]>;
  /** Newest first; `afterId` exclusive (the next page), `fromId` inclusive (re-reading a window). */
  list(q: {
    status?: Status | undefined;
    search?: string | undefined;
    afterId?: string | undefined;
    fromId?: string | undefined;
    limit: number;
  }): Promise<{ items: Entry[]; more: boolean }>;
  /** How many entries the filter matches, counted up to MATCH_COUNT_MAX. */
  countMatching(q: { status?: Status | undefined; search?: string | undefined }): Promise<{ count: number; capped: boolean }>;
  counts(): Promise<StatusCounts>;
  get(id: string): Promise<EntryDetail | null>;
  /**
   * FAILED or CANCELLED → the status it failed or was cancelled in (that stage runs again, the stages
   * before it do not), or → CREATED at 0% with `from: 'start'`. null when absent; the entry
   * unchanged when it is in another status.
   */
  retry(id: string, from?: RetryFrom): Promise<{ retried: boolean; entry: Entry } | null>;
  /**
   * A waiting or running entry → CANCELLED, its lock dropped. `running`: a worker held it, so its
   * stage must be told to stop (the caller's in-process event; other processes get a NOTIFY from
   * here). null when absent; the entry unchanged when it is not active.
   */
  cancel(id: string): Promise<{ cancelled: boolean; running: boolean; entry: Entry } | null>;
  /** Removes a finished entry and its events. null when absent; the entry unchanged when it is active. */
  delete(id: string): Promise<{ deleted: boolean; entry: Entry } | null>;
  /**
   * A bulk action, in batches of at most BULK_BATCH entries, one statement each: the named ids, or
   * every entry matching the filter (the list's own filter) that existed when it began. The caller
   * iterates, so it can act on each batch (stop stages, wake workers) and yield between them.
   */
  bulk(action: Action, select: { ids: readonly string[] } | { filter: { status?: Status | undefined; search?: string | undefined } }, from?: RetryFrom): AsyncGenerator<BatchResult>;
  /**
   * Of the entries a worker lost its write on, those that were cancelled or deleted meanwhile: a
   * person's doing, not a lock lost to another worker.
   */
  cancelledOrGone(ids: readonly string[]): Promise<string[]>;
  /** Folds the counts log into one row per status. */
  compactCounts(): Promise<void>;
  vacuum(): Promise<void>;
  /** Refreshes planner statistics (cheap; a sample of rows). */
  analyze(): Promise<void>;
  /** Planner statistics for every table of the schema (after an open; catalogs are left alone). */
  analyzeAll(): Promise<void>;
  /**
   * Embedded engine: CHECKPOINT once more than `maxBytes` of WAL were written since the last one;
   * true when it did. PGlite runs Postgres without its checkpointer process, so nothing else ends a
   * WAL segment's life before max_wal_size (1 GB): under steady load the folder grew 16 MB a minute
   * with a flat table (BENCHMARKS.md, retention soak).
   */
  checkpointIfWalOver(maxBytes: number): Promise<boolean>;
}

export interface StoreOptions {
  /** Shared server: the channel to pg_notify when entries become claimable. Absent: no NOTIFY. */
  notifyChannel?: string | undefined;
  /** A lock without a heartbeat this long may be taken over; null: never by time (exclusive driver). */
  lockTimeoutMs?: number | null;
  maxAttempts?: number;
  /** The longest backoff: a `run_after` further ahead than this can only come from a clock stepped back. */
  backoffMaxMs?: number;
  /** The stats fold's safety margin (createQueueStore); 0 where ids commit in order (one connection). */
  foldMarginMs?: number;
}

/** The store functions each user needs, and no more. */
export type WorkerStore = Pick<Store, 'claim' | 'claimIds' | 'finishAndClaim' | 'settle' | 'heartbeat' | 'release' | 'cancelledOrGone'>;
export type MaintenanceStore = Pick<
  Store,
  'rescueStale' | 'compactCounts' | 'counts' | 'vacuum' | 'analyze' | 'checkpointIfWalOver' | 'pruneFinished' | 'pruneStats' | 'foldStats'
>;
export type ApiStore = Pick<Store, 'create' | 'list' | 'countMatching' | 'counts' | 'get' | 'retry' | 'cancel' | 'delete' | 'bulk'>;

export function createStore(sql: SqlClient, options: StoreOptions = {}): Store {
  const channel = options.notifyChannel;
  const timeout = options.lockTimeoutMs === undefined ? DEFAULTS.lockTimeoutMs : options.lockTimeoutMs;
  const timeoutParam = timeout === null ? null : Math.round(timeout);
  const grace = timeout === null ? null : takeoverGraceMs(timeout);
  const maxAttempts = options.maxAttempts ?? DEFAULTS.maxAttempts;
  // Twice the longest backoff: far enough that a real backoff is never cut short.
  const horizon = 2 * (options.backoffMaxMs ?? DEFAULTS.backoffMaxMs) + 1000;
  const claimParams = [timeoutParam, grace, maxAttempts, horizon];
  /** The follow-up NOTIFY (see the header): its own tiny transaction, after the write committed. */
  // Best effort: the write has committed, so a failed NOTIFY must not turn an acknowledged write into
  // an error for the caller; idle workers still find the entry at their next idle poll.
  const notify = async (n: number) => {
    if (channel === undefined || n <= 0) return;
    await sql.query('SELECT pg_notify($1, $2)', [channel, String(n)]).catch(() => undefined);
  };
  /**
   * Tells the processes whose workers hold these entries that they were cancelled: on the wake-up
   * channel, as `cancel:` and the ids, split to stay under NOTIFY's 8,000-byte payload limit. Best
   * effort like `notify`: a process that misses it loses its lock at its next heartbeat instead.
   */
  const notifyCancel = async (ids: readonly string[]) => {
    if (channel === undefined || ids.length === 0) return;
    const payloads: string[] = [];
    let cur = '';
    for (const id of ids) {
      if (cur !== '' && CANCEL_PREFIX.length + cur.length + id.length + 1 > NOTIFY_PAYLOAD_MAX) {
        payloads.push(cur);
        cur = '';
      }
      cur = cur === '' ? id : `${cur},${id}`;
    }
    payloads.push(cur);
    for (const p of payloads) await sql.query('SELECT pg_notify($1, $2)', [channel, CANCEL_PREFIX + p]).catch(() => undefined);
  };
  /** One entry through an action; when it changed nothing, the entry as it is (or null: absent). */
  const one = async (action: Action, id: string, from: RetryFrom = 'failed-stage') => {
    const rows = await sql.query<EntryRow & { held_by: string | null }>(ONE_SQL(action), paramsFor(action, id, from));
    const row = rows[0];
    if (row) return { changed: true, heldBy: row.held_by, entry: toEntry(row) };
    const now = await sql.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = $1`, [id]);
    const cur = now[0];
    return cur ? { changed: false, heldBy: null, entry: toEntry(cur) } : null;
  };
  return {
    ...createQueueStore(sql, { foldMarginMs: options.foldMarginMs ?? STATS_FOLD_MARGIN_MS, statsKeepMs: STATS_KEEP_MS }),
    async create(id, title) {
      const rows = await sql.prepared<EntryRow>('entryflow_create', CREATE_SQL, ['text', 'text'], [id, title]);
      await notify(1);
      return toEntry(rows[0] as EntryRow);
    },

    async claim(token, limit) {
      const rows = await sql.prepared<EntryRow>('entryflow_claim', CLAIM_SQL, CLAIM_TYPES, [token, ...claimParams, limit]);
      return rows.map(toEntry);
    },

    async settle(token, outcomes, held) {
      const ids = outcomes.map((o) => o.id);
      const mine = await sql.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE locked_by = $1`, [token]);
      const from = new Map(outcomes.map((o) => [o.id, o.from]));
      // Atomic statement: had it committed, no outcome's entry would still be locked by us in the
      // status it was sent from. One it moved on and kept is locked by us in its new status, and is
      // claimed; a failed attempt (to = from) is never kept.
      if (mine.some((r) => from.get(r.id) === r.status)) return null;
      const keep = new Set(held);
      const claimed = mine.filter((r) => !keep.has(r.id)).map(toEntry);
      // Committed. Which outcomes did it write, and which had we lost before? One it wrote is our
      // latest step on that entry (a move, or an 'attempt … failed' note) and is exactly that step.
      // Not the entry's latest event: another process may have moved it on since. Not any event of
      // ours: a rescue of our lock is noted under our token, and a claim takes over without one.
      const written = await sql.query<EntryRow>(
        `SELECT ${entryColumns('e')} FROM entries e
         JOIN unnest($1::text[], $3::text[], $4::text[]) AS o(id, from_status, to_status) ON o.id = e.id
         WHERE (SELECT ev.from_status = o.from_status AND ev.to_status = o.to_status
                FROM entry_events ev
                WHERE ev.entry_id = e.id AND ev.worker_id = $2
                  AND (ev.from_status IS DISTINCT FROM ev.to_status OR ev.message LIKE 'attempt %')
                ORDER BY ev.id DESC LIMIT 1)`,
        [ids, token, outcomes.map((o) => o.from), outcomes.map((o) => o.to)],
      );
      const finished = written.map(toEntry);
      const done = new Set(finished.map((e) => e.id));
      return { finished, claimed, lost: ids.filter((id) => !done.has(id)) };
    },

    async finishAndClaim(token, outcomes, claimLimit) {
      const delays = outcomes.map((o) => Math.max(0, Math.round(o.delayMs)));
      const keep = keepFlags(outcomes, delays, claimLimit);
      // The fused claim's own limit is a plain parameter: a LIMIT the statement computed itself
      // would leave a generic plan guessing its size.
      const keeping = keep.filter(Boolean).length;
      const rows = await sql.prepared<EntryRow & { kind: 'done' | 'claimed' }>('entryflow_finish_and_claim', FINISH_AND_CLAIM_SQL, FINISH_AND_CLAIM_TYPES, [
        token,
        outcomes.map((o) => o.id),
        outcomes.map((o) => o.from),
        outcomes.map((o) => o.to),
        outcomes.map((o) => o.progress),
        outcomes.map((o) => o.result),
        outcomes.map((o) => o.error),
        delays,
        ...claimParams,
        keep,
        outcomes.map((o) => o.stage ?? null),
        outcomes.map((o) => (o.durationMs === undefined || o.durationMs === null ? null : Math.max(0, Math.min(2_147_483_647, Math.round(o.durationMs))))),
        claimLimit - keeping,
      ]);
      const finished: Entry[] = [];
      const kept: Entry[] = [];
      const taken: Entry[] = [];
      for (const r of rows) {
        const entry = toEntry(r);
        if (r.kind === 'claimed') taken.push(entry);
        else {
          finished.push(entry);
          // A kept entry's row is the claim too: the statement returns it once, still locked by us.
          if (entry.lockedBy !== null) kept.push({ ...entry });
        }
      }
      const claimed = [...kept, ...taken];
      await notify(releasedWork(finished));
      const written = new Set(finished.map((e) => e.id));
      return { finished, claimed, lost: outcomes.filter((o) => !written.has(o.id)).map((o) => o.id) };
    },

    async heartbeat(token, ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<{ id: string }>(
        `UPDATE entries SET locked_at = now(), rescue_requested_at = NULL, ${STATUS_KEPT} WHERE id = ANY($2::text[]) AND locked_by = $1 RETURNING id`,
        [token, ids],
      );
      return rows.map((r) => r.id);
    },

    async release(token, ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<{ id: string }>(
        `UPDATE entries SET locked_by = NULL, locked_at = NULL, rescue_requested_at = NULL, attempts = greatest(attempts - 1, 0), ${STATUS_KEPT}
         WHERE id = ANY($2::text[]) AND locked_by = $1 RETURNING id`,
        [token, ids],
      );
      await notify(rows.length);
      return rows.map((r) => r.id);
    },

    async rescueAtOpen() {
      return sql.query<{ id: string; status: Status }>(
        RESCUE_SQL(`${HAS_WORK} AND locked_by IS NOT NULL`, `'lock released at startup: the previous run ended during this stage'`),
        [maxAttempts],
      );
    },

    async claimIds(token, ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<EntryRow>(
        `WITH picked AS MATERIALIZED (
           SELECT id FROM entries WHERE id = ANY($6::text[]) AND ${CLAIMABLE('$2::int', '$3::int', '$4::int', '$5::int')}
           ORDER BY id FOR UPDATE SKIP LOCKED
         )
         UPDATE entries SET ${CLAIM_SET} FROM picked WHERE entries.id = picked.id
         RETURNING ${entryColumns('entries')}`,
        [token, ...claimParams, ids],
      );
      return rows.map(toEntry);
    },

    async rescueStale() {
      if (timeoutParam === null) return [];
      const expired = (p: string) => `${HAS_WORK} AND locked_by IS NOT NULL AND locked_at < now() - make_interval(secs => ${p}::int / 1000.0)`;
      // Phase one: mark. A live owner's next heartbeat clears the mark.
      await sql.query(`UPDATE entries SET rescue_requested_at = now(), ${STATUS_KEPT} WHERE ${expired('$1')} AND rescue_requested_at IS NULL`, [timeoutParam]);
      // Phase two: take over what stayed marked through the grace period.
      const rows = await sql.query<{ id: string; status: string }>(
        RESCUE_SQL(
          `${expired('$2')} AND rescue_requested_at < now() - make_interval(secs => $3::int / 1000.0)`,
          `'lock expired without a heartbeat; released for another worker'`,
        ),
        [maxAttempts, timeoutParam, grace],
      );
      await notify(rows.filter((r) => r.status !== 'FAILED').length);
      return rows.map((r) => r.id);
    },

    async list({ status, search, afterId, fromId, limit }) {
      // Not prepared: a generic plan cannot see the LIMIT or the search pattern and may pick a sort
      // over the index walk; planning this simple query costs well under a millisecond.
      const { where, params } = filterSql(status, search);
      if (afterId !== undefined) {
        params.push(afterId);
        where.push(`id < $${params.length}`);
      }
      if (fromId !== undefined) {
        params.push(fromId);
        where.push(`id <= $${params.length}`);
      }
      params.push(limit + 1);
      const text = `SELECT ${ENTRY_COLUMNS} FROM ${entriesOf(status, where, `$${params.length}`)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT $${params.length}`;
      const rows = await sql.query<EntryRow>(text, params);
      return { items: rows.slice(0, limit).map(toEntry), more: rows.length > limit };
    },

    async countMatching({ status, search }) {
      const { where, params } = filterSql(status, search);
      params.push(MATCH_COUNT_MAX + 1);
      // Counting stops one past the cap: a search that matches most of a huge table must not scan it all.
      const rows = await sql.query<{ n: number | string }>(
        `SELECT count(*)::int AS n FROM (SELECT 1 FROM ${entriesOf(status, where, `$${params.length}`)} ${where.length ? `WHERE ${where.join(' AND ')}` : ''} LIMIT $${params.length}) m`,
        params,
      );
      const n = Number(rows[0]?.n ?? 0);
      return { count: Math.min(n, MATCH_COUNT_MAX), capped: n > MATCH_COUNT_MAX };
    },

    async counts() {
      const rows = await sql.prepared<{ status: string; n: number | string }>('entryflow_counts', COUNTS_SQL, [], []);
      const counts = emptyCounts();
      for (const r of rows) if (r.status in counts) counts[r.status as Status] = Number(r.n);
      return counts;
    },

    async get(id) {
      const rows = await sql.query<EntryRow>(`SELECT ${ENTRY_COLUMNS} FROM entries WHERE id = $1`, [id]);
      const row = rows[0];
      if (!row) return null;
      const events = await sql.query<EventRow>(`SELECT * FROM entry_events WHERE entry_id = $1 ORDER BY id`, [id]);
      return { ...toEntry(row), events: events.map(toEvent) };
    },

    async retry(id, from = 'failed-stage') {
      const res = await one('retry', id, from);
      if (res?.changed) await notify(1);
      return res && { retried: res.changed, entry: res.entry };
    },

    async cancel(id) {
      const res = await one('cancel', id);
      if (res?.heldBy) await notifyCancel([id]);
      return res && { cancelled: res.changed, running: res.heldBy !== null, entry: res.entry };
    },

    async delete(id) {
      const res = await one('delete', id);
      return res && { deleted: res.changed, entry: res.entry };
    },

    async *bulk(action, select, from = 'failed-stage') {
      const size = bulkBatch(sql.kind);
      const after = async (r: BatchResult) => {
        if (action === 'retry') await notify(r.affected);
        if (action === 'cancel') await notifyCancel(r.running);
      };
      if ('ids' in select) {
        for (let i = 0; i < select.ids.length; i += size) {
          const ids = select.ids.slice(i, i + size);
          const rows = await sql.query<BatchRow>(BATCH_IDS_SQL(action), paramsFor(action, ids, from));
          const r = batchResult(rows[0]);
          // A duplicate id is named twice but changed at most once: it counts as skipped.
          const res = { ...r, skipped: ids.length - r.affected };
          await after(res);
          yield res;
        }
        return;
      }
      const { status, search } = select.filter;
      // Both use the same parameters: the status (if any) is always the first.
      const { where, params } = filterSql(status, search, SEARCH_TEXT_UNINDEXED);
      const walk = filterSql(status, undefined).where;
      // A retry's `from` is $1; the filter's own parameters follow, then the keyset's.
      const lead = action === 'retry' ? [from] : [];
      const base = [...lead, ...params];
      const top = await sql.query<{ top: string | null }>(`SELECT max(id) AS top FROM entries`);
      const upper = top[0]?.top ?? null;
      if (upper === null) return;
      const shift = (w: string[]) => shiftParams(w.join(' AND '), lead.length);
      const n = base.length;
      const text = BATCH_FILTER_SQL(action, shift(walk), shift(where), `$${n + 1}`, `$${n + 2}`, `$${n + 3}`);
      let last = '';
      for (;;) {
        const rows = await sql.query<BatchRow>(text, [...base, last, upper, size]);
        const row = rows[0];
        const r = batchResult(row);
        const scanned = Number(row?.scanned ?? 0);
        // Yielded even when nothing in it matched: the caller pauses between batches either way.
        const res = { affected: r.affected, skipped: r.matched - r.affected, running: r.running };
        await after(res);
        yield res;
        if (scanned < size || !row?.last) return;
        last = row.last;
      }
    },

    async cancelledOrGone(ids) {
      if (ids.length === 0) return [];
      const rows = await sql.query<{ id: string }>(
        `SELECT i.id FROM unnest($1::text[]) AS i(id) LEFT JOIN entries e ON e.id = i.id WHERE e.id IS NULL OR e.status = 'CANCELLED'`,
        [ids],
      );
      return rows.map((r) => r.id);
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

    async analyzeAll() {
      await sql.exec('ANALYZE entries, entry_events, entry_counts, queue_settings, stats_durations, stats_fold, stats_minutes');
    },

    async checkpointIfWalOver(maxBytes) {
      const rows = await sql.query<{ since: number | string | null }>(
        `SELECT pg_wal_lsn_diff(pg_current_wal_insert_lsn(), (SELECT redo_lsn FROM pg_control_checkpoint()))::float8 AS since`,
      );
      if (Number(rows[0]?.since ?? 0) <= maxBytes) return false;
      await sql.exec('CHECKPOINT');
      return true;
    },
  };
}

/* ─── The operator's console: the settings row, retention, and the throughput rollup ───────────── */

/** The settings row as stored: NULL workers / stage delay mean "the app's own value", 0 days "never". */
export interface StoredSettings {
  paused: boolean;
  workers: number | null;
  stageDelayMs: number | null;
  retentionDays: number;
  notifyOnFailure: boolean;
}

/** A change to the settings row; absent fields are left as they are. */
export interface SettingsPatch {
  paused?: boolean | undefined;
  workers?: number | undefined;
  stageDelayMs?: number | undefined;
  /** 0: never prune. */
  retentionDays?: number | undefined;
  notifyOnFailure?: boolean | undefined;
}

interface SettingsRow {
  paused: boolean;
  workers: number | null;
  stage_delay_ms: number | null;
  retention_days: number;
  notify_on_failure: boolean;
}

const toSettings = (r: SettingsRow): StoredSettings => ({
  paused: r.paused,
  workers: r.workers,
  stageDelayMs: r.stage_delay_ms,
  retentionDays: r.retention_days,
  notifyOnFailure: r.notify_on_failure,
});

const SETTINGS_COLUMNS = 'paused, workers, stage_delay_ms, retention_days, notify_on_failure';

/** One statement: absent fields (NULL parameters) keep their stored value. */
const UPDATE_SETTINGS_SQL = `
  UPDATE queue_settings SET
    paused = coalesce($1::boolean, paused),
    workers = coalesce($2::int, workers),
    stage_delay_ms = coalesce($3::int, stage_delay_ms),
    retention_days = coalesce($4::int, retention_days),
    notify_on_failure = coalesce($5::boolean, notify_on_failure),
    updated_at = now()
  WHERE id = 1
  RETURNING ${SETTINGS_COLUMNS}`;

/** Stats rows (and events) older than this are no chart's business: the longest window is a day. */
export const STATS_KEEP_MS = 2 * 24 * 3600_000;
/** Shared server: fold only events this old, so none that commits late is skipped (FOLD_SQL). */
export const STATS_FOLD_MARGIN_MS = 10_000;

/**
 * Retention: one bounded batch of finished entries last changed before the cutoff, deleted with their
 * events (the foreign key cascades) and their count deltas, in one statement. `id < $1` (the UUIDv7
 * of the cutoff: an entry last changed before it was created before it) turns the search into a range
 * of the (final_status, id) index, so a round that finds nothing to prune reads almost nothing.
 * SKIP LOCKED: on a shared server a concurrent retry or delete of the same row wins; we take the rest.
 */
const PRUNE_SQL = `
  WITH victims AS MATERIALIZED (
    SELECT id FROM entries
    WHERE final_status IN ${TERMINAL} AND id < $1 AND updated_at < $2 AND locked_by IS NULL
    LIMIT $3
    FOR UPDATE SKIP LOCKED
  ),
  gone AS (
    DELETE FROM entries e USING victims v WHERE e.id = v.id AND e.final_status IN ${TERMINAL} RETURNING e.status
  ),
  counted AS (
    INSERT INTO entry_counts (status, delta) SELECT status, -count(*) FROM gone GROUP BY status
  )
  SELECT count(*)::int AS n FROM gone`;

/** Stats rows past any chart's window, a bounded batch of each table per statement. */
const PRUNE_STATS_SQL = `
  WITH m AS (
    DELETE FROM stats_minutes WHERE minute IN (SELECT minute FROM stats_minutes WHERE minute < $1 LIMIT $2) RETURNING 1
  ),
  d AS (
    DELETE FROM stats_durations WHERE (minute, stage, bucket) IN
      (SELECT minute, stage, bucket FROM stats_durations WHERE minute < $1 LIMIT $2) RETURNING 1
  )
  SELECT (SELECT count(*) FROM m)::int + (SELECT count(*) FROM d)::int AS n`;

/** The bucket of histogram.ts's durationBucket, in SQL (float8, the same epsilon). */
const DURATION_BUCKET_SQL = `floor(4 * ln(greatest(duration_ms, 1)::float8) / ln(2::float8) + 1e-9)::smallint`;

/**
 * Events the stats use: an entry finishing, or any stage run (its duration; a failed attempt is a
 * run noted with from = to). Everything else (creates, retries, rescue notes) only moves the watermark.
 */
const COUNTED_EVENT = `((to_status IN ${TERMINAL} AND from_status IS DISTINCT FROM to_status) OR stage IS NOT NULL)`;

/**
 * The fold: the next batch of entry_events after the watermark, added into the per-minute rollups,
 * and the watermark moved past it — one statement, so one transaction.
 *
 * Identity values are handed out before commit, so on a shared server event 101 can commit after
 * event 102: a fold that moved the watermark past 102 would never see 101. `ripe` therefore stops at
 * the first event younger than the margin ($2 ms; no statement that writes events runs that long),
 * and takes only the prefix before it. The embedded engine has one connection, which commits in id
 * order: its margin is 0. The watermark row is locked, so two processes never fold the same batch.
 * Events older than the stats keep (2 days) are skipped: no chart would show them.
 */
const FOLD_SQL = `
  WITH wm AS (SELECT last_event_id FROM stats_fold WHERE id = 1 FOR UPDATE),
  batch AS MATERIALIZED (
    SELECT id, from_status, to_status, stage, duration_ms, at FROM entry_events
    WHERE id > (SELECT last_event_id FROM wm)
    ORDER BY id LIMIT $1
  ),
  ripe AS MATERIALIZED (
    SELECT * FROM batch
    WHERE id < coalesce((SELECT min(id) FROM batch WHERE at >= now() - make_interval(secs => $2::int / 1000.0)), 9223372036854775807)
  ),
  kept AS MATERIALIZED (
    SELECT date_trunc('minute', at) AS minute, * FROM ripe
    WHERE at >= now() - make_interval(secs => $3::int / 1000.0) AND ${COUNTED_EVENT}
  ),
  minutes AS (
    INSERT INTO stats_minutes AS m (minute, completed, failed, cancelled, failed_attempts)
    SELECT minute,
           count(*) FILTER (WHERE to_status = 'COMPLETED' AND from_status IS DISTINCT FROM to_status),
           count(*) FILTER (WHERE to_status = 'FAILED' AND from_status IS DISTINCT FROM to_status),
           count(*) FILTER (WHERE to_status = 'CANCELLED' AND from_status IS DISTINCT FROM to_status),
           count(*) FILTER (WHERE stage IS NOT NULL AND from_status = to_status)
    FROM kept WHERE (to_status IN ${TERMINAL} AND from_status IS DISTINCT FROM to_status) OR from_status = to_status
    GROUP BY minute
    ON CONFLICT (minute) DO UPDATE SET
      completed = m.completed + excluded.completed,
      failed = m.failed + excluded.failed,
      cancelled = m.cancelled + excluded.cancelled,
      failed_attempts = m.failed_attempts + excluded.failed_attempts
  ),
  durations AS (
    INSERT INTO stats_durations AS d (minute, stage, bucket, runs)
    SELECT minute, stage, ${DURATION_BUCKET_SQL}, count(*)
    FROM kept WHERE stage IS NOT NULL AND duration_ms IS NOT NULL
    GROUP BY 1, 2, 3
    ON CONFLICT (minute, stage, bucket) DO UPDATE SET runs = d.runs + excluded.runs
  ),
  moved AS (
    UPDATE stats_fold SET last_event_id = (SELECT max(id) FROM ripe) WHERE id = 1 AND EXISTS (SELECT 1 FROM ripe)
  )
  SELECT (SELECT count(*) FROM ripe)::int AS folded, (SELECT count(*) FROM batch)::int AS seen`;

/** Buckets are aligned to this origin (UTC), so a day's hours are UTC hours whatever the session's zone. */
const BIN_ORIGIN = `timestamptz '2000-01-01 00:00:00+00'`;

/** `$2` slots of `$1` each, the last holding now(), oldest first, zero-filled. */
const THROUGHPUT_SQL = `
  WITH last AS (SELECT date_bin($1::interval, now(), ${BIN_ORIGIN}) AS at),
  slots AS (
    SELECT generate_series(last.at - ($2::int - 1) * $1::interval, last.at, $1::interval) AS at FROM last
  ),
  agg AS (
    SELECT date_bin($1::interval, minute, ${BIN_ORIGIN}) AS at, sum(completed)::int AS completed, sum(failed)::int AS failed
    FROM stats_minutes WHERE minute >= (SELECT min(at) FROM slots)
    GROUP BY 1
  )
  SELECT s.at, coalesce(a.completed, 0) AS completed, coalesce(a.failed, 0) AS failed
  FROM slots s LEFT JOIN agg a ON a.at = s.at
  ORDER BY s.at`;

const DURATIONS_SQL = `
  SELECT stage, bucket, sum(runs)::int AS runs FROM stats_durations
  WHERE minute >= $1 GROUP BY stage, bucket ORDER BY stage, bucket`;

/** The UUIDv7 of `ms` with all random bits zero: every id created before `ms` sorts below it. */
export function uuidv7Floor(ms: number): string {
  const hex = Math.max(0, Math.floor(ms)).toString(16).padStart(12, '0').slice(-12);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-0000-0000-000000000000`;
}

export interface QueueStore {
  /** The settings row. */
  readSettings(): Promise<StoredSettings>;
  /** Writes the given fields in one statement and returns the whole row as it now is. */
  updateSettings(patch: SettingsPatch): Promise<StoredSettings>;
  /** Deletes up to `limit` finished entries last changed before `cutoffMs`, with their events; returns how many. */
  pruneFinished(cutoffMs: number, limit: number): Promise<number>;
  /** Deletes up to `limit` rows of each stats table older than `cutoffMs`; returns how many. */
  pruneStats(cutoffMs: number, limit: number): Promise<number>;
  /**
   * Folds up to `limit` events after the watermark into the stats (see FOLD_SQL). `more`: a full batch
   * was folded, so more may be waiting.
   */
  foldStats(limit: number): Promise<{ folded: number; more: boolean }>;
  /** `slots` buckets of `slotMinutes` each (the last one holding now), and the duration histogram since the first. */
  throughput(slotMinutes: number, slots: number): Promise<{
    buckets: { at: string; completed: number; failed: number }[];
    durations: { stage: number; bucket: number; runs: number }[];
  }>;
}

export interface QueueStoreOptions {
  /** Fold only events at least this old (ms, by the database's clock); see FOLD_SQL. */
  foldMarginMs: number;
  /** Events older than this are not worth folding: stats rows that old are pruned (ms). */
  statsKeepMs: number;
}

export function createQueueStore(sql: SqlClient, options: QueueStoreOptions): QueueStore {
  // Migration 0007 inserts the row; should someone delete it by hand, the defaults come back rather
  // than the open failing (which, embedded, would read as a damaged data folder).
  const restoreRow = () => sql.query(`INSERT INTO queue_settings (id) VALUES (1) ON CONFLICT (id) DO NOTHING`);
  const read = () => sql.query<SettingsRow>(`SELECT ${SETTINGS_COLUMNS} FROM queue_settings WHERE id = 1`);
  return {
    async readSettings() {
      let row = (await read())[0];
      if (!row) {
        await restoreRow();
        row = (await read())[0];
      }
      if (!row) throw new Error('the queue_settings row is missing and could not be restored');
      return toSettings(row);
    },

    async updateSettings(p) {
      const params = [p.paused ?? null, p.workers ?? null, p.stageDelayMs ?? null, p.retentionDays ?? null, p.notifyOnFailure ?? null];
      let row = (await sql.query<SettingsRow>(UPDATE_SETTINGS_SQL, params))[0];
      if (!row) {
        await restoreRow();
        row = (await sql.query<SettingsRow>(UPDATE_SETTINGS_SQL, params))[0];
      }
      if (!row) throw new Error('the queue_settings row is missing and could not be restored');
      return toSettings(row);
    },

    async pruneFinished(cutoffMs, limit) {
      const rows = await sql.query<{ n: number | string }>(PRUNE_SQL, [uuidv7Floor(cutoffMs), new Date(cutoffMs), limit]);
      return Number(rows[0]?.n ?? 0);
    },

    async pruneStats(cutoffMs, limit) {
      const rows = await sql.query<{ n: number | string }>(PRUNE_STATS_SQL, [new Date(cutoffMs), limit]);
      return Number(rows[0]?.n ?? 0);
    },

    async foldStats(limit) {
      const rows = await sql.query<{ folded: number | string; seen: number | string }>(FOLD_SQL, [limit, Math.round(options.foldMarginMs), Math.round(options.statsKeepMs)]);
      const folded = Number(rows[0]?.folded ?? 0);
      return { folded, more: folded === limit };
    },

    async throughput(slotMinutes, slots) {
      const interval = `${slotMinutes} minutes`;
      const buckets = await sql.query<{ at: Date | string; completed: number | string; failed: number | string }>(THROUGHPUT_SQL, [interval, slots]);
      const first = buckets[0];
      const durations = first ? await sql.query<{ stage: number | string; bucket: number | string; runs: number | string }>(DURATIONS_SQL, [first.at]) : [];
      return {
        buckets: buckets.map((b) => ({ at: iso(b.at), completed: Number(b.completed), failed: Number(b.failed) })),
        durations: durations.map((d) => ({ stage: Number(d.stage), bucket: Number(d.bucket), runs: Number(d.runs) })),
      };
    },
  };
}
