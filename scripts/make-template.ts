/**
 * Writes the first-launch template, the folder resources/pgdata-template/ (or a .tar.gz of it when
 * `out` names one): a PGlite data dir that has been through initdb and every drizzle migration, with
 * planner statistics. openEmbedded copies it into a brand-new data folder instead of running initdb
 * (seconds and hundreds of MB of memory) on the first launch; the usual migrations still run
 * afterwards, so a template from an older migration set is simply upgraded.
 *
 *   npm run build:template        (part of `npm run build`; the folder is git-ignored)
 */
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import { c as createTar } from 'tar';
import { PGLITE_EXTENSIONS, TEMPLATE_DIRS_FILE, TEMPLATE_NAME, TEMPLATE_SIZES_FILE } from '../src/main/core/drivers/embedded';
import { applyMigrations } from '../src/main/core/drivers/migrate';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const TEMPLATE_DIR = join(root, 'resources', TEMPLATE_NAME);

/**
 * Builds the template and writes it to `out`; returns its size in bytes.
 *
 * The folder is archived from disk after a clean close, not with `dumpDataDir()` from a live
 * instance: a live snapshot is only crash-consistent, so every first launch from it replayed WAL
 * (measured: ~4–5 s against ~1.7 s for a reopen). After a clean shutdown it opens like a reopen.
 */
export async function makeTemplate(out: string = TEMPLATE_DIR, migrationsFolder: string = join(root, 'drizzle')): Promise<number> {
  const work = mkdtempSync(join(tmpdir(), 'entryflow-template-'));
  try {
    const pgdata = join(work, 'pgdata');
    const db = await PGlite.create({ dataDir: pgdata, extensions: PGLITE_EXTENSIONS });
    try {
      await applyMigrations(db, migrationsFolder);
      // Entryflow works in the `postgres` database alone and never runs CREATE DATABASE: the two
      // template databases were a third of the files every first launch copied.
      for (const name of ['template0', 'template1']) {
        await db.exec(`ALTER DATABASE ${name} IS_TEMPLATE false`);
        await db.exec(`DROP DATABASE ${name}`);
      }
      await db.exec('ANALYZE');
      // A smaller archive: WAL that is all zeros after the last checkpoint (as in make-migration-fixture.ts).
      await db.exec('SET wal_recycle = off');
      await db.exec('CHECKPOINT');
      await db.query('SELECT pg_switch_wal()');
      await db.exec('CHECKPOINT');
    } finally {
      await db.close();
    }
    // A PGlite start leaves postmaster.pid behind; a template must not carry one.
    rmSync(join(pgdata, 'postmaster.pid'), { force: true });
    // Packagers copy files, not folders: electron-builder's extraResources drops every empty folder
    // (pg_notify, pg_tblspc, …), and Postgres will not start without them. The list of folders is a
    // file, so it survives any copy, and the first launch recreates them (drivers/embedded.ts).
    writeFileSync(join(pgdata, TEMPLATE_DIRS_FILE), `${JSON.stringify(foldersIn(pgdata), null, 1)}\n`);
    // The current WAL segment is 16 MB of which a few hundred bytes are written: the template holds
    // each file without its zero tail, and the first launch extends it back (drivers/embedded.ts).
    writeFileSync(join(pgdata, TEMPLATE_SIZES_FILE), `${JSON.stringify(trimZeroTails(pgdata), null, 1)}\n`);
    mkdirSync(dirname(out), { recursive: true });
    if (out.endsWith('.tar.gz')) {
      await createTar({ gzip: true, file: out, cwd: pgdata, portable: true }, readdirSync(pgdata));
    } else {
      // The shipped form: a plain folder, copied at first launch (≈3× faster than unpacking ~1,000 files).
      rmSync(out, { recursive: true, force: true });
      cpSync(pgdata, out, { recursive: true });
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return treeSize(out);
}

/**
 * Cuts the zero bytes off the end of every file below `root` that has more than a page of them;
 * returns the full sizes of the files cut, by '/'-separated relative path.
 */
function trimZeroTails(root: string, rel = '', sizes: Record<string, number> = {}): Record<string, number> {
  for (const d of readdirSync(join(root, rel), { withFileTypes: true })) {
    const path = rel === '' ? d.name : `${rel}/${d.name}`;
    if (d.isDirectory()) {
      trimZeroTails(root, path, sizes);
      continue;
    }
    const file = join(root, path);
    const bytes = readFileSync(file);
    let end = bytes.length;
    while (end > 0 && bytes[end - 1] === 0) end--;
    if (bytes.length - end < 8192) continue;
    truncateSync(file, end);
    sizes[path] = bytes.length;
  }
  return sizes;
}

/** Every folder below `root`, as '/'-separated relative paths, parents first. */
function foldersIn(root: string, rel = ''): string[] {
  return readdirSync(join(root, rel), { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .flatMap((d) => {
      const path = rel === '' ? d.name : `${rel}/${d.name}`;
      return [path, ...foldersIn(root, path)];
    });
}

function treeSize(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.size;
  return readdirSync(path).reduce((sum, name) => sum + treeSize(join(path, name)), 0);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const size = await makeTemplate();
  console.log(`wrote ${TEMPLATE_DIR} (${(size / 1024).toFixed(0)} KiB)`);
}
