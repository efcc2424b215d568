/**
 * Test helpers: a fresh database per test on either driver (a copy of the migrated template for the
 * embedded one, a fresh schema on the server), cores that are always closed after the test, and
 * waiting on conditions instead of fixed sleeps.
 *
 * The driver matrix follows River's riverdrivertest: one exercise suite, run against every driver.
 * `describeEachDriver(name, (driver) => …)` registers the body once per driver, and
 * `openDriverCore(driver, options)` opens a core on a fresh database of that driver.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, inject } from 'vitest';
import { openCore, type Clock, type Core, type CoreOptions } from '../../src/main/core/index';
import type { Entry, EntryPage, Status } from '../../src/shared/contract';
// Imported before this module's own hooks are registered, so shared-pg's afterEach (kill children,
// drop schemas) comes first in registration order and — with vitest's default 'stack' hook order —
// runs after ours: cores are closed before their schemas are dropped.
import { DATABASE_URL, adminClient, describeShared, freshSchema } from './shared-pg';

const dirs: string[] = [];
const cores = new Set<Core>();

/** Fast settings for tests: no pool unless asked, no demo delay, quick idle polls and backoff. */
const TEST_DEFAULTS: CoreOptions = { workers: 0, stageDelayMs: 0, idlePollMs: 50, backoffBaseMs: 10 };

/** A new data dir holding a migrated, empty database. */
export function freshDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'entryflow-test-'));
  dirs.push(root);
  const dir = join(root, 'data');
  cpSync(inject('templateDataDir'), dir, { recursive: true });
  return dir;
}

/** Opens an embedded core on a fresh copy (unless dataDir is given); closed automatically after the test. */
export async function openTestCore(options: CoreOptions = {}): Promise<Core & { dataDir: string }> {
  const dataDir = options.dataDir ?? freshDataDir();
  const core = await openCore({ ...TEST_DEFAULTS, ...options, dataDir });
  track(core);
  return Object.assign(core, { dataDir });
}

/** The drivers every store and queue suite runs against. */
export const DRIVERS = ['embedded', 'server'] as const;
export type DriverName = (typeof DRIVERS)[number];

/**
 * `describe(name [driver])` once per driver. The server variant needs TEST_DATABASE_URL; without it,
 * it is skipped and says so loudly (as describeShared does).
 */
export function describeEachDriver(name: string, body: (driver: DriverName) => void): void {
  for (const driver of DRIVERS) {
    const d = driver === 'server' ? describeShared(`${name} [server]`) : describe;
    d(`${name} [${driver}]`, () => body(driver));
  }
}

export type DriverCore = Core & {
  readonly driver: DriverName;
  /** Embedded: the data folder. Server: the schema. */
  readonly where: string;
  /**
   * Opens another core on the same database: the same data folder (close this one first: the folder
   * lock) or the same schema (any number at once, like processes sharing a server).
   */
  reopen(options?: CoreOptions): Promise<DriverCore>;
  /** The database's clock (ms), the one its timestamps (locked_at, event times) are taken from. */
  dbNow(): Promise<number>;
};

/**
 * Opens a core on a fresh database of `driver` (or on `options.dataDir` / `options.schema`); closed
 * automatically after the test. On the server a fresh schema is dropped after the test.
 * `options.databaseUrl` replaces TEST_DATABASE_URL (e.g. to add connection options).
 */
export async function openDriverCore(driver: DriverName, options: CoreOptions = {}): Promise<DriverCore> {
  if (driver === 'embedded') {
    const core = await openTestCore(options);
    return Object.assign(core, {
      driver,
      where: core.dataDir,
      reopen: (more: CoreOptions = {}) => openDriverCore(driver, { ...more, dataDir: core.dataDir }),
      // PGlite runs in this process and reads its clock: now() is this process's wall clock.
      dbNow: () => Promise.resolve(Date.now()),
    });
  }
  if (!DATABASE_URL) throw new Error('the server driver needs TEST_DATABASE_URL (describeEachDriver skips it when unset)');
  const databaseUrl = options.databaseUrl ?? DATABASE_URL;
  const schema = options.schema ?? freshSchema();
  const core = track(await openCore({ ...TEST_DEFAULTS, ...options, databaseUrl, schema }));
  return Object.assign(core, {
    driver,
    where: schema,
    reopen: (more: CoreOptions = {}) => openDriverCore(driver, { ...more, databaseUrl, schema }),
    dbNow: async () => {
      const admin = await adminClient();
      const { rows } = await admin.query<{ t: Date }>('SELECT clock_timestamp() AS t');
      return (rows[0] as { t: Date }).t.getTime();
    },
  });
}

/** Waits until the database's clock is past `ms` (a DB timestamp in ms). */
export async function waitForDbTime(core: DriverCore, ms: number, what: string): Promise<void> {
  await waitFor(async () => (await core.dbNow()) > ms || undefined, `the database clock to pass ${what}`);
}

/**
 * Wall time as usual, monotonic time frozen: maintenance's schedules (which run on monotonic time)
 * never come due, so nothing rescues or takes over locks but the test's own store calls. For cores
 * without workers: a worker's lease reads this clock too.
 */
export const frozenMonotonicClock: Clock = { now: () => Date.now(), monotonic: () => 0 };

export function track<T extends Core>(core: T): T {
  cores.add(core);
  const close = core.close.bind(core);
  core.close = (options?: { graceMs?: number }) => {
    cores.delete(core);
    return close(options);
  };
  return core;
}

afterEach(async () => {
  const open = [...cores];
  cores.clear();
  await Promise.all(open.map((c) => c.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** Every entry, walking all pages. */
export async function allEntries(core: Core, status?: Status): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: EntryPage = await ok(core.invoke('entries:list', { limit: 200, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) }));
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}
