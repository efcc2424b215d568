/**
 * Each console piece on its own data hook, without the table: selection over the loaded rows with
 * BulkBar, ConfirmDialog and useBulkAction; PauseToggle and SettingsDialog on the queue hooks;
 * ThroughputPanel on useThroughput; ExportMenu on useExportEntries. The tests drive each piece's
 * states against the FakeBackend here, where a plain list stands in for the virtualised table.
 * App wires the same hooks to the same components; app-console.test.tsx and the end-to-end tests in
 * Chromium drive that wiring.
 */
import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import type { BulkAction, ThroughputWindow } from '../../src/shared/contract';
import { errorMessage } from '../../src/shared/error-message';
import { BulkBar } from '../../src/renderer/src/components/BulkBar';
import { ConfirmDialog, bulkConfirmCopy } from '../../src/renderer/src/components/ConfirmDialog';
import { ExportMenu } from '../../src/renderer/src/components/ExportMenu';
import { PauseToggle } from '../../src/renderer/src/components/PauseToggle';
import { SettingsDialog } from '../../src/renderer/src/components/SettingsDialog';
import { ThroughputPanel } from '../../src/renderer/src/components/ThroughputPanel';
import { useBulkAction } from '../../src/renderer/src/data/bulk';
import { EMPTY_COUNTS, entriesListOptions, flattenPages, useEntriesPoll, type EntryFilters } from '../../src/renderer/src/data/entries';
import { useExportEntries } from '../../src/renderer/src/data/export';
import { useQueueState, useUpdateQueue } from '../../src/renderer/src/data/queue';
import { useThroughput } from '../../src/renderer/src/data/throughput';
import { matchingTotal, selectedCount, toEntryFilter, useSelection } from '../../src/renderer/src/lib/selection';

export function BulkHarness({ filters }: { filters: EntryFilters }) {
  const list = useInfiniteQuery(entriesListOptions(filters));
  const rows = useMemo(() => flattenPages(list.data), [list.data]);
  const loadedIds = useMemo(() => rows.map((r) => r.id), [rows]);
  // As App does: the poll keeps the shown rows fresh, and is what a bulk action's invalidation refreshes.
  useEntriesPoll(filters, () => loadedIds, list.isSuccess);
  const filter = useMemo(() => toEntryFilter(filters), [filters]);
  const sel = useSelection(filter, loadedIds);
  const first = list.data?.pages[0];
  const matching = matchingTotal(first?.counts ?? EMPTY_COUNTS, first?.matched ?? null, filters.status);
  const count = selectedCount(sel.selection, matching.count);
  const bulk = useBulkAction();
  const [confirming, setConfirming] = useState<BulkAction | null>(null);
  const copy = confirming ? bulkConfirmCopy(confirming, count, sel.selection, matching.capped) : null;

  return (
    <div>
      <BulkBar
        count={count}
        allMatching={sel.selection.kind === 'matching'}
        matching={matching}
        busy={bulk.isPending ? bulk.variables.action : null}
        onAction={setConfirming}
        onSelectAllMatching={sel.selectAllMatching}
        onClear={sel.clear}
      />
      <ul>
        {rows.map((r) => (
          <li key={r.id}>
            <label>
              <input
                type="checkbox"
                checked={sel.isSelected(r.id)}
                onChange={() => undefined}
                onClick={(e) => sel.toggle(r.id, e.shiftKey)}
              />
              {r.title}
            </label>
          </li>
        ))}
      </ul>
      <button type="button" onClick={() => void list.fetchNextPage()} disabled={!list.hasNextPage}>
        Load more
      </button>
      {copy ? (
        <ConfirmDialog
          open
          onOpenChange={(open) => {
            if (!open) setConfirming(null);
          }}
          {...copy}
          busy={bulk.isPending}
          onConfirm={() => {
            const target = sel.target;
            if (!target || !confirming) return;
            bulk.mutate(
              { action: confirming, target },
              {
                onSuccess: () => sel.clear(),
                onSettled: () => setConfirming(null),
              },
            );
          }}
        />
      ) : null}
    </div>
  );
}

export function QueueHarness() {
  const state = useQueueState();
  // Two instances of the same mutation: the toggle's pending state and the dialog's error stay apart.
  const pause = useUpdateQueue();
  const save = useUpdateQueue();
  const [settingsOpen, setSettingsOpen] = useState(false);
  return (
    <div>
      <PauseToggle paused={state.data?.paused} pending={pause.isPending} onChange={(paused) => pause.mutate({ paused })} />
      <button type="button" onClick={() => setSettingsOpen(true)}>
        Settings
      </button>
      <SettingsDialog
        open={settingsOpen}
        onOpenChange={(open) => {
          save.reset();
          setSettingsOpen(open);
        }}
        state={state.data}
        saving={save.isPending}
        error={save.error ? errorMessage(save.error) : null}
        onSave={(u) => save.mutate(u, { onSuccess: () => setSettingsOpen(false) })}
      />
    </div>
  );
}

export function ThroughputHarness() {
  const [window, setWindow] = useState<ThroughputWindow>('hour');
  const q = useThroughput(window);
  return <ThroughputPanel window={window} onWindowChange={setWindow} data={q.data} error={q.error ? errorMessage(q.error) : null} />;
}

export function ExportHarness({ filters }: { filters: EntryFilters }) {
  const exp = useExportEntries();
  return (
    <ExportMenu
      scope="All entries"
      exporting={exp.isPending}
      onExport={(format) => exp.mutate({ format, filter: toEntryFilter(filters) })}
    />
  );
}
