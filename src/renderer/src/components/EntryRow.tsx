import { memo, type KeyboardEvent } from 'react';
import type { Entry } from '../../../shared/contract';
import { AlertIcon } from './icons';
import { ProgressBar } from './ProgressBar';
import { RelativeTime } from './RelativeTime';
import { StatusBadge } from './StatusBadge';

export const ROW_HEIGHT = 56;

/** The random tail of an id is what tells entries apart at a glance; the full id is on hover and in the drawer. */
function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}

interface Props {
  entry: Entry;
  onOpen: (id: string) => void;
}

function moveFocus(from: HTMLElement, direction: 'next' | 'prev') {
  let el = direction === 'next' ? from.nextElementSibling : from.previousElementSibling;
  while (el && !(el instanceof HTMLElement && el.dataset.entryId)) {
    el = direction === 'next' ? el.nextElementSibling : el.previousElementSibling;
  }
  if (el instanceof HTMLElement) el.focus();
}

/**
 * One table row. Memoised on the entry object: TanStack Query's structural sharing hands back the
 * very same object for an entry whose data did not change, so a poll re-renders only changed rows.
 * `onOpen` must be stable (the table passes a useCallback).
 */
export const EntryRow = memo(function EntryRow({ entry, onOpen }: Props) {
  const onKeyDown = (e: KeyboardEvent<HTMLTableRowElement>) => {
    if (e.target !== e.currentTarget) return;
    if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(entry.id);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      moveFocus(e.currentTarget, e.key === 'ArrowDown' ? 'next' : 'prev');
    }
  };
  const retrying = entry.error !== null && entry.status !== 'FAILED';
  return (
    <tr
      tabIndex={0}
      data-entry-id={entry.id}
      data-status={entry.status}
      aria-label={`${entry.title}, ${entry.status}, ${entry.progress}%`}
      onClick={() => onOpen(entry.id)}
      onKeyDown={onKeyDown}
      style={{ height: ROW_HEIGHT }}
      className="group cursor-pointer border-b border-zinc-100 transition-colors outline-none last:border-b-0 hover:bg-zinc-50 focus-visible:bg-indigo-50/60 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-500 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40 dark:focus-visible:bg-indigo-500/10"
    >
      <td className="max-w-0 py-2 pr-3 pl-5">
        <div className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100" title={entry.title}>
          {entry.title}
        </div>
        <div className="truncate font-mono text-[11px] text-zinc-400 dark:text-zinc-500" title={entry.id}>
          {shortId(entry.id)}
        </div>
      </td>
      <td className="px-3 py-2">
        <StatusBadge status={entry.status} />
      </td>
      <td className="px-3 py-2">
        <ProgressBar value={entry.progress} status={entry.status} label={`Progress of ${entry.title}`} />
      </td>
      <td className="max-w-0 px-3 py-2 text-[13px]">
        {entry.status === 'FAILED' && entry.error ? (
          <span className="flex items-center gap-1.5 text-rose-600 dark:text-rose-400" title={entry.error}>
            <AlertIcon width={14} height={14} className="shrink-0" />
            <span className="truncate">{entry.error}</span>
          </span>
        ) : entry.result ? (
          <span className="block truncate text-zinc-600 dark:text-zinc-300" title={entry.result}>
            {entry.result}
          </span>
        ) : retrying ? (
          <span className="block truncate text-amber-600 dark:text-amber-400" title={entry.error ?? undefined}>
            Retrying · {entry.error}
          </span>
        ) : (
          <span className="text-zinc-300 dark:text-zinc-600">—</span>
        )}
      </td>
      <td className="px-3 py-2 text-[13px] whitespace-nowrap text-zinc-500 dark:text-zinc-400">
        <RelativeTime iso={entry.createdAt} />
      </td>
      <td className="py-2 pr-5 pl-3 text-[13px] whitespace-nowrap text-zinc-500 dark:text-zinc-400">
        <RelativeTime iso={entry.updatedAt} />
      </td>
    </tr>
  );
});
