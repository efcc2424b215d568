/**
 * Writes test/fixtures/data-dir-v0000.tar.gz: a PGlite data dir as the first release left it —
 * migrated with ONLY drizzle/0000_init.sql — holding the rows of test/fixtures/data-dir-v0000.ts
 * (entries in every status, their events, one lock left by a crashed run). test/core/migrate.test.ts
 * restores it and opens it with today's code to prove the later migrations upgrade it in place.
 *
 *   npx tsx scripts/make-migration-fixture.ts
 *
 * Re-run only if the fixture's rows change; the tarball is committed (it must stay a few MB at most).
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';
import { FIXTURE_ENTRIES, FIXTURE_FILE } from '../test/fixtures/data-dir-v0000';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const FIRST_MIGRATION = '0000_init';

interface Journal {
  version: string;
  dialect: string;
  entries: { idx: number; tag: string }[];
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'entryflow-fixture-'));
  try {
    // A migrations folder that knows only the first migration.
    const migrations = join(tmp, 'drizzle');
    mkdirSync(join(migrations, 'meta'), { recursive: true });
    copyFileSync(join(root, 'drizzle', `${FIRST_MIGRATION}.sql`), join(migrations, `${FIRST_MIGRATION}.sql`));
    const journal = JSON.parse(readFileSync(join(root, 'drizzle', 'meta', '_journal.json'), 'utf8')) as Journal;
    const first = journal.entries.filter((e) => e.tag === FIRST_MIGRATION);
    if (first.length !== 1) throw new Error(`the journal has no single ${FIRST_MIGRATION} entry`);
    writeFileSync(join(migrations, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: first }, null, 2));

    const db = await PGlite.create({ dataDir: join(tmp, 'pgdata') });
    await migrate(drizzle({ client: db }), { migrationsFolder: migrations });

    const tables = await db.query<{ tablename: string }>(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
    const names = tables.rows.map((r) => r.tablename);
    if (names.join(',') !== 'entries,entry_events') throw new Error(`unexpected tables after ${FIRST_MIGRATION}: ${names.join(', ')}`);

    // Plain SQL, as the v0000 code would have written the rows.
    for (const e of FIXTURE_ENTRIES) {
      await db.query(
        `INSERT INTO entries (id, title, status, progress, result, error, attempts, run_after, locked_by, locked_at, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
        [e.id, e.title, e.status, e.progress, e.result, e.error, e.attempts, e.updatedAt, e.lockedBy, e.lockedBy === null ? null : e.updatedAt, e.createdAt, e.updatedAt],
      );
      for (const [i, to] of e.history.entries()) {
        const from = i === 0 ? null : (e.history[i - 1] ?? null);
        await db.query(
          `INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message, at) VALUES ($1, $2, $3, $4, $5, $6)`,
          [e.id, from, to, i === 0 ? null : 'old-worker', to === 'FAILED' ? e.error : null, i === 0 ? e.createdAt : e.updatedAt],
        );
      }
    }
    // A smaller tarball: no dead tuples, and WAL that is all zeros after the last checkpoint (a
    // switch to a fresh, zero-filled segment, then a checkpoint that deletes the old one rather than
    // recycling it with its old contents).
    await db.exec('VACUUM FULL');
    await db.exec('SET wal_recycle = off');
    await db.exec('CHECKPOINT');
    await db.query('SELECT pg_switch_wal()');
    await db.exec('CHECKPOINT');
    const dump = await db.dumpDataDir('gzip');
    await db.close();

    const out = join(root, 'test', 'fixtures', FIXTURE_FILE);
    writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
    const size = statSync(out).size;
    console.log(`wrote ${out} (${(size / 1024).toFixed(0)} KiB, ${FIXTURE_ENTRIES.length} entries)`);
    if (size > 5 * 1024 * 1024) throw new Error('the fixture is over 5 MB; it is committed, keep it small');
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
