/**
 * The main-process core, runnable in plain Node (nothing here imports electron).
 *
 * Boot: open a driver (embedded: lock the data folder, open and migrate PGlite; server: pool and
 * advisory-locked migrations) → release locks left by an earlier run when the driver owns its data
 * exclusively → start the listener and the worker pool. What can wait, waits until the core has
 * answered its first entries:list (the window's first data) or afterOpenWaitMs, whichever is
 * first: fresh planner statistics (embedded) and the first maintenance round (`afterOpen`).
 * `invoke` is what Electron's IPC handlers, the CLI and the tests call; `close` stops the pool in
 * two phases and closes the driver.
 */
import { randomBytes } from 'node:crypto';
import type { Writable } from 'node:stream';
import { exportRequest, type Channel, type Envelope, type RequestOf, type ResponseOf } from '../../shared/contract';
import { writeEntries } from './export';
import { createApi } from './api';
import { AUTO_BATCH_MAX, AUTO_BATCH_MAX_ONE_CONNECTION } from './claim-size';
import type { CreatedFrom, Driver } from './drivers/driver';
import { openEmbedded, unusable, PGDATA_DIR } from './drivers/embedded';
import { findMigrationsFolder } from './drivers/migrations';
import { openServer } from './drivers/server';
import { CoreError, classifyDbError, errorMessage } from './errors';
import { createEmitter, type CoreEventEmitter } from './events';
import { silentLogger } from './logger';
import { WakeupListener } from './listener';
import { Maintenance } from './maintenance';
import { DEFAULTS, systemClock, type CoreOptions, type ResolvedOptions } from './options';
import { demoPipeline, stepsFor } from './pipeline';
import { WorkerPool } from './pool';
import { QueueControl } from './queue-control';
import { checkSchemaName } from './sql-client';
import { createStore, type Store } from './store';
import { Waker } from './waker';
import { join } from 'node:path';
import { CLOSED_MESSAGE, SHUTTING_DOWN_MESSAGE } from '../../shared/core-messages';

export { CoreError } from './errors';
export type { CoreOptions, Clock } from './options';
export { DEFAULTS } from './options';
export type { Stage, StageContext } from './pipeline';
export type { Logger, LogLevel } from './logger';
export { LOG_LEVELS, streamLogger } from './logger';
export type { CoreEventMap } from './events';
export type { CreatedFrom, DriverCapabilities } from './drivers/driver';

export interface Core {
  /** Typed call for in-process callers. */
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /** What IPC passes on unchanged: anything, answered with an envelope. */
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  /** Stops the pool (in-flight stages get `graceMs`, default shutdownGraceMs, then abort and release) and closes the database. */
  close(options?: { graceMs?: number }): Promise<void>;
  readonly events: CoreEventEmitter;
  readonly mode: 'embedded' | 'shared';
  /** What the driver under this core can do (tests and the CLI report it). */
  readonly capabilities: Driver['capabilities'];
  /** How the embedded database came to be on this open: 'template', 'initdb' or 'existing' (a shared server: 'existing'). */
  readonly createdFrom: CreatedFrom;
  /** The pool's loops as they are now (the operator may resize it). */
  readonly workerIds: string[];
  /** For tests and benchmarks: the store the workers use, and a forced maintenance round. */
  readonly store: Store;
  runMaintenance(): Promise<void>;
  /**
   * Settles once the work deferred past the first answer has run (ANALYZE on the embedded engine,
   * then maintenance starts), or been skipped by a close. Never rejects.
   */
  readonly afterOpen: Promise<void>;
  /**
   * Streams the entries a filter matches to `out` (the CLI's stdout), as entries:export does to a
   * file; validated like a call. Resolves with the count; does not end `out`.
   */
  exportTo(out: Writable, request: RequestOf<'entries:export'>): Promise<{ count: number }>;
}

function positiveInt(name: string, value: number, min: number): number {
  if (!Number.isInteger(value) || value < min) throw new RangeError(`${name} must be an integer ≥ ${min}, got ${value}`);
  return value;
}

