/**
 * A move to the next stage is written in place (a HOT update): no index on `entries` reads a column
 * such a move changes, so Postgres adds no index entries for it and leaves the row on its page
 * (schema.ts, final_status; BENCHMARKS.md, issue 12). Checked on both drivers: the index definitions
 * themselves, and Postgres's own count of HOT updates for the columns a stage move writes.
 */
import { PGlite } from '@electric-sql/pglite';
import { expect, it, vi } from 'vitest';
import { createStore } from '../../src/main/core/store';
import type { SqlClient } from '../../src/main/core/sql-client';
import { describeEachDriver, ok, openDriverCore, type DriverCore } from '../support/core';
import { adminClient } from '../support/shared-pg';

/** Columns a claim, a heartbeat or a move from one active status to the next may change. */
const MOVING = ['status', 'progress', 'attempts', 'run_after', 'locked_by', 'locked_at', 'rescue_requested_at', 'updated_at'];

type Query = (text: string, params: readonly unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * Runs `body` with raw SQL on the core's own database, inside one transaction that is rolled back:
 * the running PGlite itself (`db`: the core offers no raw SQL, so a spy on PGlite.create hands it
 * over), or a server connection with the core's schema on its search path.
 */
async function rolledBack<T>(core: DriverCore, db: PGlite | undefined, body: (query: Query) => Promise<T>): Promise<T> {
  if (core.driver === 'embedded') {
    if (db === undefined) throw new Error('the embedded driver needs its PGlite');
    return db.transaction(async (tx) => {
      const out = await body(async (text, params) => (await tx.query<Record<string, unknown>>(text, [...params])).rows);
      await tx.rollback();
      return out;
    });
  }
  const admin = await adminClient();
  await admin.query('BEGIN');
  try {
    await admin.query(`SET LOCAL search_path TO "${core.where}", public`);
    return await body(async (text, params) => (await admin.query<Record<string, unknown>>(text, [...params])).rows);
  } finally {
    await admin.query('ROLLBACK');
  }
}

/** Raw SQL on the core's own database: all `statements` in one rolled-back transaction; gives the first row of each. */
type Sql = (statements: string[], params?: unknown[]) => Promise<Record<string, unknown>[]>;

async function rawSql(core: DriverCore, opened: () => Promise<PGlite>): Promise<Sql> {
  // Resolved now, while the caller's spy still holds it.
  const db = core.driver === 'embedded' ? await opened() : undefined;
  return (statements, params = []) =>
    rolledBack(core, db, async (query) => {
      const out: Record<string, unknown>[] = [];
      for (const s of statements) {
        const rows = await query(s, s.includes('$1') ? params : []);
        if (rows[0]) out.push(rows[0]);
      }
      return out;
    });
}

describeEachDriver('stage moves are HOT updates', (driver) => {
  it('no index on entries reads a column that a claim or a move to the next stage changes', async () => {
    const spy = vi.spyOn(PGlite, 'create');
    const core = await openDriverCore(driver);
    const sql = await rawSql(core, async () => (await spy.mock.results.at(-1)?.value) as PGlite);
    spy.mockRestore();
    const [row] = await sql([
      `SELECT json_agg(json_build_object('name', c.relname, 'def', pg_get_indexdef(i.indexrelid))) AS indexes FROM pg_index i
         JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = 'entries'::regclass`,
    ]);
    const rows = row?.indexes as { name: string; def: string }[];
    // The primary key, the claimable and finished-status indexes, and the search index where pg_trgm exists.
    expect(rows.length).toBeGreaterThanOrEqual(3);
    for (const r of rows) {
      const def = r.def.replace(/"/g, '');
      for (const column of MOVING) expect(def, `${r.name} must not read ${column}`).not.toMatch(new RegExp(`\\b${column}\\b`));
    }
  });

  it('Postgres writes CREATED → STAGE_1 → STAGE_2 in place, and a completion that sets a result as a new row version', async () => {
    const spy = vi.spyOn(PGlite, 'create');
    const core = await openDriverCore(driver);
    const sql = await rawSql(core, async () => (await spy.mock.results.at(-1)?.value) as PGlite);
    spy.mockRestore();
    const entry = await ok(core.invoke('entries:create', { title: 'moves in place' }));
    // The columns FINISH_AND_CLAIM_SQL writes for a kept move, then a released one, then a completion.
    const move = (to: string, progress: number, keep: boolean) =>
      `UPDATE entries SET status = '${to}', progress = ${progress}, result = NULL, error = NULL, attempts = ${keep ? 1 : 0}, run_after = NULL,
         locked_by = ${keep ? "'w1'" : 'NULL'}, locked_at = ${keep ? 'now()' : 'NULL'}, rescue_requested_at = NULL, updated_at = now() WHERE id = $1`;
    const counters = `SELECT pg_stat_get_xact_tuples_updated('entries'::regclass)::int AS updated,
                             pg_stat_get_xact_tuples_hot_updated('entries'::regclass)::int AS hot`;
    // What these statements add to the counters (PGlite may hold earlier, unflushed counts in them).
    const delta = async (statements: string[]) => {
      const [before, after] = await sql([counters, ...statements, counters], [entry.id]);
      return { updated: Number(after?.updated) - Number(before?.updated), hot: Number(after?.hot) - Number(before?.hot) };
    };
    expect(await delta([move('STAGE_1', 33, true), move('STAGE_2', 66, false)])).toEqual({ updated: 2, hot: 2 });
    // The counters can tell the difference: a completion changes final_status and the search text.
    const complete = `UPDATE entries SET status = 'COMPLETED', progress = 100, result = 'done', locked_by = NULL, updated_at = now() WHERE id = $1`;
    expect(await delta([complete])).toEqual({ updated: 1, hot: 0 });
  });
});

/**
 * A SqlClient over one rolled-back transaction's queries, for the store's own SQL. `prepared` runs the
 * text as a plain query: inside one transaction the plan cache does not matter, only what the
 * statement writes.
 */
function storeClient(core: DriverCore, query: Query): SqlClient {
  return {
    kind: core.driver === 'embedded' ? 'pglite' : 'postgres',
    query: async <T extends object>(text: string, params: readonly unknown[] = []) => (await query(text, params)) as T[],
    exec: async (text: string) => {
      await query(text, []);
    },
    prepared: async <T extends object>(_name: string, text: string, _types: readonly string[], params: readonly unknown[]) => (await query(text, params)) as T[],
  };
}

describeEachDriver('claims, heartbeats and releases', (driver) => {
  // Each of these names status, unchanged (store.ts, STATUS_KEPT): on Postgres 17 an update that
  // writes no column a generated column reads costs ~4.7 µs more per row. Naming it must change
  // nothing a person or an index can see.
  it('are written in place (HOT) and leave status and final_status as they were', async () => {
    const spy = vi.spyOn(PGlite, 'create');
    const core = await openDriverCore(driver);
    const opened = spy.mock.results.at(-1)?.value as Promise<PGlite> | undefined;
    spy.mockRestore();
    for (let i = 0; i < 3; i++) await ok(core.invoke('entries:create', { title: `held ${i}` }));
    await rolledBack(core, await opened, async (query) => {
      const sql = storeClient(core, query);
      // A takeover mark is a server's only (lockTimeoutMs set); on PGlite rescueStale does nothing.
      const store = createStore(sql, { lockTimeoutMs: driver === 'server' ? 1 : null });
      const counters = async () => {
        const [c] = await sql.query<{ updated: number; hot: number }>(
          `SELECT pg_stat_get_xact_tuples_updated('entries'::regclass)::int AS updated, pg_stat_get_xact_tuples_hot_updated('entries'::regclass)::int AS hot`,
        );
        return c ?? { updated: NaN, hot: NaN };
      };
      const states = async () =>
        sql.query<{ status: string; final_status: string | null }>(`SELECT status, final_status FROM entries ORDER BY id`);
      const before = await counters();
      const claimed = await store.claim('w1', 3);
      expect(claimed.map((e) => e.status)).toEqual(['CREATED', 'CREATED', 'CREATED']);
      const ids = claimed.map((e) => e.id);
      expect((await store.heartbeat('w1', ids)).sort()).toEqual([...ids].sort());
      expect((await store.release('w1', ids.slice(0, 1))).length).toBe(1);
      let writes = 3 + 3 + 1;
      if (driver === 'server') {
        // The mark needs a lock older than the timeout (1 ms).
        await sql.query(`UPDATE entries SET locked_at = now() - interval '1 hour', status = entries.status WHERE locked_by = 'w1'`);
        await store.rescueStale();
        const [marked] = await sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM entries WHERE rescue_requested_at IS NOT NULL`);
        expect(marked?.n).toBe(2);
        writes += 2 + 2;
      }
      const after = await counters();
      expect({ updated: after.updated - before.updated, hot: after.hot - before.hot }).toEqual({ updated: writes, hot: writes });
      expect(await states()).toEqual(ids.map(() => ({ status: 'CREATED', final_status: null })));
    });
  });
});
