/**
 * The embedded driver: PGlite in a data folder this process owns alone (or in memory).
 *
 * Data folder layout:
 *   entryflow.lock     who holds the folder (the OS-held lock itself is data-dir-lock.ts's business)
 *   pgdata/            PGlite's Postgres files; appears complete or not at all (see createPgdata)
 *   pgdata.partial-*   a first launch under way, or one killed mid-way: removed at the next open
 *   entryflow.ready    written once the core first opened fully
 */
import { constants, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, truncateSync, unlinkSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { x as extractTar } from 'tar';
import { acquireDataDirLock, type DataDirLock } from '../data-dir-lock';
import { CoreError, errorMessage } from '../errors';
import { silentLogger, type Logger } from '../logger';
import { sqlLiteral, type SqlClient } from '../sql-client';
import type { CreatedFrom, Driver } from './driver';
import { applyMigrations } from './migrate';

export const PGDATA_DIR = 'pgdata';
const PARTIAL_PREFIX = `${PGDATA_DIR}.partial-`;
/** Written beside pgdata once a database has opened fully: without it a failed open is likely a half-made folder. */
export const READY_MARKER = 'entryflow.ready';
/**
 * The first-launch template's folder name: built by scripts/make-template.ts, shipped beside the app
 * (extraResources) as resources/<this>. src/main/paths.ts mirrors it (the app's paths stay core-free).
 */
export const TEMPLATE_NAME = 'pgdata-template';
/**
 * In the template: the list of its folders. Packagers copy files one by one and drop empty folders,
 * without which Postgres will not start; copyTemplate makes them again from this list.
 */
export const TEMPLATE_DIRS_FILE = 'entryflow-template-dirs.json';
/**
 * In the template: the full size of each file stored without its tail of zero bytes (the WAL
 * segment is 16 MB, almost all zeros); copyTemplate extends them back. Absent in older templates.
 */
export const TEMPLATE_SIZES_FILE = 'entryflow-template-sizes.json';
/**
 * Extensions every PGlite on an Entryflow data folder must load: the search index (drizzle/0006) is
 * a pg_trgm index, and writing a row without the extension loaded fails. Anything opening a data
 * folder with PGlite directly (scripts, tests, benchmarks) passes these too.
 */
export const PGLITE_EXTENSIONS = { pg_trgm };

/**
 * Postgres settings for the app's PGlite, on top of PGlite's own start parameters. shared_buffers:
 * Postgres' default 128 MB is initialised in PGlite's wasm memory at start, so it is resident from
 * the first moment — measured (bench/first-launch-child.ts, Node 24, first launch from the template,
 * peak RSS of 3 runs): 355–393 MiB with 128 MB, 259–267 with 32 MB, 229–245 with 16 MB. An
 * embedded queue's working set (the claim's partial index, the newest rows) is far smaller; what
 * does not fit is read from the OS page cache.
 */
export const PGLITE_SETTINGS: Readonly<Record<string, string>> = { shared_buffers: '32MB' };

/** PGlite's start parameters with PGLITE_SETTINGS added. */
export function pgliteStartParams(): string[] {
  return [...PGlite.defaultStartParams, ...Object.entries(PGLITE_SETTINGS).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
}

/** Lines of Postgres' own stderr kept to explain a failed start (PGlite's error is only "Aborted()"). */
const STDERR_KEPT = 5;

/** Where the template is looked for when no path is given: resources/ beside drizzle/. */
export function defaultTemplatePath(migrationsFolder: string): string {
  return join(dirname(migrationsFolder), 'resources', TEMPLATE_NAME);
}

export interface EmbeddedOptions {
  /** The data folder; absent: in memory (tests, benchmarks). */
  dataDir?: string | undefined;
  migrationsFolder: string;
  /** The build-time template (a folder or a .tar.gz); absent: defaultTemplatePath(migrationsFolder). */
  template?: string | undefined;
  logger?: Logger;
  /** Called with the folder's lock held when it holds no database yet (CoreOptions.onNewDataFolder). */
  onNewDataFolder?: (() => void) | undefined;
}

function pgliteClient(db: PGlite): SqlClient {
  // The PREPARE in flight or done, per name: concurrent first calls must share one PREPARE, or the
  // second fails with 'prepared statement already exists'.
  const prepared = new Map<string, Promise<void>>();
  return {
    kind: 'pglite',
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
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await db.query<T>(text, params as unknown[])).rows;
    },
    async exec(text: string) {
      await db.exec(text);
    },
  };
}

/** Postgres data dirs hold PG_VERSION; anything else non-empty is not ours to initialise over. */
function checkPgdata(pgdata: string): void {
  const names = readdirSync(pgdata);
  if (names.length > 0 && !names.includes('PG_VERSION')) {
    throw new CoreError(
      'DATA_DIR_UNUSABLE',
      `The folder ${pgdata} is not empty and is not an Entryflow database. Nothing was changed. ` +
        'Move it aside (or choose another data folder) and start again to create a fresh database.',
    );
  }
}

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

