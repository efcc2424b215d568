/**
 * Every tunable of the core, with its default and the reason for it. Intervals are in ms.
 */
import type { Stage } from './pipeline';
import type { Logger } from './logger';
import type { ServerTimeouts } from './drivers/server';

export const DEFAULTS = {
  workers: 4,
  /** The built-in demo stage waits this long, so a person can watch an entry move. */
  stageDelayMs: 2000,
  /** A lock older than this is presumed dead and the entry may be claimed again. */
  lockTimeoutMs: 2 * 60_000,
  /** An idle loop looks for work at least this often even when nothing wakes it. */
  idlePollMs: 1000,
  maxAttempts: 3,
  /**
   * Entries one loop claims per statement. 'auto' (claim-size.ts) claims one at a time while stages
   * are slow, so `workers` = stages in flight, and up to a ceiling (64 on a server, 512 on PGlite:
   * claim-size.ts) while quick stages meet a backlog; a number fixes it.
   */
  batchSize: 'auto' as number | 'auto',
  /** First retry delay; doubles per attempt, with jitter, up to `backoffMaxMs`. */
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  /** How long `close()` waits for in-flight stages before aborting them and releasing their locks. */
  shutdownGraceMs: 5000,
  /**
   * A stage still running after this long fails (its signal aborts) as an attempt, so a hung
   * handler cannot hold its entry, its batch and its loop forever. Far above the demo's 2 s stage.
   */
  stageTimeoutMs: 60_000,
  /**
   * The longest the work deferred past an open (planner statistics, the first maintenance round)
   * waits for the first entries:list; a core nobody lists from (the CLI, a worker) still gets it.
   */
  afterOpenWaitMs: 2000,
} as const;

/**
 * Time as the core reads it; tests pass their own to step the wall clock (sleep, NTP) without
 * waiting. The two clocks differ on purpose: wall time jumps with clock steps and includes a
 * laptop's sleep, monotonic time never steps and (on Linux and macOS) stops while asleep.
 */
export interface Clock {
  now(): number;
  monotonic(): number;
}

export const systemClock: Clock = { now: () => Date.now(), monotonic: () => performance.now() };

export interface CoreOptions {
  /** Folder holding the embedded database and its lock file. Absent (and no databaseUrl) = in-memory. */
  dataDir?: string;
  /** postgres:// URL of a shared PostgreSQL server, instead of the embedded database. */
  databaseUrl?: string;
  /**
   * Shared server only: the schema holding Entryflow's tables (created if absent, first on the search
   * path, and home of the migration journal). Absent: the URL's search_path, normally `public`.
   */
  schema?: string;
  /** Worker loops in this process; 0 opens the API without a pool. */
  workers?: number;
  stageDelayMs?: number;
  lockTimeoutMs?: number;
  idlePollMs?: number;
  maxAttempts?: number;
  batchSize?: number | 'auto';
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  shutdownGraceMs?: number;
  stageTimeoutMs?: number;
  afterOpenWaitMs?: number;
  /** Replaces the built-in demo pipeline (1 to 3 stages). */
  pipeline?: Stage[];
  /** Folder with drizzle's migrations; found next to the code when absent. */
  migrationsFolder?: string;
  /**
   * Embedded only: the first-launch template (scripts/make-template.ts), a migrated PGlite data
   * folder copied into a brand-new data folder instead of running initdb (a .tar.gz of one is read
   * too). Absent: `resources/pgdata-template/` beside the migrations folder (defaultTemplatePath in
   * drivers/embedded.ts); when that is missing too, initdb runs.
   */
  template?: string;
  logger?: Logger;
  clock?: Clock;
  /**
   * Asked by entries:export for the destination file (the app: a save dialog in main; the CLI: its
   * --out). Absent: entries:export answers UNAVAILABLE.
   */
  chooseExportPath?: (format: 'csv' | 'json') => Promise<string | null>;
  /**
   * Embedded only: called once this process holds the data folder's lock and found no database in
   * it, before making one. From then until the core opens, the folder is known to hold no entries
   * (only this core could add one), so main can answer a first launch's list at once (pending-core.ts).
   */
  onNewDataFolder?: () => void;
  /** Shared server only: connect, statement, reply and close bounds (drivers/server.ts); tests shorten them. */
  timeouts?: Partial<ServerTimeouts>;
}

export type ResolvedOptions = Required<Omit<CoreOptions, 'dataDir' | 'databaseUrl' | 'schema' | 'pipeline' | 'logger' | 'template' | 'clock' | 'timeouts' | 'chooseExportPath' | 'onNewDataFolder'>> &
  Pick<CoreOptions, 'dataDir' | 'databaseUrl' | 'schema' | 'template' | 'timeouts' | 'chooseExportPath' | 'onNewDataFolder'> & {
    pipeline: Stage[];
    logger: Logger;
    clock: Clock;
    /** Settings the operator can change while the core runs, read live by the demo pipeline. */
    live: { stageDelayMs: number };
  };
