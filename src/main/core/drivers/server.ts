/**
 * The server driver: a node-postgres pool on a PostgreSQL server that any number of Entryflow
 * processes share. Migrations run under a per-schema advisory lock; a dedicated connection LISTENs
 * for other processes' wake-ups (listener.ts).
 *
 * Every connection is bounded in time, so a network partition fails calls instead of hanging them
 * (and `close()` with them): a connect timeout, TCP keepalive, a server-side statement timeout, a
 * client-side read timeout, and an idle-in-transaction timeout.
 */
import pg from 'pg';
import { CoreError, errorMessage } from '../errors';
import { checkSchemaName, quoteIdent, type SqlClient } from '../sql-client';
import type { Driver } from './driver';
import { applyMigrations } from './migrate';

/** Prefix of the advisory-lock key (hashed with the schema name); all Entryflow processes agree on it. */
const MIGRATION_LOCK_PREFIX = 'entryflow:migrate:';
/** Channel of the cross-process wake-up for the `public` schema; other schemas get a suffix. */
export const WAKEUP_CHANNEL = 'entryflow_wakeup';

export const CONNECT_TIMEOUT_MS = 10_000;
/** The store's statements take milliseconds; one that runs a minute is stuck behind something. */
export const STATEMENT_TIMEOUT_MS = 60_000;
/** Client side: a reply that never comes (a partition the kernel has not noticed yet). */
export const QUERY_TIMEOUT_MS = STATEMENT_TIMEOUT_MS + 15_000;
export const KEEPALIVE_DELAY_MS = 10_000;
const IDLE_IN_TRANSACTION_TIMEOUT_MS = 60_000;
/** close() gives up waiting for the pool after this; the server drops the connections itself. */
const CLOSE_TIMEOUT_MS = 5_000;

/** The bounds above, one object so tests can shorten them and watch a partition end in seconds. */
export interface ServerTimeouts {
  connectMs: number;
  statementMs: number;
  queryMs: number;
  closeMs: number;
}
export const SERVER_TIMEOUTS: Readonly<ServerTimeouts> = {
  connectMs: CONNECT_TIMEOUT_MS,
  statementMs: STATEMENT_TIMEOUT_MS,
  queryMs: QUERY_TIMEOUT_MS,
  closeMs: CLOSE_TIMEOUT_MS,
};

export interface ServerOptions {
  databaseUrl: string;
  migrationsFolder: string;
  /** Worker loops at the start; the pool holds a connection for each and CONNECTIONS_BESIDE_WORKERS more. */
  workers: number;
  /** The schema holding the tables (created if absent); absent: the URL's search_path or `public`. */
  schema?: string | undefined;
  /** Absent: SERVER_TIMEOUTS. */
  timeouts?: Partial<ServerTimeouts> | undefined;
}

/** `-c search_path=x` (or `--search_path=x`) in a libpq `options` string. */
function searchPathIn(options: string): string | undefined {
  const m = /(?:^|\s)(?:-c\s*|--)search_path\s*=\s*(\S+)/.exec(options);
  return m?.[1]?.replace(/\\,/g, ',');
}

/**
 * The connection settings: the URL's own, plus the timeouts above and, with `schema`, the search
 * path. The URL's `options` are kept; a search_path there that disagrees with `schema` is refused:
 * the advisory lock and the migrations would otherwise target different schemas.
 */
export function connectionConfig(databaseUrl: string, schema: string | undefined): pg.ClientConfig {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new CoreError('INVALID_INPUT', 'The database URL is not a URL; expected postgres://user@host:port/database.');
  }
  const urlOptions = url.searchParams.get('options') ?? '';
  url.searchParams.delete('options');
  const options = [urlOptions];
  if (schema !== undefined) {
    checkSchemaName(schema);
    const fromUrl = searchPathIn(urlOptions);
    if (fromUrl !== undefined && fromUrl !== schema) {
      throw new CoreError(
        'INVALID_INPUT',
        `The database URL sets search_path=${fromUrl} but the schema option says ${schema}. Give the schema one way only (drop one of the two).`,
      );
    }
    if (fromUrl === undefined) options.push(`-c search_path=${schema}`);
  }
  options.push(`-c idle_in_transaction_session_timeout=${IDLE_IN_TRANSACTION_TIMEOUT_MS}`);
  return {
    connectionString: url.toString(),
    options: options.filter((o) => o !== '').join(' '),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
    keepAliveInitialDelayMillis: KEEPALIVE_DELAY_MS,
  };
}