export function resolveOptions(options: CoreOptions): ResolvedOptions {
  const o = { ...DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedOptions &
    CoreOptions;
  positiveInt('workers', o.workers, 0);
  positiveInt('stageDelayMs', o.stageDelayMs, 0);
  positiveInt('lockTimeoutMs', o.lockTimeoutMs, 1);
  positiveInt('idlePollMs', o.idlePollMs, 1);
  positiveInt('maxAttempts', o.maxAttempts, 1);
  if (o.batchSize !== 'auto') positiveInt('batchSize', o.batchSize, 1);
  positiveInt('backoffBaseMs', o.backoffBaseMs, 0);
  positiveInt('backoffMaxMs', o.backoffMaxMs, 0);
  positiveInt('shutdownGraceMs', o.shutdownGraceMs, 0);
  positiveInt('stageTimeoutMs', o.stageTimeoutMs, 1);
  positiveInt('afterOpenWaitMs', o.afterOpenWaitMs, 0);
  if (o.schema !== undefined) {
    if (o.databaseUrl === undefined) throw new RangeError('schema applies to a shared server only; pass databaseUrl too');
    checkSchemaName(o.schema);
  }
  // The operator may change the delay while the app runs (queue-control.ts): the demo reads it live.
  const live = { stageDelayMs: o.stageDelayMs };
  const pipeline = options.pipeline ?? demoPipeline(() => live.stageDelayMs);
  stepsFor(pipeline.length);
  return {
    ...o,
    live,
    pipeline,
    logger: options.logger ?? silentLogger,
    clock: options.clock ?? systemClock,
    migrationsFolder: options.migrationsFolder ?? findMigrationsFolder(),
  };
}

export async function openCore(options: CoreOptions = {}): Promise<Core> {
  const opts = resolveOptions(options);
  const driver =
    opts.databaseUrl !== undefined
      ? await openServer({ databaseUrl: opts.databaseUrl, migrationsFolder: opts.migrationsFolder, workers: opts.workers, schema: opts.schema, timeouts: opts.timeouts })
      : await openEmbedded({ dataDir: opts.dataDir, migrationsFolder: opts.migrationsFolder, template: opts.template, logger: opts.logger, onNewDataFolder: opts.onNewDataFolder });
  try {
    return await startCore(driver, opts);
  } catch (err) {
    // Whatever failed after the database opened: close it (which releases the folder lock) and say
    // what happened with a code the app's startup dialog knows.
    await driver.close().catch(() => undefined);
    throw openFailure(err, driver);
  }
}

function openFailure(err: unknown, driver: Driver): CoreError {
  if (err instanceof CoreError) return err;
  const why = errorMessage(err);
  if (driver.name === 'embedded') {
    // Opened, but a statement over its data failed: a damaged file (e.g. XX001, a page cut short).
    return unusable(driver.location, join(driver.location, PGDATA_DIR), why, err, true);
  }
  if (classifyDbError(err) === 'unreachable') {
    return new CoreError('DATABASE_UNREACHABLE', `The database server ${driver.location} stopped answering while Entryflow started: ${why}`, { cause: err });
  }
  return new CoreError('INTERNAL', `Starting on the database server ${driver.location} failed: ${why}`, { cause: err });
}

async function startCore(driver: Driver, opts: ResolvedOptions): Promise<Core> {
  const { logger } = opts;
  const { exclusive } = driver.capabilities;
  const store = createStore(driver.sql, {
    notifyChannel: driver.listen?.channel,
    // Exclusive: no other process exists to hold a live lock, so none expires by time (see driver.ts).
    lockTimeoutMs: exclusive ? null : opts.lockTimeoutMs,
    maxAttempts: opts.maxAttempts,
    backoffMaxMs: opts.backoffMaxMs,
    // Embedded: one connection, so event ids commit in order and nothing needs to age before the fold.
    foldMarginMs: exclusive ? 0 : undefined,
  });
  const events = createEmitter();

  // Entries the previous run was working on when it ended without closing: one of them may be what
  // killed it, so they first run one at a time (WorkerPool.start), charging no bystander.
  let suspects: string[] = [];
  if (exclusive) {
    const rescued = await store.rescueAtOpen();
    suspects = rescued.filter((r) => r.status !== 'FAILED').map((r) => r.id);
    if (rescued.length > 0) logger.warn('open: released locks left by the previous run', { released: suspects.length, failed: rescued.length - suspects.length });
  }

  const counters = { lostLocks: 0, failedAttempts: 0, transitions: 0 };
  events.on('lockLost', () => counters.lostLocks++);
  events.on('attemptFailed', () => counters.failedAttempts++);
  events.on('transition', () => counters.transitions++);

  const waker = new Waker();
  const instanceId = randomBytes(4).toString('hex');
  const pool = new WorkerPool(opts.workers, instanceId, {
    store,
    pipeline: opts.pipeline,
    steps: stepsFor(opts.pipeline.length),
    config: { ...opts, leases: !exclusive, autoBatchMax: driver.capabilities.oneConnection ? AUTO_BATCH_MAX_ONE_CONNECTION : AUTO_BATCH_MAX },
    waker,
    events,
    logger,
  });
  const queue = new QueueControl({
    store,
    pool:
      opts.workers > 0
        ? {
            setPaused: (paused: boolean) => pool.setPaused(paused),
            resize: (size: number) => {
              pool.resize(size);
              driver.setWorkers(size);
            },
          }
        : null,
    live: opts.live,
    start: { workers: opts.workers, stageDelayMs: opts.stageDelayMs },
    stages: opts.pipeline.length,
    events,
  });
  // Before the pool starts: a pause stored by an earlier run holds from the first claim on.
  await queue.refresh();
  // Only a process with loops needs to hear about new work; an API-only core (the CLI) sends, never listens.
  const listener =
    driver.listen && opts.workers > 0
      ? new WakeupListener(
          driver.listen.config,
          driver.listen.channel,
          waker,
          logger,
          (ids) => pool.cancel(ids),
          // Some process (maybe this one) created, advanced, retried or cancelled entries.
          () => events.emit('notified', {}),
        )
      : null;
  // A cancel made through this process's API stops the stage at once; other processes hear the NOTIFY.
  events.on('cancelled', ({ ids }) => pool.cancel(ids));
  const maintenance = new Maintenance({
    store,
    events,
    logger,
    vacuum: !driver.capabilities.vacuumsItself,
    rescue: !exclusive,
    lockTimeoutMs: opts.lockTimeoutMs,
    clock: opts.clock,
    queue,
  });

  const closingSignal = new AbortController();
  const api = createApi({
    store,
    events,
    logger,
    wake: (n) => waker.wake(n),
    queue,
    stats: () => ({ workers: pool.size, maxAttempts: opts.maxAttempts, ...counters }),
    chooseExportPath: opts.chooseExportPath,
    closing: closingSignal.signal,
  });

  // The first list's answer lets the deferred work start; its statements then queue behind the
  // page's calls instead of ahead of them (the embedded engine runs one statement at a time).
  let firstListAnswered: () => void = () => undefined;
  const firstList = new Promise<void>((resolve) => (firstListAnswered = resolve));
  const closingStarted = (): boolean => closingSignal.signal.aborted;
  const afterOpen = firstList.then(async () => {
    if (closingStarted()) return;
    if (!driver.capabilities.vacuumsItself) {
      try {
        // PGlite runs no autovacuum: the statistics are the template's or the last run's until now.
        await store.analyzeAll();
      } catch (err) {
        logger.warn('open: gathering planner statistics failed; maintenance will try again', { error: errorMessage(err) });
      }
    }
    if (!closingStarted()) maintenance.start();
  });

  let closing: Promise<void> | null = null;
  let closed = false;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const core: Core = {
    events,
    mode: driver.name === 'embedded' ? 'embedded' : 'shared',
    capabilities: driver.capabilities,
    createdFrom: driver.createdFrom,
    store,
    get workerIds() {
      return pool.workerIds;
    },
    async invoke(channel: string, payload: unknown): Promise<Envelope<never>> {
      // Closing and closed answer differently: a page left open after the core closed must not go on
      // saying it is shutting down.
      if (closed) return { ok: false, error: { code: 'UNAVAILABLE', message: CLOSED_MESSAGE } };
      if (closing) return { ok: false, error: { code: 'UNAVAILABLE', message: SHUTTING_DOWN_MESSAGE } };
      inFlight++;
      try {
        return (await api(channel, payload)) as Envelope<never>;
      } finally {
        inFlight--;
        if (channel === 'entries:list') firstListAnswered();
        if (inFlight === 0) drained?.();
      }
    },
    afterOpen,
    runMaintenance: () => maintenance.runNow(),
    async exportTo(out, request) {
      const parsed = exportRequest.safeParse(request);
      if (!parsed.success) throw new CoreError('INVALID_INPUT', parsed.error.issues[0]?.message ?? 'invalid export request');
      if (closing) throw new CoreError('UNAVAILABLE', 'Entryflow is shutting down; the export was not run.');
      inFlight++;
      try {
        return { count: await writeEntries(store, out, parsed.data.format, parsed.data.filter, closingSignal.signal) };
      } finally {
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    },
    close(options) {
      // Before anything else: an export in flight stops at its next batch rather than holding up the close.
      if (!closingSignal.signal.aborted) closingSignal.abort();
      // Deferred work not started yet is skipped; started, it finishes before the database closes.
      firstListAnswered();
      closing ??= (async () => {
        await pool.stop(options?.graceMs ?? opts.shutdownGraceMs);
        await listener?.close();
        await afterOpen;
        await maintenance.stop();
        // Let calls already running finish before the database goes away under them.
        if (inFlight > 0) await new Promise<void>((r) => (drained = r));
        await driver.close();
        closed = true;
        logger.info('core closed');
      })();
      return closing;
    },
  };

  await listener?.start();
  driver.markReady();
  pool.start(suspects);
  // Armed only once the core is open: a failed start never runs the deferred work. Firing after a
  // list (or a close) changes nothing: the promise has settled.
  setTimeout(firstListAnswered, opts.afterOpenWaitMs).unref();
  logger.info('core open', { mode: core.mode, at: driver.location, workers: opts.workers, createdFrom: driver.createdFrom });
  return core;
}
