/**
 * One worker loop: claim → run each claimed entry's stage → write outcomes and claim the next batch
 * in one statement → again. Idle loops sleep until woken or the idle timer fires.
 *
 * A loop always gives back what it claimed: a finished stage is written (fenced by its token); a
 * stage cut short by shutdown is released; only a lost lock is dropped, because someone else owns
 * the entry now. A stage's error becomes row data (attempt note, backoff, or FAILED); only store
 * failures are errors of the loop, and it retries those with a pause rather than dying, so the
 * app recovers by itself when, say, the disk has room again.
 *
 * Bounds on a stage: `stageTimeoutMs` fails a stage that runs too long (an attempt, like a throw);
 * outcomes of a batch are written as they come once one stage lags, so one slow entry never holds
 * the others. On a shared server the loop also keeps a lease (lease.ts): once it could not renew its
 * locks for the lock timeout — asleep, or cut off from the server — it lets the entries go before
 * another process may take them over.
 */
import type { Entry } from '../../shared/contract';
import { backoffDelay } from './backoff';
import { adaptiveClaimSize, fixedClaimSize, type ClaimSize } from './claim-size';
import { classifyDbError, errorMessage } from './errors';
import type { CoreEventEmitter } from './events';
import { Lease } from './lease';
import type { Logger } from './logger';
import type { Clock } from './options';
import { completionText, sleep, type Stage, type StageStep } from './pipeline';
import { releasedWork, takeoverGraceMs, type FinishResult, type Outcome, type WorkerStore } from './store';
import { ERROR_TEXT_MAX, RESULT_TEXT_MAX, storableText } from './text';
import type { Waker } from './waker';

/** Pause after a failed store call before trying again. */
const STORE_RETRY_MS = 1000;
/** Once a batch has outcomes and a stage still runs this long after, the outcomes are written alone. */
export const BATCH_FLUSH_MS = 250;

export interface WorkerConfig {
  /** Entries per claim: a fixed number, or 'auto' (claim-size.ts). */
  batchSize: number | 'auto';
  lockTimeoutMs: number;
  idlePollMs: number;
  maxAttempts: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  stageTimeoutMs: number;
  /** Shared server: locks expire, so heartbeat them and keep a lease. Exclusive driver: neither. */
  leases: boolean;
  /** The ceiling of an 'auto' claim size (claim-size.ts: it depends on the driver). */
  autoBatchMax: number;
  clock: Clock;
}

export interface WorkerDeps {
  store: WorkerStore;
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
  /** The operator paused the queue (pool.ts): claim nothing, finish what is in hand. */
  paused(): boolean;
}

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Why a stage's signal was aborted; only `shutdown` gives the entry back with the attempt uncounted. */
class StageStop extends Error {
  constructor(readonly why: 'lock-lost' | 'lease-expired' | 'timeout' | 'shutdown' | 'cancelled') {
    super(
      {
        'lock-lost': 'the lock on this entry was lost',
        cancelled: 'a person cancelled this entry',
        'lease-expired': 'the lock could not be renewed in time (asleep or cut off from the database)',
        timeout: 'the stage ran past its time limit',
        shutdown: 'shutting down',
      }[why],
    );
  }
}

type StageResult = { kind: 'outcome'; outcome: Outcome } | { kind: 'lost' } | { kind: 'release' } | { kind: 'cancelled' };

export class WorkerLoop {
  /** The stages running now, by entry id: what `cancel` aborts. */
  private readonly stages = new Map<string, AbortController>();
  /**
   * Cancels heard while a claim of this loop was under way (sent, not yet running its stages). A
   * cancel can only name an entry this claim got once the claim has committed, but its notice may
   * arrive before the claim's reply does (another connection, another process): without this, the
   * stage of a cancelled entry would start. null between claims, so no old notice lingers.
   */
  private cancelledDuringClaim: Set<string> | null = null;
  private readonly claimSize: ClaimSize;

  constructor(
    readonly id: string,
    private readonly deps: WorkerDeps,
  ) {
    const { batchSize, autoBatchMax } = deps.config;
    this.claimSize = batchSize === 'auto' ? adaptiveClaimSize(autoBatchMax) : fixedClaimSize(batchSize);
  }

