import { useInfiniteQuery } from '@tanstack/react-query';
import { Suspense, lazy, useCallback, useEffect, useEffectEvent, useLayoutEffect, useMemo, useRef, useState } from 'react';
import type { BulkAction, RetryFrom, Status, ThroughputWindow } from '../../shared/contract';
import { errorMessage } from '../../shared/error-message';
import { BulkBar } from './components/BulkBar';
import { ConfirmDialog, bulkConfirmCopy } from './components/ConfirmDialog';
import { EmptyState } from './components/EmptyState';
import { EntriesTable, SkeletonRows, type TableSelection } from './components/EntriesTable';
import { EntryDetailDialog } from './components/EntryDetailDialog';
import { ErrorBanner } from './components/ErrorBanner';
import { ExportMenu } from './components/ExportMenu';
import { Header } from './components/Header';
import { PlusIcon } from './components/icons';
import { SearchBox } from './components/SearchBox';
import { StatusFilters } from './components/StatusFilters';
import { Button } from './components/ui';
import { useBulkAction } from './data/bulk';
import { useChangeNotices } from './data/change-notices';
import { troubleOf } from './data/core-status';
import {
  EMPTY_COUNTS,
  createErrorText,
  entriesListOptions,
  failedStageOf,
  flattenPages,
  totalOf,
  useCreateEntry,
  useEntriesPoll,
  useEntryDetail,
  useRetryEntry,
  type EntryFilters,
} from './data/entries';
import { useCancelEntry, useDeleteEntry } from './data/entries-actions';
import { useExportEntries } from './data/export';
import { useQueueState, useUpdateQueue } from './data/queue';
import { useStats } from './data/stats';
import { useThroughput } from './data/throughput';
import { matchingTotal, selectedCount, toEntryFilter, useSelection } from './lib/selection';
import { STATUS_LOOK } from './lib/status';
import { useDebouncedValue } from './lib/useDebouncedValue';

export const SEARCH_DEBOUNCE_MS = 250;
// The two form dialogs check their fields against the contract's zod schemas. Loaded lazily, they
// keep zod and the schemas (about half the page's script) out of what the first paint evaluates;
// App renders both from its first render, so they load right after it, before a person can reach them.
const NewEntryDialog = lazy(() => import('./components/NewEntryDialog').then((m) => ({ default: m.NewEntryDialog })));
const SettingsDialog = lazy(() => import('./components/SettingsDialog').then((m) => ({ default: m.SettingsDialog })));
// The chart (visx and d3) is loaded when first shown: the panel starts closed, and the first
// window should not evaluate what it does not draw.
const ThroughputPanel = lazy(() => import('./components/ThroughputPanel').then((m) => ({ default: m.ThroughputPanel })));
/**
 * The dashboard screen: it calls the data hooks (data/entries.ts, data/stats.ts) and hands their
 * values and callbacks to presentational components, which never query, mutate or toast themselves.
 */
const nf = new Intl.NumberFormat();

