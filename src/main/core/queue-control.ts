/**
 * The operator's settings (the queue_settings row) as this process applies them.
 *
 * The row is the truth, shared by every process on one database: `update` writes it (one UPDATE …
 * RETURNING) and applies the result at once; `refresh` — at open, on `queue:state`, and from
 * maintenance every SETTINGS_POLL_MS — reads it and applies what changed, which is how a pause made
 * by another process (the CLI, another app on the same server) reaches this one. Polling rather than
 * NOTIFY: the row is read a few times a minute at the cost of one indexed lookup, works the same on
 * both drivers, and needs no delivery guarantee (a NOTIFY lost while the listener reconnects would
 * otherwise leave a process unpaused).
 *
 * Precedence: a value stored in the row wins; NULL (never set) means the app's start option or its
 * default. An API-only core (workers: 0, the CLI) reads and writes the row but never runs loops.
 */
import type { QueueState, Throughput, ThroughputWindow } from '../../shared/contract';
import type { CoreEventEmitter } from './events';
import { percentileMs } from './histogram';
import { DEFAULTS } from './options';
import type { QueueStore, SettingsPatch, StoredSettings } from './store';

/** How often maintenance re-reads the settings row (ms): the most a pause made elsewhere takes to apply here. */
export const SETTINGS_POLL_MS = 2000;
/**
 * Before answering stats:throughput, fold at most this many batches of pending events, so the call
 * stays bounded: in steady state maintenance has folded all but the last few seconds (one batch);
 * a large backlog (an upgrade's first run) is left to maintenance's ticks.
 */
export const THROUGHPUT_FOLD_BATCHES = 5;
/**
 * Events per fold statement: small enough that one statement holds the embedded engine's single
 * connection for a few tens of ms (the worker loops wait behind it), large enough to catch up on a
 * backlog of a million events within minutes of maintenance ticks.
 */
export const FOLD_BATCH = 2000;

const WINDOWS: Record<ThroughputWindow, { slotMinutes: number; slots: number }> = {
  hour: { slotMinutes: 1, slots: 60 },
  day: { slotMinutes: 60, slots: 24 },
};

export interface QueueControlDeps {
  store: Pick<QueueStore, 'readSettings' | 'updateSettings' | 'foldStats' | 'throughput'>;
  /** The pool, or null for an API-only core. */
  pool: { setPaused(paused: boolean): void; resize(size: number): void } | null;
  /** What the demo pipeline reads before each stage. */
  live: { stageDelayMs: number };
  /** The start options: what NULL in the row means. */
  start: { workers: number; stageDelayMs: number };
  /** Stages of this core's pipeline: the timings list each of them, even with no runs. */
  stages: number;
  events: CoreEventEmitter;
}

export class QueueControl {
  private row: StoredSettings | null = null;
  private applied = '';

  constructor(private readonly deps: QueueControlDeps) {}

  /** The state the row gives this process (see the header for precedence). */
  private stateOf(row: StoredSettings): QueueState {
    const { start } = this.deps;
    return {
      paused: row.paused,
      workers: row.workers ?? (start.workers > 0 ? start.workers : DEFAULTS.workers),
      stageDelayMs: row.stageDelayMs ?? start.stageDelayMs,
      retentionDays: row.retentionDays === 0 ? null : row.retentionDays,
      notifyOnFailure: row.notifyOnFailure,
    };
  }

  private apply(row: StoredSettings): QueueState {
    this.row = row;
    const state = this.stateOf(row);
    const key = JSON.stringify(state);
    if (key !== this.applied) {
      const first = this.applied === '';
      this.applied = key;
      this.deps.pool?.setPaused(state.paused);
      this.deps.pool?.resize(state.workers);
      this.deps.live.stageDelayMs = state.stageDelayMs;
      if (!first) this.deps.events.emit('queueState', { state });
    }
    return state;
  }

  /** Reads the row and applies it; the state as it now is. */
  async refresh(): Promise<QueueState> {
    return this.apply(await this.deps.store.readSettings());
  }

  async update(patch: { paused?: boolean | undefined; workers?: number | undefined; stageDelayMs?: number | undefined; retentionDays?: number | null | undefined; notifyOnFailure?: boolean | undefined }): Promise<QueueState> {
    const stored: SettingsPatch = {
      paused: patch.paused,
      workers: patch.workers,
      stageDelayMs: patch.stageDelayMs,
      retentionDays: patch.retentionDays === undefined ? undefined : (patch.retentionDays ?? 0),
      notifyOnFailure: patch.notifyOnFailure,
    };
    return this.apply(await this.deps.store.updateSettings(stored));
  }

  /** Retention in days as last read (0: never, also before the first read). */
  retentionDays(): number {
    return this.row?.retentionDays ?? 0;
  }

  /** Folds what is pending (bounded), then reads the window from the rollups. */
  async throughput(window: ThroughputWindow): Promise<Throughput> {
    const { store } = this.deps;
    for (let i = 0; i < THROUGHPUT_FOLD_BATCHES; i++) {
      if (!(await store.foldStats(FOLD_BATCH)).more) break;
    }
    const { slotMinutes, slots } = WINDOWS[window];
    const { buckets, durations } = await store.throughput(slotMinutes, slots);
    const perStage = new Map<number, Map<number, number>>();
    for (let s = 1; s <= this.deps.stages; s++) perStage.set(s, new Map());
    for (const d of durations) {
      const hist = perStage.get(d.stage) ?? new Map<number, number>();
      hist.set(d.bucket, (hist.get(d.bucket) ?? 0) + d.runs);
      perStage.set(d.stage, hist);
    }
    const stages = [...perStage.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([stage, hist]) => ({
        stage,
        p50Ms: percentileMs(hist, 0.5),
        p95Ms: percentileMs(hist, 0.95),
        runs: [...hist.values()].reduce((a, b) => a + b, 0),
      }));
    return { buckets, stages };
  }
}
