/**
 * The worker pool: N loops sharing one store, one waker and a two-phase shutdown.
 * Phase 1 stops claiming and lets in-flight stages finish; after the grace period phase 2 aborts
 * them, and the loops release their entries. `stop` is idempotent.
 *
 * Live settings (queue-control.ts): `setPaused` makes every loop claim nothing (a stage already
 * running finishes and its outcome is written); resuming wakes the idle loops at once. `resize`
 * starts new loops, or stops the newest ones the way shutdown's first phase does — they finish the
 * stage in hand, write it, and exit — so no stage is abandoned. A loop id is never reused: it is the
 * lock token, and a stopping loop may still be writing under it.
 */
import { setMaxListeners } from 'node:events';
import { WorkerLoop, type WorkerDeps } from './worker';

interface Member {
  loop: WorkerLoop;
  /** Aborted to retire this loop alone (a shrink). */
  retire: AbortController;
}

export class WorkerPool {
  private readonly stopCtrl = new AbortController();
  private readonly abortCtrl = new AbortController();
  private readonly members: Member[] = [];
  private running: Promise<void>[] = [];
  private stopping: Promise<void> | null = null;
  private started = false;
  private paused = false;
  private nextNumber = 1;
  /** Loops retired by a shrink whose last stage may still run: a cancel must reach them too. */
  private readonly retired = new Set<WorkerLoop>();
  private readonly runs = new Map<WorkerLoop, Promise<void>>();
  /** The crash suspects' solo run (start); loops started later wait for it like the first ones. */
  private alone: Promise<void> = Promise.resolve();

  constructor(
    size: number,
    /** Unique per process instance, so tokens never collide across processes or restarts. */
    private readonly instanceId: string,
    private readonly deps: Omit<WorkerDeps, 'stopSignal' | 'abortSignal' | 'paused'>,
  ) {
    // Every loop listens on the same two signals; their count is bounded by the pool size.
    setMaxListeners(0, this.stopCtrl.signal, this.abortCtrl.signal);
    for (let i = 0; i < size; i++) this.members.push(this.member());
  }

  private member(): Member {
    const retire = new AbortController();
    const stopSignal = AbortSignal.any([this.stopCtrl.signal, retire.signal]);
    const full: WorkerDeps = { ...this.deps, stopSignal, abortSignal: this.abortCtrl.signal, paused: () => this.paused };
    return { loop: new WorkerLoop(`${this.instanceId}/w${this.nextNumber++}`, full), retire };
  }

  get size(): number {
    return this.members.length;
  }

  get workerIds(): string[] {
    return this.members.map((m) => m.loop.id);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  /**
   * Starts the loops. `suspects` (entries a crashed run was working on) first run one at a time on
   * the first loop, with nothing beside them: if one of them kills the process again, only it is
   * charged the attempt, and after maxAttempts such crashes it is FAILED (store.ts, "Poison").
   */
  start(suspects: readonly string[] = []): void {
    if (this.started || this.stopCtrl.signal.aborted) return;
    this.started = true;
    const first = this.members[0];
    this.alone = first && suspects.length > 0 ? first.loop.runAlone(suspects) : Promise.resolve();
    this.running = this.members.map((m) => this.runOf(m.loop));
  }

  private runOf(loop: WorkerLoop): Promise<void> {
    const run = this.alone.then(() => loop.run());
    this.runs.set(loop, run);
    void run.finally(() => this.runs.delete(loop)).catch(() => undefined);
    return run;
  }

  /** Paused: no loop claims; resumed: idle loops look for work at once. */
  setPaused(paused: boolean): void {
    if (this.paused === paused) return;
    this.paused = paused;
    if (!paused) this.deps.waker.wakeAll();
  }

  /** Grows or shrinks to `size` loops (≥ 1) while running; a no-op once stopping. */
  resize(size: number): void {
    if (this.stopCtrl.signal.aborted || size < 1) return;
    while (this.members.length < size) {
      const m = this.member();
      this.members.push(m);
      if (this.started) this.running.push(this.runOf(m.loop));
    }
    const retiring = this.members.splice(size);
    for (const m of retiring) {
      m.retire.abort();
      this.retired.add(m.loop);
      // Dropped once its run ends (at once if it never started), so the set stays small.
      const done = this.runs.get(m.loop);
      if (done === undefined) this.retired.delete(m.loop);
      else void done.then(() => this.retired.delete(m.loop));
    }
    // A retiring loop may be asleep waiting for work: wake it so it sees its stop now.
    if (retiring.length > 0) this.deps.waker.wakeAll();
  }

  /** Aborts the stages of these entries wherever a loop of this pool runs them (a person cancelled them). */
  cancel(ids: readonly string[]): void {
    for (const m of this.members) m.loop.cancel(ids);
    for (const loop of this.retired) loop.cancel(ids);
  }

  stop(graceMs: number): Promise<void> {
    this.stopping ??= (async () => {
      this.stopCtrl.abort();
      const all = Promise.allSettled(this.running);
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), graceMs);
      });
      const first = await Promise.race([all.then(() => 'done' as const), graceOver]);
      clearTimeout(timer);
      if (first === 'timeout') {
        this.abortCtrl.abort();
        await all;
      }
    })();
    return this.stopping;
  }
}
