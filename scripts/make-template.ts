/**
 * Writes resources/pgdata-template.tar.gz: a PGlite data dir that has been through initdb and every
 * drizzle migration, with planner statistics. openEmbedded unpacks it into a brand-new data folder
 * instead of running initdb (seconds and hundreds of MB of memory) on the first launch; the usual
 * migrations still run afterwards, so a template from an older migration set is simply upgraded.
 *
 *   npm run build:template        (part of `npm run build`; the archive is git-ignored)
 */
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { drizzle } from 'drizzle-orm/pglite';
import { migrate } from 'drizzle-orm/pglite/migrator';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATE_FILE = join(root, 'resources', 'pgdata-template.tar.gz');

/** Builds the template and writes it to `out`; returns its size in bytes. */
export async function makeTemplate(out: string = TEMPLATE_FILE, migrationsFolder: string = join(root, 'drizzle')): Promise<number> {
  const db = await PGlite.create();
  try {
    await migrate(drizzle({ client: db }), { migrationsFolder });
    await db.exec('ANALYZE');
    // A smaller archive: WAL that is all zeros after the last checkpoint (as in make-migration-fixture.ts).
    await db.exec('SET wal_recycle = off');
    await db.exec('CHECKPOINT');
    await db.query('SELECT pg_switch_wal()');
    await db.exec('CHECKPOINT');
    const dump = await db.dumpDataDir('gzip');
    mkdirSync(dirname(out), { recursive: true });
    writeFileSync(out, Buffer.from(await dump.arrayBuffer()));
  } finally {
    await db.close();
  }
  return statSync(out).size;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const size = await makeTemplate();
  console.log(`wrote ${TEMPLATE_FILE} (${(size / 1024).toFixed(0)} KiB)`);
}
