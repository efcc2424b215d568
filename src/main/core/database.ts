/**
 * Opening the database: embedded PGlite in a data dir (or in memory), or a shared PostgreSQL server.
 * Both get the same drizzle migrations; on a server they run under an advisory lock so processes
 * starting at once do not race.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { migrate as migratePg } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';
import { CoreError, errorMessage } from './errors';
import { sqlLiteral, type SqlClient } from './sql-client';

export const PGDATA_DIR = 'pgdata';
/** Any fixed 64-bit key; all Entryflow processes on a server agree on it. */
const MIGRATION_LOCK_KEY = 7_402_318_455;

export interface Database {
  sql: SqlClient;
  /** Present for the embedded engine only. */
  pglite: PGlite | null;
  /** Present for a shared server only: a dedicated client for LISTEN. */
  pgPool: pg.Pool | null;
  close(): Promise<void>;
}

/** Finds `drizzle/` by walking up from this module: it sits at the repo (or app) root. */
export function findMigrationsFolder(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new CoreError('MIGRATION_FAILED', `No drizzle migrations folder found above ${start}.`);
    dir = parent;
  }
}

function pgliteClient(db: PGlite): SqlClient {
  const prepared = new Set<string>();
  return {
    // PGlite's query() re-plans on every call (unnamed statement). SQL-level PREPARE keeps the plan
    // for the session; EXECUTE takes literals, built by sqlLiteral from typed values only.
    async prepared<T extends object>(name: string, text: string, types: readonly string[], params: readonly unknown[]) {
      if (!prepared.has(name)) {
        await db.exec(`PREPARE ${name}(${types.join(', ')}) AS ${text}`);
        prepared.add(name);
      }
      const args = params.map((p, i) => sqlLiteral(p, types[i] ?? 'text')).join(', ');
      const [res] = await db.exec(`EXECUTE ${name}(${args})`);
      return (res?.rows ?? []) as T[];
    },
    kind: 'pglite',
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      const res = await db.query<T>(text, params as unknown[]);
      return res.rows;
    },
    async exec(text: string) {
      await db.exec(text);
    },
  };
}

function pgClient(pool: pg.Pool): SqlClient {
  return {
    kind: 'postgres',
    // node-postgres prepares a named statement once per connection and reuses it.
    async prepared<T extends object>(name: string, text: string, _types: readonly string[], params: readonly unknown[]) {
      const res = await pool.query<T & pg.QueryResultRow>({ name, text, values: params as unknown[] });
      return res.rows;
    },
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      const res = await pool.query<T & pg.QueryResultRow>(text, params as unknown[]);
      return res.rows;
    },
    async exec(text: string) {
      await pool.query(text);
    },
  };
}

/** Postgres data dirs hold PG_VERSION; anything else non-empty is not ours to initialise over. */
function checkPgdata(pgdata: string): void {
  if (!existsSync(pgdata)) return;
  const names = readdirSync(pgdata);
  if (names.length > 0 && !names.includes('PG_VERSION')) {
    throw new CoreError(
      'DATA_DIR_UNUSABLE',
      `The folder ${pgdata} is not empty and is not an Entryflow database. Nothing was changed. ` +
        'Move it aside (or choose another data folder) and start again to create a fresh database.',
    );
  }
}

export async function openEmbedded(dataDir: string | undefined, migrationsFolder: string): Promise<Database> {
  let pglite: PGlite;
  const pgdata = dataDir === undefined ? undefined : resolve(dataDir, PGDATA_DIR);
  try {
    if (pgdata !== undefined) {
      checkPgdata(pgdata);
      mkdirSync(pgdata, { recursive: true });
    }
    pglite = await PGlite.create(pgdata === undefined ? {} : { dataDir: pgdata });
  } catch (err) {
    if (err instanceof CoreError) throw err;
    throw new CoreError(
      'DATA_DIR_UNUSABLE',
      `The database in ${pgdata ?? 'memory'} could not be opened: ${errorMessage(err)}. Nothing was changed. ` +
        'If the folder is damaged, move it aside and start again to create a fresh one (the old folder keeps your data for recovery).',
      { cause: err },
    );
  }
  try {
    const [scs] = (await pglite.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows;
    if (scs?.standard_conforming_strings !== 'on') throw new Error('standard_conforming_strings must be on');
    await migratePglite(drizzlePglite({ client: pglite }), { migrationsFolder });
    // PGlite runs no autovacuum, so nothing else gathers planner statistics: without them the claim
    // is planned as a full sort of the backlog instead of a walk of the partial index.
    await pglite.exec('ANALYZE');
  } catch (err) {
    await pglite.close().catch(() => undefined);
    throw new CoreError('MIGRATION_FAILED', `Upgrading the database in ${pgdata ?? 'memory'} failed: ${errorMessage(err)}`, {
      cause: err,
    });
  }
  return {
    sql: pgliteClient(pglite),
    pglite,
    pgPool: null,
    async close() {
      // close() checkpoints; skipping it has corrupted data dirs.
      if (!pglite.closed) await pglite.close();
    },
  };
}

export async function openShared(databaseUrl: string, migrationsFolder: string, poolSize: number): Promise<Database> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolSize });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new CoreError('DATABASE_UNREACHABLE', `Cannot connect to the database server: ${errorMessage(err)}`, { cause: err });
  }
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    try {
      await migratePg(drizzlePg({ client }), { migrationsFolder });
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]);
    }
  } catch (err) {
    client.release();
    await pool.end().catch(() => undefined);
    throw new CoreError('MIGRATION_FAILED', `Upgrading the shared database failed: ${errorMessage(err)}`, { cause: err });
  }
  client.release();
  return {
    sql: pgClient(pool),
    pglite: null,
    pgPool: pool,
    async close() {
      await pool.end();
    },
  };
}