  /**
   * Entries a person cancelled: abort their stages if this loop runs them. The cancel already took
   * the lock, so there is nothing to write or release; the stage's late finish, if it gets that
   * far, is fenced out and dropped quietly (`report`).
   */
  cancel(ids: readonly string[]): void {
    for (const id of ids) {
      this.cancelledDuringClaim?.add(id);
      const c = this.stages.get(id);
      if (c && !c.signal.aborted) c.abort(new StageStop('cancelled'));
    }
  }

  async run(): Promise<void> {
    const { config, waker, stopSignal, abortSignal } = this.deps;
    let claimed: Entry[] = [];
    let pending: Outcome[] = [];
    // Entries this loop just moved to a next stage and released (not kept: the claim was full, or
    // it claims nothing): its fused claim could not see them released (same snapshot), so look
    // again at once rather than idling with work on the table.
    let freedWork = 0;
    // What the claim that gave `claimed` asked for: the claim size learns from asked against got.
    let asked = 0;
    let lease = new Lease(config.clock, config.lockTimeoutMs);
    for (;;) {
      // PGlite answers without real I/O, so a busy loop would chain microtasks forever and starve
      // timers (heartbeats, maintenance) and incoming IPC. Yield to the event loop once per round.
      await yieldToEventLoop();
      const stopping = stopSignal.aborted;
      const holding = stopping || this.deps.paused();
      if (pending.length > 0 || (!holding && claimed.length === 0)) {
        const limit = holding ? 0 : this.claimSize.current();
        const claimLease = new Lease(config.clock, config.lockTimeoutMs);
        if (limit > 0) this.cancelledDuringClaim = new Set();
        const res = pending.length === 0 ? await this.tryClaim(limit) : await this.finish(pending, limit, []);
        if (res === null) {
          // Past the grace period give up: the locks expire, or the next open releases them.
          if (abortSignal.aborted) return;
          await sleep(STORE_RETRY_MS, abortSignal).catch(() => undefined);
          continue;
        }
        pending = [];
        claimed = res.claimed;
        // Paused while the claim was under way (another process's pause, heard meanwhile): no stage
        // may start after the pause took effect, so what it got goes back at once, attempt uncounted.
        if (claimed.length > 0 && this.deps.paused()) {
          this.cancelledDuringClaim = null;
          await this.release(claimed.map((e) => e.id));
          this.deps.logger.info('worker: paused while claiming; gave the claimed entries back', { worker: this.id, count: claimed.length });
          claimed = [];
        }
        asked = limit;
        if (limit > 0 && claimed.length === 0) this.claimSize.observe(limit, 0, null);
        lease = claimLease;
        freedWork = releasedWork(res.finished);
        // Idle siblings can take the next stages now instead of at their next idle poll.
        if (freedWork > 0) waker.wake(freedWork);
        if (claimed.length > 0) this.deps.events.emit('claimed', { workerId: this.id, ids: claimed.map((e) => e.id) });
      }
      if (claimed.length === 0) {
        if (stopping) return;
        if (freedWork > 0 && !holding) {
          freedWork = 0;
          continue;
        }
        freedWork = 0;
        await waker.wait(config.idlePollMs, stopSignal);
        continue;
      }
      freedWork = 0;
      const startedAt = config.clock.monotonic();
      pending = await this.runBatch(claimed, lease);
      this.claimSize.observe(asked, claimed.length, config.clock.monotonic() - startedAt);
      claimed = [];
    }
  }

  /** Runs each entry's stage by itself, one after another (after a crash: pool.ts). */
  async runAlone(ids: readonly string[]): Promise<void> {
    const { config, stopSignal, abortSignal, logger } = this.deps;
    logger.info('worker: running the entries of an interrupted run one at a time', { worker: this.id, count: ids.length });
    for (const id of ids) {
      // Paused at open: the suspects wait like everything else (they are released, not lost).
      while (this.deps.paused() && !stopSignal.aborted) await this.deps.waker.wait(config.idlePollMs, stopSignal);
      if (stopSignal.aborted) return;
      const lease = new Lease(config.clock, config.lockTimeoutMs);
      let claimed: Entry[];
      this.cancelledDuringClaim = new Set();
      try {
        claimed = await this.deps.store.claimIds(this.id, [id]);
      } catch (err) {
        this.storeFailed(err);
        continue;
      }
      if (claimed.length === 0) continue;
      const outcomes = await this.runBatch(claimed, lease);
      while (outcomes.length > 0 && (await this.finish(outcomes, 0, [])) === null) {
        if (abortSignal.aborted) return;
        await sleep(STORE_RETRY_MS, abortSignal).catch(() => undefined);
      }
    }
  }

