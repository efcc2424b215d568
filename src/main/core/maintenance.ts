/**
 * Housekeeping off the hot path: rescue expired locks, fold the counts log, and — on the embedded
 * engine, which runs no autovacuum — VACUUM/ANALYZE once enough rows have churned.
 *
 * Every stage update leaves a dead row version behind (and a dead entry in the claim's partial
 * index); without vacuum the claim and list scan ever more of them. The schedule is sized to the
 * churn, like autovacuum's: a vacuum once the transitions since the last one reach both
 * VACUUM_EVERY_TRANSITIONS and VACUUM_SCALE_FACTOR of the table, or after a quiet spell if anything
 * churned. Creates are inserts and leave no dead rows, so they only count towards ANALYZE.
 *
 * The operator's console adds three chores (consoleRound): re-reading the settings row, so a pause or
 * resize made by another process applies here; folding new entry_events into the throughput rollups;
 * and retention — deleting finished entries older than the retention days, with their events and
 * count deltas, PRUNE_BATCH rows per statement. Each runs in bounded statements with a yield to the
 * event loop between them and stops for the tick once HOUSEKEEPING_BUDGET_MS is spent, so worker
 * statements (and on the embedded engine, IPC calls) interleave with a large backlog instead of
 * queueing behind it; what is left continues next tick.
 */
import { errorMessage } from './errors';
import type { CoreEventEmitter } from './events';
import type { Logger } from './logger';
import type { Clock } from './options';
import { FOLD_BATCH, SETTINGS_POLL_MS } from './queue-control';
import { STATS_KEEP_MS, takeoverGraceMs, type MaintenanceStore } from './store';

export const MAINTENANCE_TICK_MS = 1000;
export const VACUUM_EVERY_TRANSITIONS = 1000;
/**
 * Embedded engine: checkpoint once this much WAL was written since the last checkpoint. With
 * min_wal_size's recycled segments the folder's WAL stays under ~150 MB instead of 1 GB.
 */
export const WAL_CHECKPOINT_BYTES = 64 * 1024 * 1024;

/** Vacuum after this long without a vacuum if anything at all changed. */
export const VACUUM_QUIET_MS = 60_000;
export const COMPACT_COUNTS_EVERY_MS = 5000;
/** Planner statistics go stale fast while a backlog builds; ANALYZE samples, so it stays cheap. */
export const ANALYZE_EVERY_CHANGES = 2000;
/**
 * Like autovacuum's scale factor: each VACUUM scans every index of the table, so on a big table it
 * must wait for dead rows in proportion to the table, or vacuuming grows quadratic with its size.
 */
export const VACUUM_SCALE_FACTOR = 0.2;
/** Finished entries deleted per retention statement (each with its events, by cascade). */
export const PRUNE_BATCH = 500;
/** Stats rows per table deleted per statement. */
export const STATS_PRUNE_BATCH = 5000;
/** Look for entries past retention this often; more often while a backlog remains. */
export const RETENTION_EVERY_MS = 10_000;
/** Fold new events into the throughput rollups this often (stats:throughput also folds before reading). */
export const FOLD_EVERY_MS = 5000;
/** The most one tick spends on folding and pruning before it leaves the rest to the next tick. */
export const HOUSEKEEPING_BUDGET_MS = 200;
const DAY_MS = 24 * 3600_000;

export interface MaintenanceDeps {
  store: MaintenanceStore;
  events: CoreEventEmitter;
  logger: Logger;
  /** The engine runs no autovacuum (embedded): maintenance vacuums and analyzes it, and checkpoints it. */
  vacuum: boolean;
  /** Tests: checkpoint past this much WAL (default WAL_CHECKPOINT_BYTES). */
  walCheckpointBytes?: number;
  /** Locks can expire (shared server): mark and take over expired ones. */
  rescue: boolean;
  lockTimeoutMs: number;
  /** Schedules run on monotonic time, so a clock step neither triggers nor delays them. */
  clock: Clock;
  /** The settings (queue-control.ts): re-read periodically; retention comes from them. Absent: no console chores. */
  queue?: { refresh(): Promise<unknown>; retentionDays(): number };
}

export class Maintenance {
  private timer: NodeJS.Timeout | null = null;
  /** Row versions made dead since the last vacuum: transitions (updates), not creates (inserts). */
  private churn = 0;
  /** Any write since the last counts fold (creates too: each appends a counts row). */
  private writes = 0;
  private lastVacuum: number;
  private lastCompact = -Infinity;
  private lastRescue: number;
  private running: Promise<void> | null = null;
  private lastSettings = -Infinity;
  private lastFold = -Infinity;
  private lastRetention = -Infinity;
  /** The last retention round ran out of budget with more to delete. */
  private retentionBacklog = false;

  constructor(private readonly deps: MaintenanceDeps) {
    this.lastVacuum = this.lastRescue = deps.clock.monotonic();
    deps.events.on('transition', this.onTransition);
    deps.events.on('created', this.onCreate);
  }

  private sinceAnalyze = 0;

  private readonly onTransition = () => {
    this.churn++;
    this.writes++;
    this.sinceAnalyze++;
  };

