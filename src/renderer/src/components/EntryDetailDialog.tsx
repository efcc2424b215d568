import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef, type ReactNode } from 'react';
import type { EntryDetail, EntryEvent, RetryFrom } from '../../../shared/contract';
import { failedStageOf } from '../data/entries';
import { entryState, formatRetry, stageAfter } from '../lib/entry-state';
import { STATUS_LOOK } from '../lib/status';
import { formatClock, useNow } from '../lib/time';
import { Alert } from './Alert';
import { CheckIcon, RetryIcon } from './icons';
import { ProgressBar } from './ProgressBar';
import { RelativeTime } from './RelativeTime';
import { StatusBadge } from './StatusBadge';
import { DialogCloseButton } from './DialogCloseButton';
import { EntryActions } from './EntryActions';
import { Button } from './ui';
import { useReturnFocus } from './useReturnFocus';

export interface EntryDetailProps {
  /** The entry to show; null when closed. */
  id: string | null;
  onClose: () => void;
  /** What is known of it: the detail, or the row it was opened from while that loads. */
  entry: EntryDetail | undefined;
  loading: boolean;
  /** Why the detail could not be read, in words; null when it could. */
  loadError: string | null;
  /** The core's attempt limit ("attempt 2 of 3"), when known. */
  maxAttempts?: number;
  onRetry: (from: RetryFrom) => void;
  retrying: boolean;
  /** Why the last retry was refused, in words: shown here, once (no toast). */
  retryError: string | null;
  /** Cancel (waiting or running) and delete (finished, once confirmed); their errors are toasts. */
  onCancel: () => void;
  onDelete: () => void;
  /** The cancel or delete of this entry that is under way, if any. */
  actionBusy: 'cancel' | 'delete' | null;
}