  /**
   * Gives entries back unrun, attempt uncounted (fenced: a no-op for any already taken over). A failed
   * release only logs: the locks expire (shared server) or the next open releases them.
   */
  private async release(ids: readonly string[]): Promise<void> {
    await this.deps.store.release(this.id, ids).catch((err: unknown) =>
      this.deps.logger.warn('worker: release failed; the locks will expire or be released at the next open', { worker: this.id, error: errorMessage(err) }),
    );
  }

  private async tryClaim(limit: number): Promise<FinishResult | null> {
    try {
      return { finished: [], lost: [], claimed: await this.deps.store.claim(this.id, limit) };
    } catch (err) {
      this.storeFailed(err);
      return null;
    }
  }

  /**
   * Writes outcomes (and claims up to `limit`), surviving what a real server does: a failure with no
   * clear answer is settled by reading the rows back before anything is sent again (the statement
   * may have committed), and a statement refused for its content is split so one entry's outcome
   * cannot wedge the rest. null: the store is unavailable; the caller pauses and calls again.
   */
  private async finish(outcomes: readonly Outcome[], limit: number, held: readonly string[]): Promise<FinishResult | null> {
    const { store } = this.deps;
    let res: FinishResult;
    try {
      res = await store.finishAndClaim(this.id, outcomes, limit);
    } catch (err) {
      if (classifyDbError(err) === 'content') return this.finishOneByOne(outcomes, limit, held);
      this.storeFailed(err);
      await sleep(STORE_RETRY_MS, this.deps.abortSignal).catch(() => undefined);
      try {
        const settled = await store.settle(this.id, outcomes, held);
        if (settled === null) return null;
        res = settled;
        this.deps.logger.info('worker: a write whose reply was lost had committed; carrying on from it', { worker: this.id });
      } catch (again) {
        this.storeFailed(again);
        return null;
      }
    }
    await this.report(res.finished, res.lost);
    return res;
  }

  /** One refused outcome must not hold the others: write each alone, failing the entry whose own is refused. */
  private async finishOneByOne(outcomes: readonly Outcome[], limit: number, held: readonly string[]): Promise<FinishResult | null> {
    const total: FinishResult = { finished: [], lost: [], claimed: [] };
    for (const o of outcomes) {
      const res = await this.finishAlone(o, held);
      if (res === null) break;
      total.finished.push(...res.finished);
      total.lost.push(...res.lost);
    }
    await this.report(total.finished, total.lost);
    if (limit > 0) {
      const more = await this.tryClaim(limit);
      if (more) total.claimed = more.claimed;
    }
    return total;
  }

  /**
   * Writes one outcome, whatever it takes: refused for its content, the entry is FAILED with the
   * database's reason instead (and released if even that is refused); unanswered, it is settled
   * before it is sent again, so one already written is not reported as a lost lock. null only once
   * shutdown is past its grace: the entry's lock is then left to the next open or its expiry.
   */
  private async finishAlone(first: Outcome, held: readonly string[]): Promise<FinishResult | null> {
    const { store, logger, abortSignal } = this.deps;
    let outcome = first;
    for (;;) {
      try {
        return await store.finishAndClaim(this.id, [outcome], 0);
      } catch (err) {
        if (classifyDbError(err) === 'content') {
          logger.error('worker: the database refused a stage outcome', { worker: this.id, entry: outcome.id, error: errorMessage(err) });
          if (outcome !== first) {
            await store.release(this.id, [outcome.id]).catch(() => undefined);
            return { finished: [], lost: [], claimed: [] };
          }
          const error = storableText(`Entryflow could not store this stage's outcome, so the entry was failed: ${errorMessage(err)}`, ERROR_TEXT_MAX);
          outcome = { ...outcome, to: 'FAILED', result: null, error, delayMs: 0 };
          continue;
        }
        this.storeFailed(err);
        if (abortSignal.aborted) return null;
        await sleep(STORE_RETRY_MS, abortSignal).catch(() => undefined);
        const settled = await store.settle(this.id, [outcome], held).catch(() => null);
        if (settled !== null) return { ...settled, claimed: [] };
      }
    }
  }