/**
 * Fills `target` (a new, empty folder) from the template: a folder is copied (what `npm run build`
 * ships), a .tar.gz is unpacked with node-tar. false when there is no template.
 */
async function copyTemplate(template: string, target: string): Promise<boolean> {
  if (!existsSync(template)) return false;
  if (statSync(template).isDirectory()) {
    if (!existsSync(join(template, 'PG_VERSION'))) throw new Error(`${template} holds no Postgres data folder`);
    // A copy-on-write clone where the file system can (APFS, Btrfs, XFS); a plain copy elsewhere.
    cpSync(template, target, { recursive: true, mode: constants.COPYFILE_FICLONE });
    completeCopy(target);
  } else {
    // PGlite's archives name members with a leading '/', which node-tar strips (an info-level warning);
    // any other warning means a damaged archive: fail loudly rather than open a half-unpacked folder.
    const problems: string[] = [];
    await extractTar({
      file: template,
      cwd: target,
      onwarn: (code, message) => {
        if (code !== 'TAR_ENTRY_INFO') problems.push(`${code}: ${message}`);
      },
    });
    if (problems.length > 0) throw new Error(`${template} is damaged (${problems.slice(0, 3).join('; ')})`);
    if (!existsSync(join(target, 'PG_VERSION'))) throw new Error(`${template} holds no Postgres data folder`);
    completeCopy(target);
  }
  return true;
}

/** Undoes what packaging a template needs: makes its folders again and gives trimmed files their size. */
function completeCopy(pgdata: string): void {
  const isRelative = (f: string) => !f.split('/').includes('..') && !f.startsWith('/');
  const list = join(pgdata, TEMPLATE_DIRS_FILE);
  if (existsSync(list)) {
    const folders: unknown = JSON.parse(readFileSync(list, 'utf8'));
    if (!Array.isArray(folders) || !folders.every((f): f is string => typeof f === 'string' && isRelative(f))) {
      throw new Error(`${list} is not a list of folders`);
    }
    for (const f of folders) mkdirSync(join(pgdata, ...f.split('/')), { recursive: true });
    unlinkSync(list);
  }
  const sizesFile = join(pgdata, TEMPLATE_SIZES_FILE);
  if (existsSync(sizesFile)) {
    const sizes: unknown = JSON.parse(readFileSync(sizesFile, 'utf8'));
    const entries = typeof sizes === 'object' && sizes !== null && !Array.isArray(sizes) ? Object.entries(sizes) : null;
    if (entries === null || !entries.every(([f, n]) => isRelative(f) && Number.isSafeInteger(n) && (n as number) >= 0)) {
      throw new Error(`${sizesFile} is not a list of file sizes`);
    }
    for (const [f, n] of entries) {
      const file = join(pgdata, ...f.split('/'));
      // Extending writes no data: the zeros read back from a hole (as with wal_init_zero = off).
      if (statSync(file).size > (n as number)) throw new Error(`${file} is longer than the template says`);
      truncateSync(file, n as number);
    }
    unlinkSync(sizesFile);
  }
}

/**
 * Makes `pgdata` atomically: everything is built in a pgdata.partial-* sibling and renamed into
 * place only when complete, so a first launch killed at any instant leaves either no pgdata (the
 * next start begins again) or a whole one — never a half-copied folder that looks damaged.
 */
async function createPgdata(dataDir: string, pgdata: string, template: string, logger: Logger): Promise<CreatedFrom> {
  const partial = join(dataDir, `${PARTIAL_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`);
  mkdirSync(partial);
  let from: CreatedFrom = 'initdb';
  try {
    if (await copyTemplate(template, partial)) from = 'template';
  } catch (err) {
    logger.warn('open: the database template could not be loaded; creating the database from scratch', { path: template, error: errorMessage(err) });
    rmSync(partial, { recursive: true, force: true });
    mkdirSync(partial);
  }
  if (from === 'initdb') {
    // initdb writes into the partial folder; closing checkpoints it, so the reopen replays nothing.
    const db = await PGlite.create({ dataDir: partial, extensions: PGLITE_EXTENSIONS, startParams: pgliteStartParams() });
    await db.close();
  }
  // An empty pgdata (left by an older version that made it before filling it) is replaced.
  if (existsSync(pgdata)) rmSync(pgdata, { recursive: true });
  renameSync(partial, pgdata);
  return from;
}

export async function openEmbedded(options: EmbeddedOptions): Promise<Driver> {
  const logger = options.logger ?? silentLogger;
  const { dataDir, migrationsFolder } = options;
  if (dataDir === undefined) {
    const db = await PGlite.create({ extensions: PGLITE_EXTENSIONS, startParams: pgliteStartParams() });
    await migrateOnOpen(db, 'memory', migrationsFolder);
    return driverFor(db, null, undefined, 'initdb');
  }
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (err) {
    throw new CoreError('DATA_DIR_UNUSABLE', `Cannot create the data folder ${dataDir}: ${errorMessage(err)}`, { cause: err });
  }
  const lock = acquireDataDirLock(dataDir);
  try {
    return await openInFolder(resolve(dataDir), lock, migrationsFolder, options.template ?? defaultTemplatePath(migrationsFolder), logger, options.onNewDataFolder);
  } catch (err) {
    lock.release();
    throw err;
  }
}