export function App() {
  const [status, setStatus] = useState<Status | null>(null);
  const [searchInput, setSearchInput] = useState('');
  const search = useDebouncedValue(searchInput.trim(), SEARCH_DEBOUNCE_MS);
  const filters = useMemo<EntryFilters>(() => ({ status, search }), [status, search]);
  const [newOpen, setNewOpen] = useState(false);
  const [openId, setOpenId] = useState<string | null>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  const list = useInfiniteQuery(entriesListOptions(filters));
  const poll = useEntriesPoll(filters, shownEntryIds, list.isSuccess);
  const stats = useStats();
  const maxAttempts = stats.data?.maxAttempts;
  const entries = useMemo(() => flattenPages(list.data), [list.data]);
  const counts = list.data?.pages[0]?.counts ?? EMPTY_COUNTS;
  const matched = list.data?.pages[0]?.matched ?? null;
  const total = totalOf(counts);
  const listError = list.error ?? poll.error;
  const offline = listError !== null;
  const trouble = offline ? troubleOf(listError) : null;

  // A new filter shows its newest entries, not wherever the last one was scrolled to. Not on mount:
  // the viewport starts at the top, and setting scrollTop forces a layout of the whole page.
  const scrolledFor = useRef(filters);
  useEffect(() => {
    if (scrolledFor.current === filters) return;
    scrolledFor.current = filters;
    const viewport = document.querySelector('[data-virtual-viewport]');
    if (viewport) viewport.scrollTop = 0;
  }, [filters]);
  const create = useCreateEntry();
  const detail = useEntryDetail(openId);
  const retry = useRetryEntry();
  const resetRetry = retry.reset;
  const onOpen = useCallback(
    (id: string) => {
      resetRetry();
      setOpenId(id);
    },
    [resetRetry],
  );
  const closeDetail = useCallback(() => setOpenId(null), []);
  const onRetry = (from: RetryFrom) => {
    const entry = detail.data;
    if (entry) retry.mutate({ id: entry.id, from, resumesAt: failedStageOf(entry) });
  };
  const cancel = useCancelEntry();
  const del = useDeleteEntry();
  const entryBusy =
    cancel.isPending && cancel.variables === openId ? 'cancel' : del.isPending && del.variables === openId ? 'delete' : null;

  // Bulk actions: a selection per filter, over the loaded rows or everything matching.
  const entryFilter = useMemo(() => toEntryFilter(filters), [filters]);
  const loadedIds = useMemo(() => entries.map((e) => e.id), [entries]);
  const sel = useSelection(entryFilter, loadedIds);
  const matching = matchingTotal(counts, matched, status);
  const selected = selectedCount(sel.selection, matching.count);
  const bulk = useBulkAction();
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const confirmCopy = confirming ? bulkConfirmCopy(confirming, selected, sel.selection, matching.capped) : null;
  const tableSelection = useTableSelection(sel, loadedIds.length);

  // Pause and settings: two instances of one mutation, so the toggle's pending state and the dialog's error stay apart.
  const queue = useQueueState();
  const pause = useUpdateQueue();
  const save = useUpdateQueue();
  const [settingsOpen, setSettingsOpen] = useState(false);
  // A failure notification was clicked: show that entry, replacing an open one, unless the person
  // is in another dialog (a half-typed title or a confirmation is not pushed aside; main has
  // brought the window forward either way).
  useChangeNotices((id) => {
    if (!newOpen && !settingsOpen && confirming === null) onOpen(id);
  });
  const openSettings = () => {
    save.reset();
    setSettingsOpen(true);
  };

  // Throughput: asked of the core only while the panel is shown.
  const [chartsShown, setChartsShown] = useState(false);
  const [chartWindow, setChartWindow] = useState<ThroughputWindow>('hour');
  const throughput = useThroughput(chartWindow, chartsShown);

  const exportEntries = useExportEntries();

  useGlobalShortcuts({
    // Not over an open drawer: a dialog stacked on a modal drawer would fight it for focus and dimming.
    onNew: () => {
      if (openId === null) setNewOpen(true);
    },
    onSearch: () => searchRef.current?.focus(),
    // Esc anywhere outside a field clears the ticks; an open dialog or menu takes its own Esc first.
    onEscape: () => {
      if (sel.target !== null && !document.querySelector('[role="dialog"], [role="alertdialog"]')) {
        sel.clear();
        return true;
      }
      return false;
    },
  });

  const filtered = status !== null || search !== '';
  const clearFilters = () => {
    setStatus(null);
    setSearchInput('');
  };
  // Total for the current view, when the counts can tell it (status filter without search).
  const viewTotal = search ? null : status ? counts[status] : total;

  let placeholder = null;
  if (list.isPending) {
    placeholder = <SkeletonRows />;
  } else if (entries.length === 0 && offline) {
    placeholder = (
      <EmptyState title="Entries could not be loaded">The dashboard will show them as soon as the pipeline answers.</EmptyState>
    );
  } else if (entries.length === 0 && filtered) {
    placeholder = (
      <EmptyState title="No matching entries" action={<Button onClick={clearFilters}>Clear filters</Button>}>
        {search ? `Nothing matches “${search}”` : 'Nothing here'}
        {status ? ` with status ${STATUS_LOOK[status].label}` : ''}.
      </EmptyState>
    );
  } else if (entries.length === 0) {
    placeholder = (
      <EmptyState
        title="No entries yet"
        action={
          <Button variant="primary" onClick={() => setNewOpen(true)}>
            <PlusIcon width={15} height={15} /> New entry
          </Button>
        }
      >
        Add an entry and watch it move through Stage 1 and Stage 2 to Completed, live.
      </EmptyState>
    );
  }

  const strong = 'font-medium text-zinc-700 tabular-nums dark:text-zinc-200';
  const shown = (
    <>
      showing <span className={strong}>{nf.format(entries.length)}</span>
    </>
  );
  const footer =
    entries.length > 0 ? (
      <div className="flex h-11 shrink-0 items-center justify-between border-t border-zinc-200 px-5 text-xs text-zinc-500 dark:border-zinc-800 dark:text-zinc-400">
        <span aria-live="polite" data-testid="list-summary">
          {search && matched ? (
            <>
              <span className={strong}>
                {matched.capped ? 'More than ' : ''}
                {nf.format(matched.count)}
              </span>{' '}
              {matched.count === 1 && !matched.capped ? 'entry matches' : 'entries match'} “{search}”
              {status ? ` with status ${STATUS_LOOK[status].label}` : ''} · {shown}
            </>
          ) : (
            <>
              Showing <span className={strong}>{nf.format(entries.length)}</span>
              {viewTotal !== null ? (
                <>
                  {' '}
                  of <span className={strong}>{nf.format(viewTotal)}</span>
                </>
              ) : null}{' '}
              {entries.length === 1 ? 'entry' : 'entries'}
            </>
          )}
        </span>
        {list.hasNextPage ? (
          <Button
            variant="secondary"
            className="h-7 text-xs"
            disabled={list.isFetchingNextPage}
            onClick={() => void list.fetchNextPage()}
          >
            {list.isFetchingNextPage ? 'Loading…' : 'Load more'}
          </Button>
        ) : null}
      </div>
    ) : null;

  return (
    <div className="flex h-full flex-col">
      <Header
        live={trouble ? (trouble.outage === 'stopped' ? 'stopped' : 'offline') : list.isSuccess ? 'live' : 'connecting'}
        workers={stats.isError ? null : (stats.data?.workers ?? null)}
        onNew={() => setNewOpen(true)}
        paused={queue.data?.paused}
        pausePending={pause.isPending}
        onPauseChange={(paused) => pause.mutate({ paused })}
        onSettings={openSettings}
      />
      <main className="mx-auto flex min-h-0 w-full flex-1 flex-col gap-4 px-6 pt-5 pb-6">
        <div className="flex flex-wrap items-center justify-between gap-3">
          {/* The counts are as stale as the rows while the core does not answer. */}
          <div className={`transition-opacity ${offline ? 'opacity-60' : ''}`}>
            <StatusFilters counts={counts} total={total} selected={status} onSelect={setStatus} searching={search !== ''} />
          </div>
          {/* The search box last: Tab from it goes straight to the rows (SearchBox's onLeave too). */}
          <div className="flex flex-wrap items-center gap-2">
            <ExportMenu
              scope={exportScope(status, search)}
              exporting={exportEntries.isPending}
              onExport={(format) => exportEntries.mutate({ format, filter: entryFilter })}
            />
            <Button
              className="aria-expanded:border-indigo-300 aria-expanded:bg-indigo-50 aria-expanded:text-indigo-900 dark:aria-expanded:border-indigo-500/40 dark:aria-expanded:bg-indigo-500/15 dark:aria-expanded:text-indigo-100"
              aria-expanded={chartsShown}
              aria-controls="throughput-panel"
              onClick={() => setChartsShown((shown) => !shown)}
            >
              <ChartGlyph />
              Throughput
            </Button>
            <SearchBox ref={searchRef} value={searchInput} onChange={setSearchInput} onLeave={focusList} />
          </div>
        </div>
        {trouble ? (
          <ErrorBanner
            outage={trouble.outage}
            message={trouble.message}
            onRetry={() => void (list.isError ? list.refetch() : poll.refetch())}
          />
        ) : null}
        <div className="flex min-h-0 flex-1 flex-col gap-4">
          <div className="flex min-h-0 min-w-0 flex-1 flex-col gap-3">
            <BulkBar
              count={selected}
              allMatching={sel.selection.kind === 'matching'}
              matching={matching}
              busy={bulk.isPending ? bulk.variables.action : null}
              onAction={setConfirming}
              onSelectAllMatching={sel.selectAllMatching}
              onClear={sel.clear}
            />
            {/* Dimmed while the core does not answer: what is shown may be out of date. */}
            <div className={`flex min-h-0 flex-1 flex-col transition-opacity ${offline && entries.length > 0 ? 'opacity-60' : ''}`} data-stale={offline || undefined}>
              <EntriesTable
                entries={entries}
                onOpen={onOpen}
                placeholder={placeholder}
                footer={footer}
                maxAttempts={maxAttempts}
                selection={tableSelection}
              />
            </div>
          </div>
          {/* Below the rows, and after them for Tab: the search box hands the keyboard straight to the rows. */}
          {chartsShown ? (
            <div id="throughput-panel" className="max-h-[50%] shrink-0 overflow-y-auto rounded-2xl">
              <Suspense fallback={<p className="p-4 text-sm text-zinc-500 dark:text-zinc-400">Loading the chart…</p>}>
                <ThroughputPanel
                  window={chartWindow}
                  onWindowChange={setChartWindow}
                  data={throughput.data}
                  error={throughput.error ? errorMessage(throughput.error) : null}
                />
              </Suspense>
            </div>
          ) : null}
        </div>
      </main>
      <Suspense fallback={null}>
        <NewEntryDialog
          open={newOpen}
          onOpenChange={(open) => {
            if (open) create.reset();
            setNewOpen(open);
          }}
          onCreate={create.mutateAsync}
          creating={create.isPending}
          error={create.isError ? createErrorText(create.error) : null}
        />
      </Suspense>
      <EntryDetailDialog
        id={openId}
        onClose={closeDetail}
        entry={detail.data}
        loading={detail.isPending}
        loadError={detail.isError ? errorMessage(detail.error) : null}
        maxAttempts={maxAttempts}
        onRetry={onRetry}
        retrying={retry.isPending && retry.variables.id === openId}
        retryError={retry.isError && retry.variables.id === openId ? errorMessage(retry.error) : null}
        onCancel={() => {
          if (openId) cancel.mutate(openId);
        }}
        onDelete={() => {
          if (openId) del.mutate(openId, { onSuccess: closeDetail });
        }}
        actionBusy={entryBusy}
      />
      {confirmCopy ? (
        <ConfirmDialog
          open
          onOpenChange={(open) => {
            if (!open) setConfirming(null);
          }}
          {...confirmCopy}
          busy={bulk.isPending}
          onConfirm={() => {
            const target = sel.target;
            if (!target || !confirming) return;
            bulk.mutate({ action: confirming, target }, { onSuccess: sel.clear, onSettled: () => setConfirming(null) });
          }}
        />
      ) : null}
      <Suspense fallback={null}>
        <SettingsDialog
          open={settingsOpen}
          onOpenChange={(open) => {
            save.reset();
            setSettingsOpen(open);
          }}
          state={queue.data}
          saving={save.isPending}
          error={save.error ? errorMessage(save.error) : null}
          onSave={(update) => save.mutate(update, { onSuccess: () => setSettingsOpen(false) })}
        />
      </Suspense>
    </div>
  );
}