  private storeFailed(err: unknown): void {
    this.deps.logger.error('worker: store call failed; retrying', { worker: this.id, error: errorMessage(err) });
    this.deps.events.emit('storeError', { workerId: this.id, error: errorMessage(err) });
  }

  private async report(finished: readonly Entry[], lost: readonly string[]): Promise<void> {
    for (const entry of finished) this.deps.events.emit('transition', { workerId: this.id, entry });
    if (lost.length === 0) return;
    // A write refused because a person cancelled (or deleted) the entry is no lock trouble: say so
    // quietly. Rare, so the extra read costs nothing that matters.
    const quiet = new Set(await this.deps.store.cancelledOrGone(lost).catch(() => []));
    for (const entryId of lost) {
      if (quiet.has(entryId)) {
        this.deps.logger.info('worker: entry was cancelled while its stage ran; its outcome is dropped', { worker: this.id, entry: entryId });
        continue;
      }
      this.deps.logger.warn('worker: write refused, lock was lost', { worker: this.id, entry: entryId });
      this.deps.events.emit('lockLost', { workerId: this.id, entryId });
    }
  }

  /**
   * Runs the stage of every claimed entry at once. Returns the outcomes still to write; outcomes
   * that came early are written meanwhile if another stage lags (BATCH_FLUSH_MS).
   */
  private async runBatch(batch: readonly Entry[], lease: Lease): Promise<Outcome[]> {
    const { store, config } = this.deps;
    const controllers = new Map(batch.map((e) => [e.id, new AbortController()]));
    const stopAll = (why: StageStop['why']) => {
      for (const c of controllers.values()) if (!c.signal.aborted) c.abort(new StageStop(why));
    };
    const onAbort = () => stopAll('shutdown');
    this.deps.abortSignal.addEventListener('abort', onAbort, { once: true });
    if (this.deps.abortSignal.aborted) onAbort();
    const cancelledEarly = this.cancelledDuringClaim;
    this.cancelledDuringClaim = null;
    for (const [id, c] of controllers) {
      this.stages.set(id, c);
      if (cancelledEarly?.has(id) && !c.signal.aborted) c.abort(new StageStop('cancelled'));
    }

    const running = new Set(batch.map((e) => e.id));
    const ready: Outcome[] = [];
    const release: string[] = [];
    let changed: () => void = () => undefined;
    const settled = batch.map((entry) =>
      this.runStage(entry, controllers.get(entry.id) as AbortController, lease).then(async (r) => {
        running.delete(entry.id);
        this.stages.delete(entry.id);
        if (r.kind === 'outcome') ready.push(r.outcome);
        else if (r.kind === 'release') release.push(entry.id);
        else if (r.kind === 'lost') await this.report([], [entry.id]);
        else this.deps.logger.info('worker: stage stopped: the entry was cancelled', { worker: this.id, entry: entry.id });
        changed();
      }),
    );

    const timers: NodeJS.Timeout[] = [];
    if (config.leases) {
      // Renew at a third of the timeout, so two missed beats still leave the lock alive, and at least
      // twice per takeover grace: when only the server's clock jumped, the lock looks expired and gets
      // a takeover request (store.ts), which only a beat landing within the grace clears (see
      // ARCHITECTURE.md, "Heartbeat and lease").
      timers.push(
        setInterval(() => {
          if (lease.expired()) {
            stopAll('lease-expired');
            return;
          }
          const ids = [...running];
          const sentAt = lease.now();
          store.heartbeat(this.id, ids).then(
            (held) => {
              lease.renewed(sentAt);
              const still = new Set(held);
              for (const id of ids) if (!still.has(id)) controllers.get(id)?.abort(new StageStop('lock-lost'));
            },
            (err: unknown) => this.deps.logger.warn('worker: heartbeat failed', { worker: this.id, error: errorMessage(err) }),
          );
        }, Math.max(10, Math.floor(Math.min(config.lockTimeoutMs / 3, takeoverGraceMs(config.lockTimeoutMs) / 2)))),
        // The lease is checked far more often than the heartbeat: a clock step or a wake-up from sleep
        // is seen within a tick, well inside the takeover grace others must wait (store.ts).
        setInterval(() => {
          if (lease.expired()) stopAll('lease-expired');
        }, lease.checkEveryMs),
      );
    }

    try {
      for (;;) {
        if (running.size === 0) {
          await Promise.all(settled);
          break;
        }
        const progressed = new Promise<'progress'>((r) => (changed = () => r('progress')));
        // Only a lag flushes: stages that end together are written together, in one statement.
        const why = await (ready.length > 0 ? Promise.race([progressed, sleep(BATCH_FLUSH_MS).then(() => 'lag' as const)]) : progressed);
        if (why === 'lag' && running.size > 0 && ready.length > 0 && !this.deps.abortSignal.aborted) {
          // A stage lags: write what is done now rather than holding it hostage.
          const early = ready.splice(0);
          const res = await this.finish(early, 0, [...running]);
          if (res === null) ready.unshift(...early);
        }
      }
      if (release.length > 0) await this.release(release);
      return ready;
    } finally {
      for (const t of timers) clearInterval(t);
      for (const [id, c] of controllers) if (this.stages.get(id) === c) this.stages.delete(id);
      this.deps.abortSignal.removeEventListener('abort', onAbort);
    }
  }

