/**
 * The pipeline is data: an ordered list of stages, each with a handler. Stages are numbered from 1
 * and named for the status they produce: stage 1 takes CREATED to STAGE_1, stage 2 takes STAGE_1 to
 * STAGE_2, and the last stage takes the entry to COMPLETED. An entry in STAGE_k has finished stage k
 * and waits for stage k+1. A 3-stage pipeline walks
 * CREATED → STAGE_1 (33%) → STAGE_2 (66%) → COMPLETED (100%); with fewer stages the path is shorter
 * (2 stages: CREATED → STAGE_1 → COMPLETED). Progress after stage k is floor(100·k/stages), so the
 * product's 66% (not round()'s 67) and 100% exactly at the last stage.
 */
import type { Entry, Status } from '../../shared/contract';

export interface StageContext {
  entry: Entry;
  /**
   * Which stage this is, from 1: stage k takes the entry from STAGE_(k-1) (CREATED for stage 1) to
   * STAGE_k (COMPLETED for the last). An entry in STAGE_k has finished stage k and waits for stage k+1.
   */
  stageNumber: number;
  /** Aborted when the lock is lost, the stage runs past stageTimeoutMs, a person cancels the entry, or the app shuts down past its grace period. */
  signal: AbortSignal;
}

export interface Stage {
  name: string;
  /** Resolves when the stage's work is done. A string returned by the last stage becomes `result`. */
  // eslint-disable-next-line @typescript-eslint/no-invalid-void-type -- handlers that return nothing are the common case
  run(ctx: StageContext): Promise<string | void>;
}

/** What stage k does to an entry's row: `steps[k-1]` of stepsFor(). */
export interface StageStep {
  from: Status;
  to: Status;
  progress: number;
}

const INTERMEDIATE: readonly Status[] = ['STAGE_1', 'STAGE_2'];
export const MAX_STAGES = INTERMEDIATE.length + 1;

/** The status path of a pipeline with `stages` stages, one step per stage, stage 1 first. */
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

/**
 * The built-in demo pipeline: three stages that each wait `delayMs`. A getter is read as each stage
 * starts, so the operator's stage delay (queue-control.ts) applies to the next stage without a restart.
 */
export function demoPipeline(delayMs: number | (() => number)): Stage[] {
  const delay = typeof delayMs === 'number' ? () => delayMs : delayMs;
  return [1, 2, 3].map((n) => ({
    name: `stage ${n}`,
    run: async ({ signal }) => {
      await sleep(delay(), signal);
    },
  }));
}

export function completionText(entry: Pick<Entry, 'title'>, stages: number, at: Date): string {
  return `Completed all ${stages} stage${stages === 1 ? '' : 's'} of "${entry.title}" at ${at.toISOString()}`;
}
