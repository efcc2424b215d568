/**
 * Headless worker: runs worker loops against a shared PostgreSQL server (or an embedded data dir)
 * without the desktop app. One log line per transition on stdout. SIGINT/SIGTERM stop it gracefully:
 * stop claiming, finish (or, past the grace period, release) what is in flight, exit 0.
 *
 *   npm run worker -- --database-url postgres://… --workers 8 --stage-delay 2000
 *
 * Product, not a script: `npm run build` bundles it to out/cli/worker.js, which plain `node` runs
 * (`npm run worker` builds it, then runs that). It reaches the core only through its index.
 */
import { parseArgs } from 'node:util';
import { LOG_LEVELS, openCore, streamLogger, type Core, type LogLevel } from '../main/core/index';
import { errorMessage } from '../shared/error-message';
import { UsageError, intFlag, resolveTarget } from './target';

const USAGE = `Usage: npm run worker -- (--database-url URL | --data-dir DIR) [options]
   or: node out/cli/worker.js (--database-url URL | --data-dir DIR) [options]

  --database-url URL   shared PostgreSQL server (or env ENTRYFLOW_DATABASE_URL)
  --data-dir DIR       embedded database folder (or env ENTRYFLOW_DATA_DIR)
  --schema NAME        schema on the server (default: the URL's search_path, normally public)
  --workers N          worker loops in this process (default 4)
  --stage-delay MS     how long each demo stage takes (default 2000)
  --batch-size N|auto  entries one loop claims at a time (default auto: one while stages are slow,
                       growing to 64 while quick stages meet a backlog)
  --lock-timeout MS    shared server: a lock without a heartbeat this long may be taken over (default 120000)
  --stage-timeout MS   a stage running longer fails as an attempt and its signal aborts (default 60000)
  --max-attempts N     attempts per stage before an entry is FAILED (default 3)
  --idle-poll MS       idle loops look for work at least this often (default 1000)
  --shutdown-grace MS  on SIGINT/SIGTERM, wait this long for in-flight stages (default 5000)
  --log-level LEVEL    debug | info | warn | error (default info)
  --help               this text
`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      schema: { type: 'string' },
      workers: { type: 'string' },
      'stage-delay': { type: 'string' },
      'batch-size': { type: 'string' },
      'lock-timeout': { type: 'string' },
      'stage-timeout': { type: 'string' },
      'max-attempts': { type: 'string' },
      'idle-poll': { type: 'string' },
      'shutdown-grace': { type: 'string' },
      'log-level': { type: 'string', default: 'info' },
      help: { type: 'boolean', default: false },
    },
    strict: true,
    allowPositionals: false,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const level = values['log-level'];
  if (!(LOG_LEVELS as readonly string[]).includes(level)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}`);
  const logger = streamLogger(level as LogLevel, (line) => process.stdout.write(line));
  const target = resolveTarget(values);

  const core: Core = await openCore({
    ...target,
    workers: intFlag('workers', values.workers) ?? 4,
    stageDelayMs: intFlag('stage-delay', values['stage-delay']),
    batchSize: values['batch-size'] === 'auto' ? 'auto' : intFlag('batch-size', values['batch-size']),
    lockTimeoutMs: intFlag('lock-timeout', values['lock-timeout']),
    stageTimeoutMs: intFlag('stage-timeout', values['stage-timeout']),
    maxAttempts: intFlag('max-attempts', values['max-attempts']),
    idlePollMs: intFlag('idle-poll', values['idle-poll']),
    shutdownGraceMs: intFlag('shutdown-grace', values['shutdown-grace']),
    logger,
  });
  core.events.on('transition', ({ workerId, entry }) =>
    logger.info('transition', { worker: workerId, entry: entry.id, status: entry.status, progress: entry.progress, ...(entry.error ? { error: entry.error } : {}) }),
  );
  logger.info('worker ready', { pid: process.pid, workers: core.workerIds.length, mode: core.mode });

  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });
  logger.info('stopping: finishing in-flight stages', { signal });
  // A second signal while draining means "now": the locks expire and another worker takes over.
  const force = () => {
    logger.warn('stopping now; unfinished entries are picked up after the lock timeout');
    process.exit(130);
  };
  process.once('SIGINT', force);
  process.once('SIGTERM', force);
  await core.close();
  logger.info('stopped');
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      process.stderr.write(`error: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    const code = typeof err === 'object' && err !== null && 'code' in err ? `${String(err.code)}: ` : '';
    process.stderr.write(`error: ${code}${errorMessage(err)}\n`);
    process.exit(1);
  },
);
