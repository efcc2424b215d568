/**
 * Every tunable of the core, with its default and the reason for it. Intervals are in ms.
 */
import type { Stage } from './pipeline';
import type { Logger } from './logger';

export const DEFAULTS = {
  workers: 4,
  /** The built-in demo stage waits this long, so a person can watch an entry move. */
  stageDelayMs: 2000,
  /** A lock older than this is presumed dead and the entry may be claimed again. */
  lockTimeoutMs: 2 * 60_000,
  /** An idle loop looks for work at least this often even when nothing wakes it. */
  idlePollMs: 1000,
  maxAttempts: 3,
  /** Entries one loop claims per statement. 1 keeps `workers` = stages in flight; raise it for throughput. */
  batchSize: 1,
  /** First retry delay; doubles per attempt, with jitter, up to `backoffMaxMs`. */
  backoffBaseMs: 1000,
  backoffMaxMs: 60_000,
  /** How long `close()` waits for in-flight stages before aborting them and releasing their locks. */
  shutdownGraceMs: 5000,
} as const;

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
  batchSize?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  shutdownGraceMs?: number;
  /** Replaces the built-in demo pipeline (1 to 3 stages). */
  pipeline?: Stage[];
  /** Folder with drizzle's migrations; found next to the code when absent. */
  migrationsFolder?: string;
  /**
   * Embedded only: a gzipped PGlite data dir (scripts/make-template.ts) unpacked into a brand-new data
   * folder instead of running initdb. Absent: `resources/pgdata-template/` beside the migrations
   * folder's parent; when that file is missing too, initdb runs as before.
   */
  templateArchive?: string;
  logger?: Logger;
}

export type ResolvedOptions = Required<Omit<CoreOptions, 'dataDir' | 'databaseUrl' | 'schema' | 'pipeline' | 'logger' | 'templateArchive'>> &
  Pick<CoreOptions, 'dataDir' | 'databaseUrl' | 'schema' | 'templateArchive'> & { pipeline: Stage[]; logger: Logger };