function pgClient(pool: pg.Pool): SqlClient {
  return {
    kind: 'postgres',
    // node-postgres prepares a named statement once per connection and reuses it.
    async prepared<T extends object>(name: string, text: string, _types: readonly string[], params: readonly unknown[]) {
      return (await pool.query<T & pg.QueryResultRow>({ name, text, values: params as unknown[] })).rows;
    },
    async query<T extends object>(text: string, params: readonly unknown[] = []) {
      return (await pool.query<T & pg.QueryResultRow>(text, params as unknown[])).rows;
    },
    async exec(text: string) {
      await pool.query(text);
    },
  };
}

/**
 * Connections beyond one per worker loop: the API's calls (list, counts, bulk), heartbeats of
 * long stages and maintenance, so they do not queue behind a busy pool's claims.
 */
export const CONNECTIONS_BESIDE_WORKERS = 4;

export async function openServer(options: ServerOptions): Promise<Driver> {
  const { schema } = options;
  const timeouts: ServerTimeouts = { ...SERVER_TIMEOUTS, ...options.timeouts };
  const config = { ...connectionConfig(options.databaseUrl, schema), connectionTimeoutMillis: timeouts.connectMs };
  const pool = new pg.Pool({
    ...config,
    max: options.workers + CONNECTIONS_BESIDE_WORKERS,
    statement_timeout: timeouts.statementMs,
    query_timeout: timeouts.queryMs,
  });
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
    // A big upgrade may take longer than a store statement may; this connection is discarded after.
    await client.query('SET statement_timeout = 0');
    const wanted = schema ?? (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
    // Session-level lock, keyed per schema: processes starting at once on one schema take turns.
    await client.query('SELECT pg_advisory_lock(hashtextextended($1, 0))', [MIGRATION_LOCK_PREFIX + wanted]);
    try {
      if (schema !== undefined) await client.query(`CREATE SCHEMA IF NOT EXISTS ${quoteIdent(schema)}`);
      target = (await client.query<{ s: string | null }>('SELECT current_schema() AS s')).rows[0]?.s ?? 'public';
      await applyMigrations(client, options.migrationsFolder, target);
    } finally {
      await client.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [MIGRATION_LOCK_PREFIX + wanted]);
    }
  } catch (err) {
    client.release(true);
    await pool.end().catch(() => undefined);
    throw new CoreError('MIGRATION_FAILED', `Upgrading the shared database failed: ${errorMessage(err)}`, { cause: err });
  }
  client.release(true);
  const url = new URL(options.databaseUrl);
  let closing: Promise<void> | null = null;
  return {
    name: 'server',
    capabilities: { exclusive: false, vacuumsItself: true, listen: true, oneConnection: false },
    sql: pgClient(pool),
    createdFrom: 'existing',
    location: `${url.hostname}:${url.port || '5432'}${url.pathname}${target === 'public' ? '' : ` (schema ${target})`}`,
    // Channel names are identifiers: at most 63 bytes.
    listen: { config, channel: (target === 'public' ? WAKEUP_CHANNEL : `${WAKEUP_CHANNEL}:${target}`).slice(0, 63) },
    markReady() {
      /* a server has no folder to mark */
    },
    // pg-pool reads `max` whenever it decides whether to open another connection, so a raise takes
    // effect at the next statement and a cut as connections are released (idle ones close after
    // idleTimeoutMillis). Without this, loops added live queued for the start's connections.
    setWorkers(workers) {
      pool.options.max = workers + CONNECTIONS_BESIDE_WORKERS;
    },
    close() {
      closing ??= (async () => {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          pool.end().catch(() => undefined),
          new Promise<void>((r) => {
            timer = setTimeout(r, timeouts.closeMs);
          }),
        ]);
        clearTimeout(timer);
      })();
      return closing;
    },
  };
}