  private readonly onCreate = () => {
    this.writes++;
    this.sinceAnalyze++;
  };

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      if (!this.running) void this.launch(false);
    }, MAINTENANCE_TICK_MS);
    // Housekeeping alone must not keep a CLI process alive.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.deps.events.off('transition', this.onTransition);
    this.deps.events.off('created', this.onCreate);
    await this.running;
  }

  /**
   * Settings poll, stats fold, retention (see the header). Forced (tests, runMaintenance): everything
   * now, to the end, ignoring schedules and budget.
   */
  private async consoleRound(started: number, force: boolean): Promise<void> {
    const { store, queue, clock } = this.deps;
    if (!queue) return;
    if (force || started - this.lastSettings >= SETTINGS_POLL_MS) {
      this.lastSettings = started;
      await queue.refresh();
    }
    const budgetOver = () => !force && clock.monotonic() - started >= HOUSEKEEPING_BUDGET_MS;
    let folded = 0;
    if (force || started - this.lastFold >= FOLD_EVERY_MS) {
      this.lastFold = started;
      for (;;) {
        const r = await store.foldStats(FOLD_BATCH);
        folded += r.folded;
        if (!r.more || budgetOver()) break;
        await yieldToEventLoop();
      }
    }
    let pruned = 0;
    let batches = 0;
    let statsPruned = 0;
    if (force || this.retentionBacklog || started - this.lastRetention >= RETENTION_EVERY_MS) {
      this.lastRetention = started;
      this.retentionBacklog = false;
      const days = queue.retentionDays();
      // The cutoff is taken from the core's clock (tests step it); the rows' times are the database's.
      const now = clock.now();
      if (days > 0) {
        for (;;) {
          const n = await store.pruneFinished(now - days * DAY_MS, PRUNE_BATCH);
          pruned += n;
          batches++;
          if (n < PRUNE_BATCH) break;
          if (budgetOver()) {
            this.retentionBacklog = true;
            break;
          }
          await yieldToEventLoop();
        }
      }
      for (;;) {
        const n = await store.pruneStats(now - STATS_KEEP_MS, STATS_PRUNE_BATCH);
        statsPruned += n;
        if (n < STATS_PRUNE_BATCH) break;
        if (budgetOver()) {
          this.retentionBacklog = true;
          break;
        }
        await yieldToEventLoop();
      }
    }
    if (pruned > 0) {
      // Deleted rows are dead rows: they count towards the next vacuum like transitions do.
      this.churn += pruned;
      this.writes++;
      this.deps.logger.info('maintenance: pruned finished entries past retention', { count: pruned, batches });
    }
    if (pruned > 0 || folded > 0 || statsPruned > 0) this.deps.events.emit('housekeeping', { pruned, batches, folded, statsPruned });
  }

  /**
   * A forced round (tests, benchmarks): everything now, after any scheduled round in flight and never
   * beside it. Two rounds at once split a retention backlog between them (each skips the rows the
   * other has locked) and each reports only its part.
   */
  async runNow(): Promise<void> {
    while (this.running) await this.running;
    await this.launch(true);
  }

  private launch(force: boolean): Promise<void> {
    const round = this.tick(force).finally(() => (this.running = null));
    this.running = round;
    return round;
  }

  private async tick(force: boolean): Promise<void> {
    const started = this.deps.clock.monotonic();
    const { store } = this.deps;
    try {
      let rescued = 0;
      // Often enough that an expired lock is marked soon after it expires, and taken over one grace later.
      if (this.deps.rescue && (force || started - this.lastRescue >= Math.min(this.deps.lockTimeoutMs / 2, takeoverGraceMs(this.deps.lockTimeoutMs)))) {
        rescued = (await store.rescueStale()).length;
        this.lastRescue = started;
        if (rescued > 0) this.deps.logger.warn('maintenance: released expired locks', { count: rescued });
      }
      if (force || (this.writes > 0 && started - this.lastCompact >= COMPACT_COUNTS_EVERY_MS)) {
        this.writes = 0;
        await store.compactCounts();
        this.lastCompact = started;
      }
      await this.consoleRound(started, force);
      let due = this.churn > 0 && started - this.lastVacuum >= VACUUM_QUIET_MS;
      if (!due && this.churn >= VACUUM_EVERY_TRANSITIONS) {
        const counts = await store.counts();
        const rows = Object.values(counts).reduce((a, b) => a + b, 0);
        due = this.churn >= Math.max(VACUUM_EVERY_TRANSITIONS, VACUUM_SCALE_FACTOR * rows);
      }
      let vacuumed = false;
      if (this.deps.vacuum && (force || due)) {
        this.churn = 0;
        await store.vacuum();
        this.lastVacuum = this.deps.clock.monotonic();
        vacuumed = true;
      } else if (!this.deps.vacuum && due) {
        this.churn = 0;
      }
      if (vacuumed) this.sinceAnalyze = 0;
      else if (this.deps.vacuum && this.sinceAnalyze >= ANALYZE_EVERY_CHANGES) {
        this.sinceAnalyze = 0;
        await store.analyze();
      }
      // Same engines as vacuum: the embedded one has no checkpointer (store.ts, checkpointIfWalOver).
      if (this.deps.vacuum) await store.checkpointIfWalOver(this.deps.walCheckpointBytes ?? WAL_CHECKPOINT_BYTES);
      this.deps.events.emit('maintenance', { vacuumed, rescued, ms: this.deps.clock.monotonic() - started });
    } catch (err) {
      this.deps.logger.warn('maintenance failed; will try again', { error: errorMessage(err) });
    }
  }
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));
