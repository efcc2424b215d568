/**
 * Housekeeping off the hot path: rescue expired locks, fold the counts log, and — on the embedded
 * engine, which runs no autovacuum — VACUUM/ANALYZE once enough rows have churned.
 *
 * Every stage update leaves a dead row version behind (and a dead entry in the claim's partial
 * index); without vacuum the claim and list scan ever more of them. The schedule is sized to the
 * churn, like autovacuum's: a vacuum once the transitions since the last one reach both
 * VACUUM_EVERY_TRANSITIONS and VACUUM_SCALE_FACTOR of the table, or after a quiet spell if anything
 * churned. Creates are inserts and leave no dead rows, so they only count towards ANALYZE.
 */
import { errorMessage } from './errors';
import type { CoreEventEmitter } from './events';
import type { Logger } from './logger';
import type { Clock } from './options';
import { takeoverGraceMs, type MaintenanceStore } from './store';

export const MAINTENANCE_TICK_MS = 1000;
export const VACUUM_EVERY_TRANSITIONS = 1000;
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

export interface MaintenanceDeps {
  store: MaintenanceStore;
  events: CoreEventEmitter;
  logger: Logger;
  /** The engine runs no autovacuum (embedded): maintenance vacuums and analyzes it. */
  vacuum: boolean;
  /** Locks can expire (shared server): mark and take over expired ones. */
  rescue: boolean;
  lockTimeoutMs: number;
  /** Schedules run on monotonic time, so a clock step neither triggers nor delays them. */
  clock: Clock;
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
      if (!this.running) this.running = this.tick().finally(() => (this.running = null));
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

  /** One round of housekeeping; public so tests and benchmarks can force it. */
  async tick(force = false): Promise<void> {
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
      this.deps.events.emit('maintenance', { vacuumed, rescued, ms: this.deps.clock.monotonic() - started });
    } catch (err) {
      this.deps.logger.warn('maintenance failed; will try again', { error: errorMessage(err) });
    }
  }
}
