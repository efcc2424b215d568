/**
 * OS notifications for failed entries: when an entry FAILS (terminal; a failed attempt that will be
 * retried is not a failure yet) while the window is not focused, and the stored setting
 * notifyOnFailure is on.
 *
 * Coalesced, leading and trailing edge like the change notices: the first failure after a quiet
 * spell is shown at once, naming the entry and its error; failures in the FAILURE_NOTICE_WINDOW_MS
 * that follow are summarised in one notification when it ends ("3 more entries failed: …"), so a
 * broken stage failing a thousand entries makes a handful of notifications, not a thousand.
 *
 * Electron-free: the notification factory, the focus check and the setting are injected, so the
 * logic is tested in Node (test/main/failure-notices.test.ts); index.ts holds the few lines of glue.
 */
import type { Entry } from '../shared/contract';
import type { Core } from './core/index';

export const FAILURE_NOTICE_WINDOW_MS = 5000;
/** Longest error text shown; an OS truncates long bodies anyway, and unpredictably. */
const ERROR_SHOWN_MAX = 180;
/** Titles named in a summary before "and N more". */
const TITLES_SHOWN = 3;

export interface FailureNotice {
  title: string;
  body: string;
  /** The entry a click should open; null for a summary of several. */
  entryId: string | null;
}

export interface FailureNoticeDeps {
  events: Pick<Core['events'], 'on' | 'off'>;
  isWindowFocused(): boolean;
  /** The stored notifyOnFailure setting; a failure to read it counts as on (the default). */
  notifyOnFailure(): Promise<boolean>;
  /** Shows the notification; `onClick` runs when the person clicks it. */
  show(notice: FailureNotice, onClick: () => void): void;
  /** A notification was clicked: bring the window forward (and open the entry, given one). */
  open(entryId: string | null): void;
  windowMs?: number;
}

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

/** Failures waiting to be summarised: a few to name and a count, never the whole burst. */
export interface FailureBatch {
  sample: Entry[];
  count: number;
  latestError: string | null;
}

const batchOf = (entry: Entry): FailureBatch => ({ sample: [entry], count: 1, latestError: entry.error });

function add(batch: FailureBatch, entry: Entry): void {
  if (batch.sample.length < TITLES_SHOWN) batch.sample.push(entry);
  batch.count++;
  batch.latestError = entry.error ?? batch.latestError;
}

export function describeFailures(failed: FailureBatch, more: boolean): FailureNotice {
  const first = failed.sample[0];
  if (failed.count === 1 && first !== undefined) {
    return {
      title: `${more ? 'Another entry' : 'Entry'} failed: ${clip(first.title, 80)}`,
      body: clip(first.error ?? 'It failed without an error message.', ERROR_SHOWN_MAX),
      entryId: first.id,
    };
  }
  const named = failed.sample.map((e) => `“${clip(e.title, 40)}”`);
  const rest = failed.count - named.length;
  const latest = failed.latestError;
  return {
    title: `${failed.count} ${more ? 'more ' : ''}entries failed`,
    body: `${named.join(', ')}${rest > 0 ? ` and ${rest} more` : ''}.${latest ? ` Latest error: ${clip(latest, 120)}` : ''}`,
    entryId: null,
  };
}

/** Subscribes to the core's stage outcomes; returns the stop function. */
export function startFailureNotices(deps: FailureNoticeDeps): () => void {
  const windowMs = deps.windowMs ?? FAILURE_NOTICE_WINDOW_MS;
  let pending: FailureBatch | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let stopped = false;

  const show = async (failed: FailureBatch, more: boolean) => {
    const on = await deps.notifyOnFailure().catch(() => true);
    if (!on || stopped) return;
    const notice = describeFailures(failed, more);
    try {
      deps.show(notice, () => {
        deps.open(notice.entryId);
      });
    } catch {
      // A notification the OS refused is not worth an error dialog; the entry shows FAILED in the window.
    }
  };

  const endOfWindow = () => {
    timer = null;
    if (pending === null || stopped) return;
    const failed = pending;
    pending = null;
    timer = setTimeout(endOfWindow, windowMs);
    void show(failed, true);
  };

  const onTransition = ({ entry }: { entry: Entry }) => {
    if (entry.status !== 'FAILED' || stopped) return;
    // Judged when it fails: a person looking at the window sees it there.
    if (deps.isWindowFocused()) return;
    if (timer === null) {
      timer = setTimeout(endOfWindow, windowMs);
      void show(batchOf(entry), false);
      return;
    }
    if (pending === null) pending = batchOf(entry);
    else add(pending, entry);
  };

  deps.events.on('transition', onTransition);
  return () => {
    stopped = true;
    deps.events.off('transition', onTransition);
    if (timer !== null) clearTimeout(timer);
    timer = null;
    pending = null;
  };
}

/** The notifyOnFailure setting, read through the contract (queue:state); an error counts as on. */
export async function readNotifyOnFailure(core: Pick<Core, 'invoke'>): Promise<boolean> {
  const r = await core.invoke('queue:state', {});
  return r.ok ? r.data.notifyOnFailure : true;
}
