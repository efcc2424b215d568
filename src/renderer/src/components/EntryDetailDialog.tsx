import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useRef, type ReactNode } from 'react';
import { toast } from 'sonner';
import type { EntryDetail, EntryEvent, RetryFrom } from '../../../shared/contract';
import { errorMessage } from '../../../shared/error-message';
import { failedStageOf, useEntryDetail, useRetryEntry } from '../data/entries';
import { stageAfter } from '../lib/entry-state';
import { STATUS_LOOK } from '../lib/status';
import { formatClock } from '../lib/time';
import { AlertIcon, CheckIcon, RetryIcon } from './icons';
import { ProgressBar } from './ProgressBar';
import { RelativeTime } from './RelativeTime';
import { StatusBadge } from './StatusBadge';
import { DialogCloseButton } from './DialogCloseButton';
import { Button } from './ui';
import { useReturnFocus } from './useReturnFocus';

interface Props {
  /** The entry to show; null when closed. */
  id: string | null;
  onClose: () => void;
}

/** A drawer with one entry's facts, result or error, and its event timeline. */
export function EntryDetailDialog({ id, onClose }: Props) {
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
          {id ? <DetailBody id={id} /> : null}
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function DetailBody({ id }: { id: string }) {
  const detail = useEntryDetail(id);
  const entry = detail.data;
  return (
    <>
      <div className="flex items-start justify-between gap-4 border-b border-zinc-100 px-6 py-5 dark:border-zinc-800">
        <div className="min-w-0">
          <div className="mb-1.5 flex items-center gap-2">
            {entry ? <StatusBadge status={entry.status} /> : null}
            <span className="truncate font-mono text-[11px] text-zinc-400">{id}</span>
          </div>
          <Dialog.Title className="text-lg leading-snug font-semibold break-words text-zinc-900 dark:text-zinc-50">
            {entry?.title ?? 'Entry'}
          </Dialog.Title>
          <Dialog.Description className="sr-only">Details and history of this entry</Dialog.Description>
        </div>
        <DialogCloseButton />
      </div>

      <div className="min-h-0 flex-1 overflow-y-auto px-6 py-5">
        {detail.isError ? (
          <p
            role="alert"
            className="mb-4 flex items-start gap-2 rounded-lg border border-rose-200 bg-rose-50 px-3 py-2.5 text-sm text-rose-700 dark:border-rose-500/30 dark:bg-rose-500/10 dark:text-rose-300"
          >
            <AlertIcon className="mt-0.5 shrink-0" />
            <span>{errorMessage(detail.error)}</span>
          </p>
        ) : null}
        {entry ? (
          <DetailContent entry={entry} />
        ) : detail.isPending ? (
          <p role="status" className="text-sm text-zinc-500">
            Loading…
          </p>
        ) : null}
      </div>
    </>
  );
}

function DetailContent({ entry }: { entry: EntryDetail }) {
  const retry = useRetryEntry();
  const stage = failedStageOf(entry);
  const onRetry = (from: RetryFrom) =>
    retry.mutate({ id: entry.id, from }, {
      onSuccess: () =>
        toast.success(from === 'start' || stage === null ? 'Retry scheduled' : `Retry from stage ${stage} scheduled`, { description: entry.title }),
      onError: (err) => toast.error('Could not retry the entry', { description: errorMessage(err) }),
    });
  const events = [...entry.events].sort((a, b) => a.at.localeCompare(b.at));

  return (
    <div className="space-y-6">
      <ProgressBar value={entry.progress} status={entry.status} label={`Progress of ${entry.title}`} />

      {entry.status === 'FAILED' ? (
        <section
          aria-label="Error"
          className="rounded-xl border border-rose-200 bg-rose-50 p-4 dark:border-rose-500/30 dark:bg-rose-500/10"
        >
          <div className="flex items-start gap-3">
            <AlertIcon className="mt-0.5 shrink-0 text-rose-600 dark:text-rose-400" />
            <div className="min-w-0 flex-1">
              <h3 className="text-sm font-semibold text-rose-800 dark:text-rose-200">This entry failed</h3>
              <p className="mt-1 text-sm break-words text-rose-700 dark:text-rose-300">
                {entry.error ?? 'No error message was recorded.'}
              </p>
              {retry.isError ? (
                <p role="alert" className="mt-2 text-sm font-medium text-rose-700 dark:text-rose-300">
                  {errorMessage(retry.error)}
                </p>
              ) : null}
            </div>
            <div className="flex shrink-0 flex-col items-end gap-1.5">
              <Button variant="primary" onClick={() => onRetry('failed-stage')} disabled={retry.isPending}>
                <RetryIcon width={14} height={14} />
                {retry.isPending ? 'Retrying…' : stage !== null && stage > 1 ? `Retry from stage ${stage}` : 'Retry'}
              </Button>
              {stage !== null && stage > 1 ? (
                <Button variant="secondary" className="h-7 text-xs" onClick={() => onRetry('start')} disabled={retry.isPending}>
                  Start over from stage 1
                </Button>
              ) : null}
            </div>
          </div>
        </section>
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

      {entry.status !== 'FAILED' && entry.error ? (
        <p className="rounded-lg border border-amber-200 bg-amber-50 px-3 py-2.5 text-sm text-amber-800 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200">
          Last attempt failed and will be retried: {entry.error}
        </p>
      ) : null}

      <dl className="grid grid-cols-2 gap-x-6 gap-y-4 text-sm">
        <Fact label="Attempts">{entry.attempts}</Fact>
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
          className="mb-3 text-[11px] font-semibold tracking-wider text-zinc-500 uppercase dark:text-zinc-400"
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
                {STATUS_LOOK[event.from].label} <span className="text-zinc-500 dark:text-zinc-400">→</span> {to.label}
              </>
            ) : (
              <>Created</>
            )}
          </p>
          <time dateTime={event.at} title={event.at} className="text-xs text-zinc-400 tabular-nums">
            {formatClock(event.at)}
          </time>
        </div>
        {event.workerId ? (
          <p className="mt-0.5 text-xs text-zinc-500 dark:text-zinc-400">
            by <span className="font-mono">{event.workerId}</span>
          </p>
        ) : null}
        {(story ? story.detail : event.message) ? (
          <p className="mt-1 text-[13px] break-words text-zinc-600 dark:text-zinc-300">{story ? story.detail : event.message}</p>
        ) : null}
      </div>
    </li>
  );
}

/**
 * A note written without a status change (from = to) is about the stage that ran, which is the one
 * after that status: "Stage 2 failed (attempt 1)", not "Stage 1 → Stage 1". The store writes a failed
 * attempt as "attempt N failed: <error>"; any other note (a released or rescued lock) keeps its text.
 */
function timelineStory(event: EntryEvent): { heading: string; detail: string | null } | null {
  if (event.from === null || event.from !== event.to) return null;
  const stage = stageAfter(event.from);
  const name = stage === null ? STATUS_LOOK[event.from].label : `Stage ${stage}`;
  const failed = event.message ? /^attempt (\d+) failed: ([\s\S]*)$/.exec(event.message) : null;
  if (failed) return { heading: `${name} failed (attempt ${failed[1]})`, detail: failed[2] ?? null };
  return { heading: `${name} interrupted`, detail: event.message };
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-0.5 font-medium text-zinc-900 dark:text-zinc-100">{children}</dd>
    </div>
  );
}

function Muted({ children }: { children: ReactNode }) {
  return <span className="text-sm text-zinc-400 dark:text-zinc-500">{children}</span>;
}
