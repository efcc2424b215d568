/**
 * The worker pool: N loops sharing one store, one waker and a two-phase shutdown.
 * Phase 1 stops claiming and lets in-flight stages finish; after the grace period phase 2 aborts
 * them, and the loops release their entries. `stop` is idempotent.
 */
import { setMaxListeners } from 'node:events';
import { WorkerLoop, type WorkerDeps } from './worker';

export class WorkerPool {
  private readonly stopCtrl = new AbortController();
  private readonly abortCtrl = new AbortController();
  private readonly loops: WorkerLoop[];
  private running: Promise<void>[] = [];
  private stopping: Promise<void> | null = null;

  constructor(
    size: number,
    /** Unique per process instance, so tokens never collide across processes or restarts. */
    instanceId: string,
    deps: Omit<WorkerDeps, 'stopSignal' | 'abortSignal'>,
  ) {
    // Every loop listens on the same two signals; their count is bounded by the pool size.
    setMaxListeners(0, this.stopCtrl.signal, this.abortCtrl.signal);
    const full: WorkerDeps = { ...deps, stopSignal: this.stopCtrl.signal, abortSignal: this.abortCtrl.signal };
    this.loops = Array.from({ length: size }, (_, i) => new WorkerLoop(`${instanceId}/w${i + 1}`, full));
  }

  get size(): number {
    return this.loops.length;
  }

  get workerIds(): string[] {
    return this.loops.map((l) => l.id);
  }

  /**
   * Starts the loops. `suspects` (entries a crashed run was working on) first run one at a time on
   * the first loop, with nothing beside them: if one of them kills the process again, only it is
   * charged the attempt, and after maxAttempts such crashes it is FAILED (store.ts, "Poison").
   */
  start(suspects: readonly string[] = []): void {
    if (this.running.length > 0 || this.stopCtrl.signal.aborted) return;
    const first = this.loops[0];
    const alone = first && suspects.length > 0 ? first.runAlone(suspects) : Promise.resolve();
    this.running = this.loops.map((l) => alone.then(() => l.run()));
  }

  /** Aborts the stages of these entries wherever a loop of this pool runs them (a person cancelled them). */
  cancel(ids: readonly string[]): void {
    for (const l of this.loops) l.cancel(ids);
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
