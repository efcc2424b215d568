import { memo } from 'react';
import type { Entry } from '../../../shared/contract';
import type { Density } from '../lib/density';
import { entryState, formatRetry, rowLabel, type EntryState } from '../lib/entry-state';
import { STATUS_LOOK } from '../lib/status';
import type { TableLayout } from '../lib/table-layout';
import { useNow } from '../lib/time';
import { AlertIcon } from './icons';
import { ProgressBar } from './ProgressBar';
import { RelativeTime } from './RelativeTime';
import { RowCheckbox } from './SelectCheckbox';
import { StatusBadge } from './StatusBadge';

export const ROW_HEIGHT: Record<Density, number> = { comfortable: 56, compact: 36 };

/** The random tail of an id is what tells entries apart at a glance; the full id is on hover and in the drawer. */
function shortId(id: string): string {
  return id.length > 12 ? `…${id.slice(-8)}` : id;
}

interface Props {
  entry: Entry;
  onOpen: (id: string) => void;
  /** 1-based position in the grid, counting the header row (aria-rowindex). */
  rowIndex: number;
  /** The grid's one Tab stop (roving tabindex). */
  active: boolean;
  /** Rendered off screen only to hold the focus: `data-pinned`, so "rows on screen" can leave it out. */
  pinned?: boolean;
  layout: TableLayout;
  density: Density;
  maxAttempts?: number;
  /** Ticked for a bulk action; undefined where the table has no selection. */
  selected?: boolean;
  /** Must be stable, like onOpen (the row is memoised). Absent: no checkbox cell. */
  onToggleSelect?: (id: string, range: boolean) => void;
}

/**
 * One table row. Memoised on the entry object: TanStack Query's structural sharing hands back the
 * very same object for an entry whose data did not change, so a poll re-renders only changed rows.
 * `onOpen` must be stable (the table passes a useCallback). Keys are handled by the table (grid).
 */
export const EntryRow = memo(function EntryRow({
  entry,
  onOpen,
  rowIndex,
  active,
  pinned = false,
  layout,
  density,
  maxAttempts,
  selected = false,
  onToggleSelect,
}: Props) {
  const state = entryState(entry, maxAttempts);
  const compact = density === 'compact';
  const showProgress = layout !== 'narrow';
  const showResult = layout === 'wide' || layout === 'full';
  const cellY = compact ? 'py-1' : 'py-2';
  return (
    <tr
      role="row"
      aria-rowindex={rowIndex}
      tabIndex={active ? 0 : -1}
      data-entry-id={entry.id}
      data-status={entry.status}
      data-progress={entry.progress}
      data-running={state.running || undefined}
      data-pinned={pinned || undefined}
      aria-label={rowLabel(entry, state)}
      aria-selected={onToggleSelect ? selected : undefined}
      onClick={(e) => {
        // Shift-click on a row extends the selection, as on its checkbox; a plain click opens it.
        if (e.shiftKey && onToggleSelect) onToggleSelect(entry.id, true);
        else onOpen(entry.id);
      }}
      style={{ height: ROW_HEIGHT[density] }}
      className="entry-row group cursor-pointer border-b border-zinc-100 transition-colors last:border-b-0 hover:bg-zinc-50 aria-selected:bg-indigo-50/70 dark:border-zinc-800/70 dark:hover:bg-zinc-800/40 dark:aria-selected:bg-indigo-500/10"
    >
      {onToggleSelect ? (
        <td role="gridcell" data-column="select" className={`pr-0 pl-5 ${cellY}`}>
          <span className="flex items-center">
            <RowCheckbox checked={selected} label={`Select ${entry.title}`} onToggle={(range) => onToggleSelect(entry.id, range)} />
          </span>
        </td>
      ) : null}
      {/* Clipped: stacked combining marks must not paint over the rows around. dir="auto": an RTL title
          reads right to left, isolated from the LTR text around it. */}
      <td role="gridcell" data-column="title" className={`max-w-0 overflow-hidden pr-3 ${onToggleSelect ? 'pl-2.5' : 'pl-5'} ${cellY}`}>
        <div dir="auto" className="truncate text-sm font-medium text-zinc-900 dark:text-zinc-100" title={entry.title}>
          {entry.title}
        </div>
        {compact ? null : (
          <div className="flex min-w-0 items-center gap-1.5 text-[11px]">
            <span className="shrink-0 font-mono text-zinc-600 dark:text-zinc-400" title={entry.id}>
              {shortId(entry.id)}
            </span>
            {showResult ? null : <ResultText entry={entry} state={state} inline />}
          </div>
        )}
      </td>
      {/* A little less padding than the rest: badge over attempt or progress must fit the row's 56 px. */}
      <td role="gridcell" data-column="status" className={`max-w-0 px-3 ${compact ? 'py-1' : 'py-1.5'}`}>
        <div className={compact ? 'flex min-w-0 items-center gap-2' : 'flex min-w-0 flex-col items-start gap-1'}>
          <StatusBadge status={entry.status} label={state.label} running={state.running} />
          <StatusMeta entry={entry} state={state} withProgress={!showProgress} />
        </div>
      </td>
      {showProgress ? (
        <td role="gridcell" className={`px-3 ${cellY}`}>
          <ProgressBar value={entry.progress} status={entry.status} label={`Progress of ${entry.title}`} />
        </td>
      ) : null}
      {showResult ? (
        <td role="gridcell" className={`max-w-0 px-3 text-[13px] ${cellY}`}>
          <ResultText entry={entry} state={state} />
        </td>
      ) : null}
      {layout === 'full' ? (
        <td role="gridcell" className={`px-3 text-[13px] whitespace-nowrap text-zinc-600 dark:text-zinc-400 ${cellY}`}>
          <RelativeTime iso={entry.createdAt} />
        </td>
      ) : null}
      <td role="gridcell" className={`pr-5 pl-3 text-[13px] whitespace-nowrap text-zinc-600 dark:text-zinc-400 ${cellY}`}>
        <RelativeTime iso={entry.updatedAt} />
      </td>
    </tr>
  );
});

