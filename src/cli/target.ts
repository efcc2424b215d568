/**
 * Where the headless worker and the CLI find the queue: a shared server (--database-url, or
 * ENTRYFLOW_DATABASE_URL) or an embedded data dir (--data-dir, or ENTRYFLOW_DATA_DIR). Flags win
 * over the environment; giving both kinds is a mistake we report rather than guess about.
 */
export interface Target {
  databaseUrl?: string;
  dataDir?: string;
  schema?: string;
}

export function resolveTarget(
  flags: { 'database-url'?: string | undefined; 'data-dir'?: string | undefined; schema?: string | undefined },
  env: NodeJS.ProcessEnv = process.env,
): Target {
  const url = flags['database-url'] ?? (flags['data-dir'] === undefined ? env.ENTRYFLOW_DATABASE_URL : undefined);
  const dir = flags['data-dir'] ?? (flags['database-url'] === undefined ? env.ENTRYFLOW_DATA_DIR : undefined);
  if (url !== undefined && url !== '' && dir !== undefined && dir !== '') {
    throw new UsageError('give either --database-url or --data-dir, not both');
  }
  const schema = flags.schema ?? env.ENTRYFLOW_SCHEMA;
  if (url) return { databaseUrl: url, ...(schema ? { schema } : {}) };
  if (schema) throw new UsageError('--schema applies to --database-url only');
  if (dir) return { dataDir: dir };
  throw new UsageError('say where the queue is: --database-url URL or --data-dir DIR (or ENTRYFLOW_DATABASE_URL / ENTRYFLOW_DATA_DIR)');
}

/** A mistake in the command line: printed with the usage hint, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export function intFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`--${name} must be a whole number, got ${JSON.stringify(value)}`);
  return Number(value);
}
