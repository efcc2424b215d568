/**
 * drizzle-kit's migrations, applied without drizzle's query builder: both drivers run this, with
 * the journal table and rule of drizzle's own `migrate` (one row per migration in
 * `__drizzle_migrations`; apply what is newer than the newest row, all in one transaction), so a
 * database migrated by either carries on with the other.
 *
 * Why not drizzle's `migrate`: it needs a drizzle database object, and importing drizzle-orm/pglite
 * loads the whole of drizzle-orm/pg-core — in Node 24, ~2 s and ~200 MB of peak RSS on a first
 * launch, spent re-reading drizzle-orm's 180 KB package.json once per module (bench/first-launch.ts).
 * drizzle-orm/migrator, which only reads the files and hashes them, is cheap.
 */
import { readMigrationFiles } from 'drizzle-orm/migrator';
import { quoteIdent } from '../sql-client';

/** Where drizzle keeps its journal when the tables live in `public` (drizzle's own default). */
export const DEFAULT_MIGRATIONS_SCHEMA = 'drizzle';
export const MIGRATIONS_TABLE = '__drizzle_migrations';

/** One connection (a transaction spans calls): a PGlite instance or a checked-out pg client. */
export interface MigrationConnection {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/**
 * Applies the pending migrations of `migrationsFolder` to `schema`; resolves with how many ran.
 * Outside `public` the journal lives in the target schema (so each schema, e.g. each test's, has its
 * own) and drizzle-kit's generated `"public".` qualifiers point at the target schema.
 */
export async function applyMigrations(conn: MigrationConnection, migrationsFolder: string, schema = 'public'): Promise<number> {
  const journalSchema = quoteIdent(schema === 'public' ? DEFAULT_MIGRATIONS_SCHEMA : schema);
  const journal = `${journalSchema}.${quoteIdent(MIGRATIONS_TABLE)}`;
  const migrations = readMigrationFiles({ migrationsFolder });
  await conn.query(`CREATE SCHEMA IF NOT EXISTS ${journalSchema}`);
  await conn.query(`CREATE TABLE IF NOT EXISTS ${journal} (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint)`);
  const [last] = (await conn.query(`SELECT created_at FROM ${journal} ORDER BY created_at DESC LIMIT 1`)).rows as { created_at: string | number }[];
  const pending = migrations.filter((m) => last === undefined || Number(last.created_at) < m.folderMillis);
  if (pending.length === 0) return 0;
  await conn.query('BEGIN');
  try {
    for (const m of pending) {
      for (const stmt of m.sql) {
        const text = schema === 'public' ? stmt : stmt.replaceAll('"public".', `${quoteIdent(schema)}.`);
        if (text.trim() !== '') await conn.query(text);
      }
      await conn.query(`INSERT INTO ${journal} (hash, created_at) VALUES ($1, $2)`, [m.hash, m.folderMillis]);
    }
    await conn.query('COMMIT');
  } catch (err) {
    await conn.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
  return pending.length;
}
