/**
 * Opening the database: embedded PGlite in a data dir (or in memory), or a shared PostgreSQL server.
 * Both get the same drizzle migrations; on a server they run under an advisory lock so processes
 * starting at once do not race.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { x as extractTar } from 'tar';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import { readMigrationFiles } from 'drizzle-orm/migrator';
import pg from 'pg';
import { CoreError, errorMessage } from './errors';
import { silentLogger, type Logger } from './logger';
import { sqlLiteral, type SqlClient } from './sql-client';

export const PGDATA_DIR = 'pgdata';
/** Prefix of the advisory-lock key (hashed with the schema name); all Entryflow processes agree on it. */
const MIGRATION_LOCK_PREFIX = 'entryflow:migrate:';
/** Where drizzle keeps its journal when the tables live in `public` (drizzle's own default). */
const DEFAULT_MIGRATIONS_SCHEMA = 'drizzle';
const MIGRATIONS_TABLE = '__drizzle_migrations';
/** Channel of the cross-process wake-up for the `public` schema; other schemas get a suffix. */
export const WAKEUP_CHANNEL = 'entryflow_wakeup';

export interface Database {
  sql: SqlClient;
  /** Present for the embedded engine only. */
  pglite: PGlite | null;
  /** Present for a shared server only. */
  pgPool: pg.Pool | null;
  /** Shared server only: how to open the dedicated LISTEN connection, and the channel to listen on. */
  listen: { config: pg.ClientConfig; channel: string } | null;
  /**
   * How the database came to be: unpacked from the build-time template, made by initdb, or found
   * already there (every reopen, in-memory never; a shared server always reports 'existing').
   */
  createdFrom: CreatedFrom;
  close(): Promise<void>;
}

export type CreatedFrom = 'template' | 'initdb' | 'existing';
/** Built by scripts/make-template.ts; shipped beside the app (extraResources) as resources/<this>. */
export const TEMPLATE_ARCHIVE = 'pgdata-template';

