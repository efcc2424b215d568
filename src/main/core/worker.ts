/**
 * One worker loop: claim → run each claimed entry's stage → write outcomes and claim the next batch
 * in one statement → again. Idle loops sleep until woken or the idle timer fires.
 *
 * A loop always gives back what it claimed: a finished stage is written (fenced by its token); a
 * stage cut short by shutdown is released; only a lost lock is dropped, because someone else owns
 * the entry now. A stage's error becomes row data (attempt note, backoff, or FAILED); only store
 * failures are errors of the loop, and it retries those with a pause rather than dying, so the
 * app recovers by itself when, say, the disk has room again.
 */
import { TERMINAL_STATUSES, type Entry } from '../../shared/contract';
import { backoffDelay } from './backoff';
import { errorMessage } from './errors';
import type { CoreEventEmitter } from './events';
import type { Logger } from './logger';
import { completionText, sleep, type Stage, type StageStep } from './pipeline';
import type { Outcome, Store } from './store';
import type { Waker } from './waker';

/** Pause after a failed store call before trying again. */
const STORE_RETRY_MS = 1000;
/** Error texts are kept on the row; a handler throwing megabytes must not bloat it. */
const ERROR_TEXT_MAX = 2000;

export interface WorkerConfig {
  batchSize: number;
  lockTimeoutMs: number;
  idlePollMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface WorkerDeps {
  store: Store;
  pipeline: readonly Stage[];
  steps: readonly StageStep[];
  config: WorkerConfig;
  waker: Waker;
  events: CoreEventEmitter;
  logger: Logger;
  /** Aborted: stop claiming, finish what is in hand. */
  stopSignal: AbortSignal;
  /** Aborted: cut in-flight stages short and release them. */
  abortSignal: AbortSignal;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

class LockLost extends Error {
  constructor() {
    super('the lock on this entry was lost');
  }
}

type StageResult = { kind: 'outcome'; outcome: Outcome } | { kind: 'lost' } | { kind: 'aborted' };

export class WorkerLoop {
  constructor(
    readonly id: string,
    private readonly deps: WorkerDeps,
  ) {}

  async run(): Promise<void> {
    const { store, config, waker, stopSignal, abortSignal } = this.deps;
    let claimed: Entry[] = [];
    let pending: Outcome[] = [];
    // Entries this loop just moved to a next stage: the fused claim could not see them released
    // (same snapshot), so look again at once rather than idling with work on the table.
    let freedWork = 0;
    for (;;) {
      // PGlite answers without real I/O, so a busy loop would chain microtasks forever and starve
      // timers (heartbeats, maintenance) and incoming IPC. Yield to the event loop once per round.
      await yieldToEventLoop();
      const stopping = stopSignal.aborted;
      if (pending.length > 0 || (!stopping && claimed.length === 0)) {
        try {
          const limit = stopping ? 0 : config.batchSize;
          if (pending.length === 0) {
            claimed = await store.claim(this.id, limit, config.lockTimeoutMs);
          } else {
            const res = await store.finishAndClaim(this.id, pending, limit, config.lockTimeoutMs);
            pending = [];
            claimed = res.claimed;
            this.report(res.finished, res.lost);
            freedWork = res.finished.filter((e) => !TERMINAL_STATUSES.includes(e.status)).length;
            // Idle siblings can take the next stages now instead of at their next idle poll.
            if (freedWork > 0) waker.wake(freedWork);
          }
        } catch (err) {
          this.deps.logger.error('worker: store call failed; retrying', { worker: this.id, error: errorMessage(err) });
          this.deps.events.emit('storeError', { workerId: this.id, error: errorMessage(err) });
          // Past the grace period give up: the locks expire, or the next open releases them.
          if (abortSignal.aborted) return;
          await sleep(STORE_RETRY_MS, abortSignal).catch(() => undefined);
          continue;
        }
        if (claimed.length > 0) this.deps.events.emit('claimed', { workerId: this.id, ids: claimed.map((e) => e.id) });
      }
      if (claimed.length === 0) {
        if (stopping) return;
        if (freedWork > 0) {
          freedWork = 0;
          continue;
        }
        await waker.wait(config.idlePollMs, stopSignal);
        continue;
      }
      freedWork = 0;
      pending = await this.runBatch(claimed);
      claimed = [];
    }
  }

  private report(finished: readonly Entry[], lost: readonly string[]): void {
    for (const entry of finished) this.deps.events.emit('transition', { workerId: this.id, entry });
    for (const entryId of lost) {
      this.deps.logger.warn('worker: write refused, lock was lost', { worker: this.id, entry: entryId });
      this.deps.events.emit('lockLost', { workerId: this.id, entryId });
    }
  }

  /** Runs the stage of every claimed entry at once, heartbeating their locks meanwhile. */
  private async runBatch(batch: readonly Entry[]): Promise<Outcome[]> {
    const { store, config } = this.deps;
    const controllers = new Map(batch.map((e) => [e.id, new AbortController()]));
    const onAbort = () => {
      for (const c of controllers.values()) c.abort(new Error('shutting down'));
    };
    this.deps.abortSignal.addEventListener('abort', onAbort, { once: true });
    if (this.deps.abortSignal.aborted) onAbort();

    // Renew at a third of the timeout, so two missed beats still leave the lock alive.
    const beat = setInterval(() => {
      const running = [...controllers].filter(([, c]) => !c.signal.aborted).map(([id]) => id);
      store.heartbeat(this.id, running).then(
        (held) => {
          const still = new Set(held);
          for (const id of running) if (!still.has(id)) controllers.get(id)?.abort(new LockLost());
        },
        (err: unknown) => this.deps.logger.warn('worker: heartbeat failed', { worker: this.id, error: errorMessage(err) }),
      );
    }, Math.max(10, Math.floor(config.lockTimeoutMs / 3)));

    try {
      const results = await Promise.all(batch.map((entry) => this.runStage(entry, controllers.get(entry.id) as AbortController)));
      const outcomes: Outcome[] = [];
      const release: string[] = [];
      batch.forEach((entry, i) => {
        const r = results[i] as StageResult;
        if (r.kind === 'outcome') outcomes.push(r.outcome);
        else if (r.kind === 'aborted') release.push(entry.id);
        else this.report([], [entry.id]);
      });
      if (release.length > 0) {
        await store.release(this.id, release).catch((err: unknown) =>
          this.deps.logger.warn('worker: release failed; the locks will expire', { worker: this.id, error: errorMessage(err) }),
        );
      }
      return outcomes;
    } finally {
      clearInterval(beat);
      this.deps.abortSignal.removeEventListener('abort', onAbort);
    }
  }

  private async runStage(entry: Entry, controller: AbortController): Promise<StageResult> {
    const { steps, pipeline, config } = this.deps;
    const index = steps.findIndex((s) => s.from === entry.status);
    const step = steps[index];
    const stage = pipeline[index];
    if (!step || !stage) {
      // The pipeline changed under a stored entry (fewer stages than before): fail it visibly.
      return {
        kind: 'outcome',
        outcome: { id: entry.id, from: entry.status, to: 'FAILED', progress: entry.progress, result: null, error: `No stage handles status ${entry.status} in this pipeline.`, delayMs: 0 },
      };
    }
    try {
      const returned = await stage.run({ entry, stage: index, signal: controller.signal });
      if (controller.signal.aborted) return controller.signal.reason instanceof LockLost ? { kind: 'lost' } : { kind: 'aborted' };
      const result = step.to === 'COMPLETED' ? (typeof returned === 'string' ? returned : completionText(entry, steps.length, new Date())) : null;
      return { kind: 'outcome', outcome: { id: entry.id, from: step.from, to: step.to, progress: step.progress, result, error: null, delayMs: 0 } };
    } catch (err) {
      if (controller.signal.aborted) return controller.signal.reason instanceof LockLost ? { kind: 'lost' } : { kind: 'aborted' };
      const error = (errorMessage(err) || 'stage failed without a message').slice(0, ERROR_TEXT_MAX);
      const final = entry.attempts >= config.maxAttempts;
      this.deps.events.emit('attemptFailed', { workerId: this.id, entryId: entry.id, attempt: entry.attempts, error, final });
      this.deps.logger.warn('worker: stage attempt failed', { worker: this.id, entry: entry.id, attempt: entry.attempts, error, final });
      return {
        kind: 'outcome',
        outcome: {
          id: entry.id,
          from: step.from,
          to: final ? 'FAILED' : step.from,
          progress: entry.progress,
          result: null,
          error,
          delayMs: final ? 0 : backoffDelay(entry.attempts, config.backoffBaseMs, config.backoffMaxMs),
        },
      };
    }
  }
}
