/**
 * Smoke mode: ENTRYFLOW_SMOKE_TEST=1 makes the app prove, on the OS it runs on, that it starts:
 * the window loads our page, the core opens its data folder, an entry is created, and the page is
 * answered a list holding that entry through the real IPC path (sender check included). Then it
 * prints one JSON line (also written to ENTRYFLOW_SMOKE_RESULT when set) and quits: 0 when every
 * step passed, 1 on the first failure or at the overall deadline. No dialog is ever shown in this
 * mode, so CI can never hang on one. release.yml runs it on the unpacked packaged app
 * (scripts/smoke-packaged.ts) with ENTRYFLOW_USER_DATA_DIR set to a fresh folder.
 *
 * Electron-free: index.ts passes the window's load, the core's opening and the reload in.
 */
import type { Envelope } from '../shared/contract';
import type { CorePort } from './core-port';

export const SMOKE_ENV = 'ENTRYFLOW_SMOKE_TEST';
export const SMOKE_RESULT_ENV = 'ENTRYFLOW_SMOKE_RESULT';
/** Covers a cold first launch on a slow CI runner (initdb fallback included) with room to spare. */
export const SMOKE_TIMEOUT_MS = 120_000;

export function isSmokeRun(env: Readonly<Record<string, string | undefined>>): boolean {
  return env[SMOKE_ENV] === '1';
}

export type SmokeStep = 'window' | 'core' | 'create' | 'page';

export interface SmokeResult {
  smoke: 'passed' | 'failed';
  /** The step that failed, or the last one when passed. */
  step: SmokeStep;
  ms: number;
  version: string;
  platform: string;
  arch: string;
  entryId?: string;
  error?: string;
}

type Invoke = Pick<CorePort, 'invoke'>;

export interface SmokeProbe {
  /** Wraps the port the IPC handlers answer from, to see every list the page was sent. */
  tap(port: Invoke): Invoke;
  /** Resolves once the page has been answered a list holding this entry. */
  listed(id: string): Promise<void>;
}

function listedIds(data: unknown): string[] {
  if (typeof data !== 'object' || data === null || !('items' in data) || !Array.isArray(data.items)) return [];
  const ids: string[] = [];
  for (const item of data.items as unknown[]) {
    if (typeof item === 'object' && item !== null && 'id' in item && typeof item.id === 'string') ids.push(item.id);
  }
  return ids;
}

export function createSmokeProbe(): SmokeProbe {
  const seen = new Set<string>();
  const waiters = new Map<string, () => void>();
  const record = (answer: Envelope<unknown>): void => {
    if (!answer.ok) return;
    for (const id of listedIds(answer.data)) {
      seen.add(id);
      waiters.get(id)?.();
    }
  };
  return {
    tap: (port) => ({
      invoke: async (channel, payload) => {
        const answer = await port.invoke(channel, payload);
        if (channel === 'entries:list') record(answer);
        return answer;
      },
    }),
    listed: (id) =>
      seen.has(id)
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiters.set(id, resolve);
          }),
  };
}

export interface SmokeInputs {
  /** Our page finished loading in the window (rejects when it failed to). */
  pageLoaded: Promise<void>;
  /** The opening core (rejects with the reason it could not open). */
  core: Promise<Invoke>;
  /** Reloads the page, whose first act is to list the entries: no wait on its 2 s poll. */
  reload(): void;
  probe: SmokeProbe;
  about: { version: string; platform: string; arch: string };
  timeoutMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const defaultTimer = (fn: () => void, ms: number): { cancel(): void } => {
  const handle = setTimeout(fn, ms);
  return {
    cancel: () => {
      clearTimeout(handle);
    },
  };
};

const messageOf = (error: unknown): string => {
  if (typeof error === 'object' && error !== null && 'message' in error && typeof error.message === 'string') {
    const code = 'code' in error && typeof error.code === 'string' ? `${error.code}: ` : '';
    return `${code}${error.message}`;
  }
  return String(error);
};

/** Never rejects: every outcome is a result to print. */
export async function runSmoke(inputs: SmokeInputs): Promise<SmokeResult> {
  const now = inputs.now ?? Date.now;
  const setTimer = inputs.setTimer ?? defaultTimer;
  const timeoutMs = inputs.timeoutMs ?? SMOKE_TIMEOUT_MS;
  const started = now();
  let step: SmokeStep = 'window';
  let entryId: string | undefined;
  const result = (smoke: SmokeResult['smoke'], error?: string): SmokeResult => ({
    smoke,
    step,
    ms: now() - started,
    ...inputs.about,
    ...(entryId === undefined ? {} : { entryId }),
    ...(error === undefined ? {} : { error }),
  });

  const failedAt =
    (at: SmokeStep) =>
    (error: unknown): never => {
      step = at;
      throw error;
    };
  const steps = async (): Promise<SmokeResult> => {
    // Both at once: a core that cannot open fails the run even while the page is still loading.
    const page = inputs.pageLoaded.then(() => {
      if (step === 'window') step = 'core';
    }, failedAt('window'));
    const [, core] = await Promise.all([page, inputs.core.catch(failedAt('core'))]);
    step = 'create';
    const created = await core.invoke('entries:create', { title: `Smoke test ${new Date(started).toISOString()}` });
    if (!created.ok) return result('failed', `${created.error.code}: ${created.error.message}`);
    const ids = listedIds({ items: [created.data] });
    if (ids[0] === undefined) return result('failed', 'entries:create answered without an entry id');
    entryId = ids[0];
    step = 'page';
    const shown = inputs.probe.listed(entryId);
    inputs.reload();
    await shown;
    return result('passed');
  };

  let timer: { cancel(): void } | undefined;
  const deadline = new Promise<SmokeResult>((resolve) => {
    timer = setTimer(() => {
      resolve(result('failed', `no progress past this step within ${String(timeoutMs)} ms`));
    }, timeoutMs);
  });
  try {
    return await Promise.race([steps().catch((error: unknown) => result('failed', messageOf(error))), deadline]);
  } finally {
    timer?.cancel();
  }
}