/** Where the template is looked for when CoreOptions.templateArchive is absent: resources/ beside drizzle/. */
export function defaultTemplateArchive(migrationsFolder: string): string {
  return join(dirname(migrationsFolder), 'resources', TEMPLATE_ARCHIVE);
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
  // The PREPARE in flight or done, per name: concurrent first calls must share one PREPARE, or the
  // second fails with 'prepared statement already exists'.
  const prepared = new Map<string, Promise<void>>();
  return {
    // PGlite's query() re-plans on every call (unnamed statement). SQL-level PREPARE keeps the plan
    // for the session; EXECUTE takes literals, built by sqlLiteral from typed values only.
    async prepared<T extends object>(name: string, text: string, types: readonly string[], params: readonly unknown[]) {
      let ready = prepared.get(name);
      if (ready === undefined) {
        ready = db.exec(`PREPARE ${name}${types.length > 0 ? `(${types.join(', ')})` : ''} AS ${text}`).then(() => undefined);
        prepared.set(name, ready);
        // A failed PREPARE is tried again by the next call rather than cached.
        ready.catch(() => prepared.delete(name));
      }
      await ready;
      const args = params.map((p, i) => sqlLiteral(p, types[i] ?? 'text')).join(', ');
      const [res] = await db.exec(`EXECUTE ${name}${params.length > 0 ? `(${args})` : ''}`);
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

/** Written beside pgdata once a database has opened and migrated: without it a failed open is likely a half-made folder. */
export const READY_MARKER = 'entryflow.ready';
/**
 * Files Postgres writes while starting, before it can fail on a damaged folder: the pid file, the
 * control file's state, and relation-cache files. A failed open puts them back as they were, so
 * "Nothing was changed" holds (test/faults/damaged-dir.test.ts hashes the folder).
 */
function startFiles(pgdata: string): string[] {
  const base = join(pgdata, 'base');
  const dbs = existsSync(base) ? readdirSync(base).map((d) => join(base, d, 'pg_internal.init')) : [];
  return [join(pgdata, 'postmaster.pid'), join(pgdata, 'global', 'pg_control'), join(pgdata, 'global', 'pg_internal.init'), ...dbs];
}
function snapshot(paths: readonly string[]): Map<string, Buffer | null> {
  return new Map(paths.map((p) => [p, existsSync(p) ? readFileSync(p) : null]));
}
function restore(saved: ReadonlyMap<string, Buffer | null>): void {
  for (const [path, bytes] of saved) {
    try {
      if (bytes === null) unlinkSync(path);
      else writeFileSync(path, bytes);
    } catch {
      /* never written */
    }
  }
}
/** Lines of Postgres' own stderr kept to explain a failed start (PGlite's error is only "Aborted()"). */
const STDERR_KEPT = 5;

export interface EmbeddedOptions {
  /** The build-time template (scripts/make-template.ts); absent: defaultTemplateArchive(migrationsFolder). */
  templateArchive?: string;
  logger?: Logger;
}

/**
 * Puts the template into the (empty) pgdata folder: a folder is copied (what `npm run build`
 * ships), a .tar.gz is unpacked with node-tar. Either way the template was closed cleanly, so the
 * first open does no WAL replay. false when there is no template (then initdb runs as before).
 */
async function unpackTemplate(archive: string, pgdata: string): Promise<boolean> {
  if (!existsSync(archive)) return false;
  if (statSync(archive).isDirectory()) {
    // The shipped form (npm run build): a folder, copied — faster than unpacking ~1,000 files.
    if (!existsSync(join(archive, 'PG_VERSION'))) throw new Error(`${archive} holds no Postgres data folder`);
    cpSync(archive, pgdata, { recursive: true });
    return true;
  }
  // PGlite's archives name members with a leading '/', which node-tar strips (an info-level warning);
  // any other warning means a damaged archive: fail loudly rather than open a half-unpacked folder.
  const problems: string[] = [];
  await extractTar({
    file: archive,
    cwd: pgdata,
    onwarn: (code, message) => {
      if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${message}`);
    },
  });
  if (problems.length > 0) throw new Error(`${archive} is damaged (${problems.slice(0, 3).join('; ')})`);
  if (!existsSync(join(pgdata, 'PG_VERSION'))) throw new Error(`${archive} holds no Postgres data folder`);
  return true;
}

export async function openEmbedded(dataDir: string | undefined, migrationsFolder: string, options: EmbeddedOptions = {}): Promise<Database> {
  const logger = options.logger ?? silentLogger;
  let pglite: PGlite | undefined;
  let createdFrom: CreatedFrom = 'initdb';
  const pgdata = dataDir === undefined ? undefined : resolve(dataDir, PGDATA_DIR);
  let saved: Map<string, Buffer | null> = new Map();
  const stderr: string[] = [];
  const onStderr = (line: string): boolean => {
    const m = /\b(PANIC|FATAL|ERROR):\s+(.*)$/.exec(line);
    if (m) stderr.splice(0, stderr.length - STDERR_KEPT + 1, `${m[1]}: ${m[2]}`);
    return false;
  };
  try {
    if (pgdata !== undefined) {
      checkPgdata(pgdata);
      const empty = !existsSync(pgdata) || readdirSync(pgdata).length === 0;
      mkdirSync(pgdata, { recursive: true });
      saved = snapshot(startFiles(pgdata));
      createdFrom = empty ? 'initdb' : 'existing';
      // Only ever into an empty folder: a template must never overwrite (or mix with) a database.
      const archive = options.templateArchive ?? defaultTemplateArchive(migrationsFolder);
      if (empty) {
        try {
          if (await unpackTemplate(archive, pgdata)) {
            pglite = await PGlite.create({ dataDir: pgdata, onStderr });
            createdFrom = 'template';
          }
        } catch (err) {
          logger.warn('open: the database template could not be loaded; creating the database from scratch', {
            path: archive,
            error: errorMessage(err),
          });
          // The folder was empty before we started: whatever the failed unpack left is ours to remove.
          rmSync(pgdata, { recursive: true, force: true });
          mkdirSync(pgdata, { recursive: true });
          stderr.length = 0;
        }
      }
    }
    pglite ??= await PGlite.create({ ...(pgdata === undefined ? {} : { dataDir: pgdata }), onStderr });
  } catch (err) {
    if (err instanceof CoreError) throw err;
    restore(saved);
    const why = [errorMessage(err).replace(/[.\s]+$/, ''), ...stderr].join('; ');
    const halfMade = dataDir !== undefined && !existsSync(join(dataDir, READY_MARKER));
    throw new CoreError(
      'DATA_DIR_UNUSABLE',
      `The database in ${pgdata ?? 'memory'} could not be opened (${why}). Nothing was changed. ` +
        (halfMade
          ? 'It was never fully created (Entryflow was probably stopped during its first start), so it most likely holds no entries. '
          : '') +
        'Move the folder aside (or delete it if it holds nothing you need) and start again to create a fresh one; the old folder keeps any data for recovery.',
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
    if (dataDir !== undefined && !existsSync(join(dataDir, READY_MARKER))) writeFileSync(join(dataDir, READY_MARKER), `${new Date().toISOString()}\n`);
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
    listen: null,
    createdFrom,
    async close() {
      // close() checkpoints; skipping it has corrupted data dirs.
      if (!pglite.closed) await pglite.close();
    },
  };
}

export const quoteIdent = (name: string): string => `"${name.replace(/"/g, '""')}"`;

/** A schema name we are willing to create and put on the search path. */
export function checkSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new CoreError('INVALID_INPUT', `schema must be a lower-case SQL identifier (a-z, 0-9, _; at most 63 characters), got ${JSON.stringify(schema)}`);
  }
  return schema;
}

/**
 * drizzle's migrator, with two differences a shared server needs: the journal lives in the target
 * schema (so each schema, e.g. each test's, has its own), and the generated `"public".` qualifiers
 * (drizzle-kit writes them into foreign keys) point at the target schema. Same journal table layout
 * and rule as drizzle (apply what is newer than the last row, all in one transaction), so a database
 * migrated by drizzle's own `migrate` carries on.
 */
async function migrateShared(client: pg.PoolClient, schema: string, migrationsFolder: string): Promise<void> {
  const journalSchema = quoteIdent(schema === 'public' ? DEFAULT_MIGRATIONS_SCHEMA : schema);
  const journal = `${journalSchema}.${quoteIdent(MIGRATIONS_TABLE)}`;
  const migrations = readMigrationFiles({ migrationsFolder });
  await client.query(`CREATE SCHEMA IF NOT EXISTS ${journalSchema}`);
  await client.query(`CREATE TABLE IF NOT EXISTS ${journal} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
  const last = (await client.query<{ created_at: string }>(`SELECT created_at FROM ${journal} ORDER BY created_at DESC LIMIT 1`)).rows[0];
  const pending = migrations.filter((m) => last === undefined || Number(last.created_at) < m.folderMillis);
  if (pending.length === 0) return;
  await client.query('BEGIN');
  try {
    for (const m of pending) {
      for (const stmt of m.sql) {
        const text = schema === 'public' ? stmt : stmt.replaceAll('"public".', `${quoteIdent(schema)}.`);
        if (text.trim() !== '') await client.query(text);
      }
      await client.query(`INSERT INTO ${journal} (hash, created_at) VALUES ($1, $2)`, [m.hash, m.folderMillis]);
    }
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

/**
 * Opens a pool on a shared server and migrates it. `schema` (created if absent) is put first on the
 * search path of every connection; without it the URL's own search_path (e.g. `?options=-c
 * search_path=…`) or the server's default applies.
 */
export async function openShared(databaseUrl: string, migrationsFolder: string, poolSize: number, schema?: string): Promise<Database> {
  const config: pg.ClientConfig = { connectionString: databaseUrl };
  if (schema !== undefined) config.options = `-c search_path=${checkSchemaName(schema)}`;
  const pool = new pg.Pool({ ...config, max: poolSize });
  // An idle client's network error must not crash the process; the next query reports it.
  pool.on('error', () => undefined);
  let client: pg.PoolClient;
  try {
    client = await pool.connect();
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new CoreError('DATABASE_UNREACHABLE', `Cannot connect to the database server: ${errorMessage(err)}`, { cause: err });
  }
  let target: string;
  try {
    const wanted = schema ?? (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    // Session-level lock, keyed per schema: processes starting at once on one schema take turns.
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK_PREFIX + wanted]);
    try {
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      target = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
      await migrateShared(client, target, migrationsFolder);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK_PREFIX + wanted]);
    }
  } catch (err) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw new CoreError('MIGRATION_FAILED', `Upgrading the shared database failed: ${errorMessage(err)}`, { cause: err });
  }
  client.release();
  return {
    sql: pgClient(pool),
    pglite: null,
    pgPool: pool,
    createdFrom: 'existing',
    // Channel names are identifiers: at most 63 bytes.
    listen: { config, channel: (target === 'public' ? WAKEUP_CHANNEL : `${WAKEUP_CHANNEL}:${target}`).slice(0, 63) },
    async close() {
      await pool.end();
    },
  };
}