/** Under the badge: which attempt, when the retry is due, and (when its column is gone) progress. */
function StatusMeta({ entry, state, withProgress }: { entry: Entry; state: EntryState; withProgress: boolean }) {
  const pct = Math.max(0, Math.min(100, Math.round(entry.progress)));
  if (state.attempt || state.retryAt) {
    return (
      <span className="truncate text-[11px] text-amber-800 dark:text-amber-300">
        {state.attempt}
        {state.attempt && state.retryAt ? ' · ' : null}
        {state.retryAt ? <RetryDue iso={state.retryAt} /> : null}
      </span>
    );
  }
  if (!withProgress) return null;
  return (
    <span className="flex w-full min-w-0 items-center gap-2" aria-hidden>
      <span className="h-1 w-full max-w-24 overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800">
        <span className={`block h-full rounded-full ${STATUS_LOOK[entry.status].bar}`} style={{ width: `${pct}%` }} />
      </span>
      <span className="text-[11px] text-zinc-600 tabular-nums dark:text-zinc-400">{pct}%</span>
    </span>
  );
}

function RetryDue({ iso }: { iso: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={iso}>
      {formatRetry(iso, now)}
    </time>
  );
}

/** The result, the error, or a dash; `inline` is the short form under the title. */
function ResultText({ entry, state, inline = false }: { entry: Entry; state: EntryState; inline?: boolean }) {
  const sep = inline ? <span aria-hidden className="text-zinc-400 dark:text-zinc-500">·</span> : null;
  if (entry.status === 'FAILED' && entry.error) {
    return (
      <>
        {sep}
        <span className="flex min-w-0 items-center gap-1.5 text-rose-700 dark:text-rose-400" title={entry.error}>
          {inline ? null : <AlertIcon width={14} height={14} className="shrink-0" />}
          <span className="truncate">{entry.error}</span>
        </span>
      </>
    );
  }
  if (entry.result) {
    return (
      <>
        {sep}
        <span className="block min-w-0 truncate text-zinc-600 dark:text-zinc-300" title={entry.result}>
          {entry.result}
        </span>
      </>
    );
  }
  if (entry.error) {
    return (
      <>
        {sep}
        <span className="block min-w-0 truncate text-amber-800 dark:text-amber-400" title={entry.error}>
          {state.running ? 'Last attempt failed' : 'Retrying'} · {entry.error}
        </span>
      </>
    );
  }
  return inline ? null : <span className="text-zinc-600 dark:text-zinc-400">—</span>;
}