/** What an export covers, in words, for the Export button's description. */
function exportScope(status: Status | null, search: string): string {
  const what = status ? `${STATUS_LOOK[status].label} entries` : 'All entries';
  return search ? `${what} matching “${search}”` : what;
}

/**
 * The table's view of the selection. The row callback goes through a ref so it keeps one identity:
 * the memoised rows then re-render only when their own tick changes.
 */
function useTableSelection(sel: ReturnType<typeof useSelection>, loaded: number): TableSelection {
  const ref = useRef(sel);
  useLayoutEffect(() => {
    ref.current = sel;
  });
  const onToggle = useCallback((id: string, range: boolean) => ref.current.toggle(id, range), []);
  const { selection } = sel;
  const ticked = selection.kind === 'matching' ? loaded : selection.ids.size;
  return {
    isSelected: sel.isSelected,
    onToggle,
    onSelectLoaded: (all) => (all ? sel.selectLoaded() : sel.clear()),
    header: ticked === 0 ? 'none' : ticked >= loaded && loaded > 0 ? 'all' : 'some',
    hasSelection: sel.target !== null,
    onClear: sel.clear,
  };
}

function ChartGlyph() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" aria-hidden>
      <path d="M4 20V10M10 20V4M16 20v-7M22 20H2" />
    </svg>
  );
}