  private async runStage(entry: Entry, controller: AbortController, lease: Lease): Promise<StageResult> {
    const { steps, pipeline, config } = this.deps;
    const index = steps.findIndex((s) => s.from === entry.status);
    const step = steps[index];
    const stage = pipeline[index];
    const stageNumber = index + 1;
    if (!step || !stage) {
      // The pipeline changed under a stored entry (fewer stages than before): fail it visibly.
      return {
        kind: 'outcome',
        outcome: { id: entry.id, from: entry.status, to: 'FAILED', progress: entry.progress, result: null, error: `No stage handles status ${entry.status} in this pipeline.`, delayMs: 0 },
      };
    }
    const { signal } = controller;
    const stopped = (): StageStop['why'] | null => (signal.aborted ? (signal.reason instanceof StageStop ? signal.reason.why : 'shutdown') : null);
    // Stopped before it began (cancelled while the claim was under way, or shutting down): the
    // stage never runs. The lock is given back, fenced: a no-op when a cancel already took it.
    const early = stopped();
    if (early !== null) {
      if (early === 'cancelled') this.deps.logger.info('worker: entry was cancelled before its stage started', { worker: this.id, entry: entry.id });
      return early === 'lock-lost' ? { kind: 'lost' } : { kind: 'release' };
    }
    // Any abort ends the wait at once, even for a stage that ignores its signal.
    const ended = new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
    const timer = setTimeout(() => controller.abort(new StageStop('timeout')), config.stageTimeoutMs);
    // Monotonic: a clock step during the stage must not turn into a day-long or negative duration.
    const startedAt = config.clock.monotonic();
    let failure: unknown;
    let returned: unknown;
    try {
      returned = await Promise.race([stage.run({ entry, stageNumber, signal }), ended]);
    } catch (err) {
      failure = err;
    } finally {
      clearTimeout(timer);
    }
    const ran = { stage: stageNumber, durationMs: Math.max(0, Math.round(config.clock.monotonic() - startedAt)) };
    // A stage that resumed from sleep before any timer ran: its lease decides, not its result.
    if (!signal.aborted && config.leases && lease.expired()) controller.abort(new StageStop('lease-expired'));
    const why = stopped();
    if (why !== null) {
      if (why === 'lock-lost') return { kind: 'lost' };
      if (why === 'cancelled') return { kind: 'cancelled' };
      // Shutdown, or a lease let go: given back (fenced, so a no-op if already taken over).
      if (why !== 'timeout') return { kind: 'release' };
      failure = new Error(`Stage ${stageNumber} ran longer than its limit of ${formatMs(config.stageTimeoutMs)} and was stopped.`);
    }
    if (failure === undefined) {
      const result =
        step.to === 'COMPLETED' ? storableText(typeof returned === 'string' ? returned : completionText(entry, steps.length, new Date()), RESULT_TEXT_MAX) : null;
      return { kind: 'outcome', outcome: { id: entry.id, from: step.from, to: step.to, progress: step.progress, result, error: null, delayMs: 0, ...ran } };
    }
    const error = storableText(errorMessage(failure, 'the stage failed without a message'), ERROR_TEXT_MAX);
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
        ...ran,
      },
    };
  }
}

function formatMs(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`;
}
