/**
 * The pipeline is data: an ordered list of stages, each with a handler. Stage k moves an entry from
 * the k-th status of its path to the next; a 3-stage pipeline walks
 * CREATED → STAGE_1 (33%) → STAGE_2 (66%) → COMPLETED (100%). Progress is floor(100·k/stages), so
 * the product's 66% (not round()'s 67) and 100% exactly at the last stage.
 */
import type { Entry, Status } from '../../shared/contract';

export interface StageContext {
  entry: Entry;
  /** 0-based index of the stage being run. */
  stage: number;
  /** Aborted when the lock is lost or the app shuts down past its grace period. */
  signal: AbortSignal;
}

export interface Stage {
  name: string;
  /** Resolves when the stage's work is done. A string returned by the last stage becomes `result`. */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- handlers that return nothing are the common case
  run(ctx: StageContext): Promise<string | void>;
}

export interface StageStep {
  from: Status;
  to: Status;
  progress: number;
}

const INTERMEDIATE: readonly Status[] = ['STAGE_1', 'STAGE_2'];
export const MAX_STAGES = INTERMEDIATE.length + 1;

/** The status path and per-stage steps of a pipeline with `stages` stages. */
export function stepsFor(stages: number): StageStep[] {
  if (!Number.isInteger(stages) || stages < 1 || stages > MAX_STAGES) {
    throw new RangeError(`A pipeline has 1 to ${MAX_STAGES} stages, not ${stages}.`);
  }
  const path: Status[] = ['CREATED', ...INTERMEDIATE.slice(0, stages - 1), 'COMPLETED'];
  return path.slice(1).map((to, k) => ({ from: path[k] as Status, to, progress: Math.floor((100 * (k + 1)) / stages) }));
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
      return;
    }
    if (ms <= 0) {
      resolve();
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** The built-in demo pipeline: three stages that each wait `delayMs`. */
export function demoPipeline(delayMs: number): Stage[] {
  return [1, 2, 3].map((n) => ({
    name: `stage ${n}`,
    run: async ({ signal }) => {
      await sleep(delayMs, signal);
    },
  }));
}

export function completionText(entry: Pick<Entry, 'title'>, stages: number, at: Date): string {
  return `Completed all ${stages} stage${stages === 1 ? '' : 's'} of "${entry.title}" at ${at.toISOString()}`;
}