/** Focus the list's one Tab stop (the grid's active row), or its first row. */
function focusList(): void {
  const viewport = document.querySelector('[data-virtual-viewport]');
  const row = viewport?.querySelector<HTMLElement>('tr[data-entry-id][tabindex="0"]') ?? viewport?.querySelector<HTMLElement>('tr[data-entry-id]');
  row?.focus();
}

/**
 * The ids of the rows on screen. By geometry, not by what is rendered: the table also keeps rows
 * off screen in the DOM (the virtualiser's margin, the focused row).
 */
function shownEntryIds(): string[] {
  const viewport = document.querySelector('[data-virtual-viewport]');
  if (!viewport) return [];
  const view = viewport.getBoundingClientRect();
  const ids: string[] = [];
  for (const row of viewport.querySelectorAll<HTMLElement>('tr[data-entry-id]')) {
    const r = row.getBoundingClientRect();
    if (r.bottom > view.top && r.top < view.bottom && row.dataset.entryId) ids.push(row.dataset.entryId);
  }
  return ids;
}

function isTyping(target: EventTarget | null): boolean {
  return (
    target instanceof HTMLElement &&
    (target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName))
  );
}

/** Ctrl/Cmd+N opens "New entry"; "/" jumps to the search box; Esc (outside fields) as `onEscape` decides. */
function useGlobalShortcuts(handlers: { onNew: () => void; onSearch: () => void; onEscape: () => boolean }) {
  const onKeyDown = useEffectEvent((e: KeyboardEvent) => {
    if ((e.ctrlKey || e.metaKey) && !e.altKey && !e.shiftKey && e.key.toLowerCase() === 'n') {
      e.preventDefault();
      handlers.onNew();
    } else if (e.key === '/' && !e.ctrlKey && !e.metaKey && !isTyping(e.target)) {
      e.preventDefault();
      handlers.onSearch();
    } else if (e.key === 'Escape' && !e.defaultPrevented && !isTyping(e.target)) {
      if (handlers.onEscape()) e.preventDefault();
    }
  });
  useEffect(() => {
    const listener = (e: KeyboardEvent) => onKeyDown(e);
    window.addEventListener('keydown', listener);
    return () => window.removeEventListener('keydown', listener);
  }, []);
}