async function openInFolder(
  dataDir: string,
  lock: DataDirLock,
  migrationsFolder: string,
  template: string,
  logger: Logger,
  onNewDataFolder: (() => void) | undefined,
): Promise<Driver> {
  const pgdata = join(dataDir, PGDATA_DIR);
  const stderr: string[] = [];
  const onStderr = (line: string): boolean => {
    const m = /\b(PANIC|FATAL|ERROR):\s+(.*)$/.exec(line);
    if (m) stderr.splice(0, stderr.length - STDERR_KEPT + 1, `${m[1]}: ${m[2]}`);
    return false;
  };
  let saved: Map<string, Buffer | null> = new Map();
  let createdFrom: CreatedFrom = 'existing';
  let db: PGlite;
  try {
    // We hold the folder: any partial folder is a first launch that was killed; start it again.
    for (const name of readdirSync(dataDir)) {
      if (name.startsWith(PARTIAL_PREFIX)) rmSync(join(dataDir, name), { recursive: true, force: true });
    }
    if (existsSync(pgdata)) checkPgdata(pgdata);
    if (!existsSync(pgdata) || readdirSync(pgdata).length === 0) {
      // A listener's failure must not fail the open: it only loses an early answer.
      try {
        onNewDataFolder?.();
      } catch (err) {
        logger.warn('open: the new-data-folder listener threw', { error: errorMessage(err) });
      }
      createdFrom = await createPgdata(dataDir, pgdata, template, logger);
    }
    saved = snapshot(startFiles(pgdata));
    db = await PGlite.create({ dataDir: pgdata, onStderr, extensions: PGLITE_EXTENSIONS, startParams: pgliteStartParams() });
  } catch (err) {
    if (err instanceof CoreError) throw err;
    restore(saved);
    throw unusable(dataDir, pgdata, [errorMessage(err).replace(/[.\s]+$/, ''), ...stderr].join('; '), err);
  }
  await migrateOnOpen(db, pgdata, migrationsFolder);
  return driverFor(db, lock, dataDir, createdFrom);
}

/**
 * The error for a folder PGlite cannot open (`opened` false: nothing in it was changed), or whose
 * data turned out damaged once open (`opened` true: Postgres may have replayed or checkpointed).
 */
export function unusable(dataDir: string, pgdata: string, why: string, cause: unknown, opened = false): CoreError {
  const halfMade = !existsSync(join(dataDir, READY_MARKER));
  return new CoreError(
    'DATA_DIR_UNUSABLE',
    (opened
      ? `The database in ${pgdata} opened, but reading it failed (${why}): part of it is damaged. `
      : `The database in ${pgdata} could not be opened (${why}). Nothing was changed. `) +
      (halfMade ? 'It was never fully created (Entryflow was probably stopped during its first start), so it most likely holds no entries. ' : '') +
      'Move the folder aside (or delete it if it holds nothing you need) and start again to create a fresh one; the old folder keeps any data for recovery.',
    { cause },
  );
}

/**
 * Every migration is applied before the driver is returned, so before any store statement. No
 * ANALYZE here: planner statistics live in the database (the template has them, and maintenance
 * refreshes them), so the core gathers fresh ones after its first answer (index.ts, afterOpen).
 */
async function migrateOnOpen(db: PGlite, where: string, migrationsFolder: string): Promise<void> {
  try {
    // The pglite client's EXECUTE literals rely on it (sql-client.ts).
    const [scs] = (await db.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings')).rows;
    if (scs?.standard_conforming_strings !== 'on') throw new Error('standard_conforming_strings must be on');
    await applyMigrations(db, migrationsFolder);
  } catch (err) {
    await db.close().catch(() => undefined);
    throw new CoreError('MIGRATION_FAILED', `Upgrading the database in ${where} failed: ${errorMessage(err)}`, { cause: err });
  }
}

function driverFor(db: PGlite, lock: DataDirLock | null, dataDir: string | undefined, createdFrom: CreatedFrom): Driver {
  let closing: Promise<void> | null = null;
  return {
    name: 'embedded',
    // One process per folder (the lock); in memory, one process by construction.
    capabilities: { exclusive: true, vacuumsItself: false, listen: false, oneConnection: true },
    sql: pgliteClient(db),
    createdFrom,
    location: dataDir ?? 'memory',
    listen: null,
    markReady() {
      if (dataDir !== undefined && !existsSync(join(dataDir, READY_MARKER))) writeFileSync(join(dataDir, READY_MARKER), `${new Date().toISOString()}\n`);
    },
    setWorkers() {
      /* one connection, one statement at a time, however many loops */
    },
    close() {
      closing ??= (async () => {
        try {
          // close() checkpoints; skipping it has corrupted data dirs.
          if (!db.closed) await db.close();
        } finally {
          lock?.release();
        }
      })();
      return closing;
    },
  };
}
