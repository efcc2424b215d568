/**
 * The main-process core, runnable in plain Node (nothing here imports electron).
 *
 * Boot: lock the data dir → open and migrate the database → release locks left by an earlier run
 * (embedded only) → start maintenance and the worker pool. `invoke` is what Electron's IPC handlers,
 * the CLI and the tests call; `close` stops the pool in two phases and closes the database.
 */
import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import type { Channel, Envelope, RequestOf, ResponseOf } from '../../shared/contract';
import { createApi } from './api';
import { acquireDataDirLock, type DataDirLock } from './data-dir-lock';
import { checkSchemaName, findMigrationsFolder, openEmbedded, openShared, type CreatedFrom, type Database } from './database';
import { CoreError } from './errors';
import { createEmitter, type CoreEventEmitter } from './events';
import { silentLogger } from './logger';
import { WakeupListener } from './listener';
import { Maintenance } from './maintenance';
import { DEFAULTS, type CoreOptions, type ResolvedOptions } from './options';
import { demoPipeline, stepsFor } from './pipeline';
import { WorkerPool } from './pool';
import { createStore, type Store } from './store';
import { Waker } from './waker';

export { CoreError } from './errors';
export type { CoreOptions } from './options';
export { DEFAULTS } from './options';
export type { Stage, StageContext } from './pipeline';
export type { Logger } from './logger';
export type { CoreEventMap } from './events';
export type { CreatedFrom } from './database';

export interface Core {
  /** Typed call for in-process callers. */
  invoke<C extends Channel>(channel: C, payload: RequestOf<C>): Promise<Envelope<ResponseOf<C>>>;
  /** What IPC passes on unchanged: anything, answered with an envelope. */
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  close(): Promise<void>;
  readonly events: CoreEventEmitter;
  readonly mode: 'embedded' | 'shared';
  /** How the embedded database came to be on this open: 'template', 'initdb' or 'existing' (a shared server: 'existing'). */
  readonly createdFrom: CreatedFrom;
  readonly workerIds: string[];
  /** For tests and benchmarks: the store the workers use, and a forced maintenance round. */
  readonly store: Store;
  runMaintenance(): Promise<void>;
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
  positiveInt('batchSize', o.batchSize, 1);
  positiveInt('backoffBaseMs', o.backoffBaseMs, 0);
  positiveInt('backoffMaxMs', o.backoffMaxMs, 0);
  positiveInt('shutdownGraceMs', o.shutdownGraceMs, 0);
  if (o.schema !== undefined) {
    if (o.databaseUrl === undefined) throw new RangeError('schema applies to a shared server only; pass databaseUrl too');
    checkSchemaName(o.schema);
  }
  const pipeline = options.pipeline ?? demoPipeline(o.stageDelayMs);
  stepsFor(pipeline.length);
  return {
    ...o,
    pipeline,
    logger: options.logger ?? silentLogger,
    migrationsFolder: options.migrationsFolder ?? findMigrationsFolder(),
  };
}

export async function openCore(options: CoreOptions = {}): Promise<Core> {
  const opts = resolveOptions(options);
  const { logger } = opts;
  let lock: DataDirLock | null = null;
  let db: Database;
  if (opts.databaseUrl !== undefined) {
    db = await openShared(opts.databaseUrl, opts.migrationsFolder, opts.workers + 4, opts.schema);
  } else {
    if (opts.dataDir !== undefined) {
      try {
        mkdirSync(opts.dataDir, { recursive: true });
      } catch (err) {
        throw new CoreError('DATA_DIR_UNUSABLE', `Cannot create the data folder ${opts.dataDir}: ${(err as Error).message}`, { cause: err });
      }
      lock = acquireDataDirLock(opts.dataDir);
    }
    try {
      db = await openEmbedded(opts.dataDir, opts.migrationsFolder, { templateArchive: opts.templateArchive, logger });
    } catch (err) {
      lock?.release();
      throw err;
    }
  }
  const mode = opts.databaseUrl !== undefined ? 'shared' : 'embedded';
  // Shared server: statements that make work claimable NOTIFY other processes (none when embedded).
  const store = createStore(db.sql, { notifyChannel: db.listen?.channel });
  const events = createEmitter();

  if (mode === 'embedded') {
    // Our lock file proves no other process works this data dir: every lock is a leftover.
    const released = await store.rescueAtOpen();
    if (released.length > 0) logger.warn('open: released locks left by the previous run', { count: released.length });
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
    config: opts,
    waker,
    events,
    logger,
  });
  // Only a process with loops needs to hear about new work; an API-only core (the CLI) sends, never listens.
  const listener = db.listen && opts.workers > 0 ? new WakeupListener(db.listen.config, db.listen.channel, waker, logger) : null;
  const maintenance = new Maintenance({ store, events, logger, vacuum: mode === 'embedded', lockTimeoutMs: opts.lockTimeoutMs });

  const api = createApi({
    store,
    events,
    logger,
    wake: () => waker.wake(),
    stats: () => ({ workers: pool.size, ...counters }),
  });

  let closing: Promise<void> | null = null;
  let inFlight = 0;
  let drained: (() => void) | null = null;

  const core: Core = {
    events,
    mode,
    createdFrom: db.createdFrom,
    store,
    workerIds: pool.workerIds,
    async invoke(channel: string, payload: unknown): Promise<Envelope<never>> {
      if (closing) return { ok: false, error: { code: 'UNAVAILABLE', message: 'Entryflow is shutting down; the call was not run.' } };
      inFlight++;
      try {
        return (await api(channel, payload)) as Envelope<never>;
      } finally {
        inFlight--;
        if (inFlight === 0) drained?.();
      }
    },
    runMaintenance: () => maintenance.tick(true),
    close() {
      closing ??= (async () => {
        await pool.stop(opts.shutdownGraceMs);
        await listener?.close();
        await maintenance.stop();
        // Let calls already running finish before the database goes away under them.
        if (inFlight > 0) await new Promise<void>((r) => (drained = r));
        try {
          await db.close();
        } finally {
          lock?.release();
        }
        logger.info('core closed');
      })();
      return closing;
    },
  };

  await listener?.start();
  maintenance.start();
  pool.start();
  logger.info('core open', { mode, dataDir: opts.dataDir ?? null, workers: opts.workers, createdFrom: db.createdFrom });
  return core;
}