/** A drawer with one entry's facts, result or error, and its event timeline. Presentational. */
export function EntryDetailDialog({ id, onClose, ...body }: EntryDetailProps) {
  // The row that opened the drawer may have been re-created by the virtualiser; find it by id.
  const lastId = useRef(id);
  useEffect(() => {
    if (id !== null) lastId.current = id;
  }, [id]);
  const returnFocus = useReturnFocus(() =>
    lastId.current ? document.querySelector<HTMLElement>(`tr[data-entry-id="${CSS.escape(lastId.current)}"]`) : null,
  );
  return (
    <Dialog.Root open={id !== null} onOpenChange={(open) => (open ? undefined : onClose())}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 animate-fade-in bg-zinc-950/30 dark:bg-black/50" />
        <Dialog.Content
          onOpenAutoFocus={returnFocus.onOpenAutoFocus}
          onCloseAutoFocus={returnFocus.onCloseAutoFocus}
          className="fixed inset-y-0 right-0 z-50 flex w-full max-w-xl animate-drawer-in flex-col border-l border-zinc-200 bg-white shadow-2xl shadow-zinc-950/20 dark:border-zinc-800 dark:bg-zinc-900">
          {id ? <DetailBody id={id} {...body} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

type BodyProps = Omit<EntryDetailProps, 'onClose' | 'id'> & { id: string };

function DetailBody({ id, entry, loading, loadError, maxAttempts, onCancel, onDelete, actionBusy, ...retry }: BodyProps) {
  const state = entry ? entryState(entry, maxAttempts) : null;
  return (
    <>
      <div className="flex items-start justify-between gap-4 border-b border-zinc-100 px-6 py-5 dark:border-zinc-800">
        <div className="min-w-0">
          <div className="mb-1.5 flex items-center gap-2">
            {entry && state ? <StatusBadge status={entry.status} label={state.label} running={state.running} /> : null}
            <span className="truncate font-mono text-[11px] text-zinc-600 dark:text-zinc-400">{id}</span>
          </div>
          <Dialog.Title dir="auto" className="text-lg leading-snug font-semibold break-words text-zinc-900 dark:text-zinc-50">
            {entry?.title ?? 'Entry'}
          </Dialog.Title>
          <Dialog.Description className="sr-only">Details and history of this entry</Dialog.Description>
        </div>
        <DialogCloseButton />
      </div>

      <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">
        {loadError ? (
          <Alert className="mb-4" title="The latest details could not be read.">
            {loadError}
          </Alert>
        ) : null}
        {entry ? (
          <DetailContent entry={entry} maxAttempts={maxAttempts} {...retry} />
        ) : loading ? (
          <p role="status" className="text-sm text-zinc-600 dark:text-zinc-400">
            Loading…
          </p>
        ) : null}
      </div>
      {entry ? (
        <EntryFooter>
          <EntryActions status={entry.status} busy={actionBusy} onCancel={onCancel} onDelete={onDelete} />
        </EntryFooter>
      ) : null}
    </>
  );
}

type ContentProps = Pick<EntryDetailProps, 'maxAttempts' | 'onRetry' | 'retrying' | 'retryError'> & { entry: EntryDetail };

function DetailContent({ entry, maxAttempts, onRetry, retrying, retryError }: ContentProps) {
  const stage = failedStageOf(entry);
  const state = entryState(entry, maxAttempts);
  const events = [...entry.events].sort((a, b) => a.at.localeCompare(b.at));
  const retryButtons = (
    <>
      <Button variant="primary" onClick={() => onRetry('failed-stage')} disabled={retrying}>
        <RetryIcon width={14} height={14} />
        {retrying ? 'Retrying…' : stage !== null && stage > 1 ? `Retry from stage ${stage}` : 'Retry'}
      </Button>
      {stage !== null && stage > 1 ? (
        <Button variant="secondary" className="h-7 text-xs" onClick={() => onRetry('start')} disabled={retrying}>
          Start over from stage 1
        </Button>
      ) : null}
    </>
  );
  const refused = retryError ? (
    <Alert variant="inline" className="mt-2 font-medium">
      {retryError}
    </Alert>
  ) : null;

  return (
    <div className="space-y-6">
      <ProgressBar value={entry.progress} status={entry.status} label={`Progress of ${entry.title}`} />

      {entry.status === 'FAILED' ? (
        <Alert role="region" label="Error" heading title="This entry failed" actions={retryButtons}>
          <p>{entry.error ?? 'No error message was recorded.'}</p>
          {refused}
        </Alert>
      ) : null}

      {entry.status === 'CANCELLED' ? (
        <Alert role="region" label="Cancelled" tone="neutral" heading title="This entry was cancelled" actions={retryButtons}>
          <p>It will not run again unless you retry it.</p>
          {refused}
        </Alert>
      ) : null}

      {entry.result ? (
        <section
          aria-label="Result"
          className="rounded-xl border border-emerald-200 bg-emerald-50/70 p-4 dark:border-emerald-500/25 dark:bg-emerald-500/10"
        >
          <h3 className="flex items-center gap-1.5 text-sm font-semibold text-emerald-800 dark:text-emerald-200">
            <CheckIcon width={14} height={14} /> Result
          </h3>
          <p className="mt-1.5 text-sm break-words whitespace-pre-wrap text-emerald-900 dark:text-emerald-100">
            {entry.result}
          </p>
        </section>
      ) : null}

      {entry.status !== 'FAILED' && entry.status !== 'CANCELLED' && entry.error ? (
        <Alert role="region" label="Retrying" tone="warning" title="Last attempt failed and will be retried:">
          {entry.error}
          {state.attempt ? (
            <span className="mt-1 block font-medium" data-testid="next-attempt">
              {state.running ? `${capitalise(state.attempt)} is running.` : <NextTry attempt={state.attempt} at={state.retryAt} />}
            </span>
          ) : null}
        </Alert>
      ) : null}

      <dl className="grid grid-cols-2 gap-x-6 gap-y-4 text-sm">
        <Fact label="Attempts">
          {entry.attempts}
          {maxAttempts !== undefined && entry.status !== 'COMPLETED' && entry.status !== 'CANCELLED' ? (
            <span className="font-normal text-zinc-600 dark:text-zinc-400"> of {maxAttempts}</span>
          ) : null}
        </Fact>
        <Fact label="Worker">
          {entry.lockedBy ? <span className="font-mono text-xs">{entry.lockedBy}</span> : <Muted>idle</Muted>}
        </Fact>
        <Fact label="Created">
          <RelativeTime iso={entry.createdAt} />
        </Fact>
        <Fact label="Updated">
          <RelativeTime iso={entry.updatedAt} />
        </Fact>
      </dl>

      <section aria-labelledby="timeline-heading">
        <h3
          id="timeline-heading"
          className="mb-3 text-[11px] font-semibold tracking-wider text-zinc-600 uppercase dark:text-zinc-400"
        >
          Timeline
        </h3>
        {events.length === 0 ? (
          <Muted>No events recorded yet.</Muted>
        ) : (
          <ol aria-label="Timeline" className="relative">
            {events.map((ev, i) => (
              <TimelineItem key={ev.id} event={ev} last={i === events.length - 1} />
            ))}
          </ol>
        )}
      </section>
    </div>
  );
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** "Attempt 2 of 3 · retry in 4m", against the shared clock. */
function NextTry({ attempt, at }: { attempt: string; at: string | null }) {
  const now = useNow();
  return (
    <>
      {capitalise(attempt)}
      {at ? (
        <>
          {' · '}
          <time dateTime={at} title={at}>
            {formatRetry(at, now)}
          </time>
        </>
      ) : null}
    </>
  );
}

function TimelineItem({ event, last }: { event: EntryEvent; last: boolean }) {
  const to = STATUS_LOOK[event.to];
  const story = timelineStory(event);
  const failedAttempt = story !== null;
  return (
    <li className="relative flex gap-3 pb-5 last:pb-0">
      {last ? null : <span aria-hidden className="absolute top-4 bottom-0 left-[5px] w-px bg-zinc-200 dark:bg-zinc-800" />}
      <span
        aria-hidden
        className={`relative mt-1.5 size-[11px] shrink-0 rounded-full ring-4 ring-white dark:ring-zinc-900 ${
          failedAttempt ? 'bg-amber-500' : to.dot
        }`}
      />
      <div className="min-w-0 flex-1">
        <div className="flex flex-wrap items-baseline justify-between gap-x-3">
          <p className="text-sm font-medium text-zinc-900 dark:text-zinc-100">
            {story ? (
              story.heading
            ) : event.from ? (
              <>
                {STATUS_LOOK[event.from].label} <span className="text-zinc-600 dark:text-zinc-400">→</span> {to.label}
              </>
            ) : (
              <>Created</>
            )}
          </p>
          <time dateTime={event.at} title={event.at} className="text-xs text-zinc-600 tabular-nums dark:text-zinc-400">
            {formatClock(event.at)}
            {event.durationMs !== null ? ` · took ${formatDuration(event.durationMs)}` : null}
          </time>
        </div>
        {event.workerId ? (
          <p className="mt-0.5 text-xs text-zinc-600 dark:text-zinc-400">
            by <span className="font-mono">{event.workerId}</span>
          </p>
        ) : null}
        {(story ? story.detail : event.message) ? (
          <p className="mt-1 text-[13px] break-words text-zinc-700 dark:text-zinc-300">{story ? story.detail : event.message}</p>
        ) : null}
      </div>
    </li>
  );
}

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

/**
 * A note written without a status change (from = to) is about the stage that ran: the event's own
 * stage when the core recorded it, else the one after that status. "Stage 2 failed (attempt 1)", not
 * "Stage 1 → Stage 1". The store writes a failed attempt as "attempt N failed: <error>"; any other
 * note (a released or rescued lock) keeps its text.
 */
function timelineStory(event: EntryEvent): { heading: string; detail: string | null } | null {
  if (event.from === null || event.from !== event.to) return null;
  const stage = event.stage ?? stageAfter(event.from);
  const name = stage === null ? STATUS_LOOK[event.from].label : `Stage ${stage}`;
  const failed = event.message ? /^attempt (\d+) failed: ([\s\S]*)$/.exec(event.message) : null;
  if (failed) return { heading: `${name} failed (attempt ${failed[1]})`, detail: failed[2] ?? null };
  return { heading: `${name} interrupted`, detail: event.message };
}

/** The drawer's bottom bar, shown only when an action applies (EntryActions renders nothing otherwise). */
function EntryFooter({ children }: { children: ReactNode }) {
  return (
    <div className="flex shrink-0 items-center justify-end gap-2 border-t border-zinc-100 px-6 py-3 empty:hidden dark:border-zinc-800">
      {children}
    </div>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-600 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 font-medium text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="text-sm text-zinc-600 dark:text-zinc-400">{children}</span>;
}
