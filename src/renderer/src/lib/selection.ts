/**
 * Which entries a person has selected for a bulk action. Two shapes, because "select all" must
 * cover every entry matching the filter, not only the pages loaded so far:
 *   - `ids`: rows picked one by one (x / a checkbox) or as a shift-click range over the loaded rows;
 *   - `matching`: everything matching a filter. It holds no ids: entries:bulk gets the filter and the
 *     core decides, at that instant, what matches (rows created since are included, as they match).
 * Pure functions over plain values; `useSelection` keeps one in React state.
 */
import { useCallback, useMemo, useState } from 'react';
import type { EntryFilter, Status, StatusCounts } from '../../../shared/contract';
import { BULK_IDS_MAX } from '../../../shared/limits';
import { STATUSES } from '../../../shared/statuses';

export type Selection =
  | { kind: 'ids'; ids: ReadonlySet<string>; /** Where the next shift-click range starts. */ anchor: string | null }
  | { kind: 'matching'; filter: EntryFilter };

/** What entries:bulk is told: ids (at most BULK_IDS_MAX per call; data/bulk.ts splits larger sets) or a filter. */
export type BulkTarget = { ids: readonly string[] } | { filter: EntryFilter };

export const NO_SELECTION: Selection = { kind: 'ids', ids: new Set(), anchor: null };

/** The renderer's filter (null status, '' search) as the contract's EntryFilter (absent fields). */
export function toEntryFilter(filters: { status: Status | null; search: string }): EntryFilter {
  const search = filters.search.trim();
  return { ...(filters.status ? { status: filters.status } : {}), ...(search ? { search } : {}) };
}

export function isSelected(selection: Selection, id: string): boolean {
  return selection.kind === 'matching' || selection.ids.has(id);
}

/**
 * x or a checkbox. Under "all matching", unticking one row cannot be sent as "the filter except
 * this id", so the selection becomes the loaded rows without it (what the person can see ticked).
 */
export function toggle(selection: Selection, id: string, loadedIds: readonly string[]): Selection {
  if (selection.kind === 'matching') {
    return { kind: 'ids', ids: new Set(loadedIds.filter((x) => x !== id)), anchor: id };
  }
  const ids = new Set(selection.ids);
  if (ids.has(id)) ids.delete(id);
  else ids.add(id);
  return { kind: 'ids', ids, anchor: id };
}

/**
 * Shift-click: every loaded row between the anchor and `id`, inclusive, takes the state the clicked
 * row is about to take (ticks them all, or unticks them all, as file managers do). Without an anchor
 * still on screen it is a plain toggle.
 */
export function selectRange(selection: Selection, id: string, loadedIds: readonly string[]): Selection {
  if (selection.kind === 'matching' || selection.anchor === null) return toggle(selection, id, loadedIds);
  const from = loadedIds.indexOf(selection.anchor);
  const to = loadedIds.indexOf(id);
  if (from === -1 || to === -1) return toggle(selection, id, loadedIds);
  const tick = !selection.ids.has(id);
  const ids = new Set(selection.ids);
  for (const x of loadedIds.slice(Math.min(from, to), Math.max(from, to) + 1)) {
    if (tick) ids.add(x);
    else ids.delete(x);
  }
  // The anchor stays: a second shift-click re-spans from the same row.
  return { kind: 'ids', ids, anchor: selection.anchor };
}

export function selectAllMatching(filter: EntryFilter): Selection {
  return { kind: 'matching', filter };
}

export function selectedCount(selection: Selection, matching: number): number {
  return selection.kind === 'matching' ? matching : selection.ids.size;
}

export function bulkTargetOf(selection: Selection): BulkTarget | null {
  if (selection.kind === 'matching') return { filter: selection.filter };
  return selection.ids.size === 0 ? null : { ids: [...selection.ids] };
}

/** Ids in calls of at most BULK_IDS_MAX, the contract's limit per call. */
export function chunkIds(ids: readonly string[], size = BULK_IDS_MAX): string[][] {
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += size) chunks.push(ids.slice(i, i + size));
  return chunks;
}

/**
 * How many entries match the list's filter, from the list's first page: `matched` while searching
 * (possibly capped by the core), else the whole-table count of the status, or of every status.
 */
export function matchingTotal(
  counts: StatusCounts,
  matched: { count: number; capped: boolean } | null,
  status: Status | null,
): { count: number; capped: boolean } {
  if (matched) return matched;
  const count = status ? counts[status] : STATUSES.reduce((sum, s) => sum + counts[s], 0);
  return { count, capped: false };
}

/**
 * One selection per filter: changing the filter or search clears it, since "all matching" and a
 * range both mean something only for the list they were made on.
 */
export function useSelection(filter: EntryFilter, loadedIds: readonly string[]) {
  const key = JSON.stringify(filter);
  const [state, setState] = useState<{ key: string; selection: Selection }>({ key, selection: NO_SELECTION });
  // Resetting during render (not in an effect) so no frame shows the old filter's selection.
  const selection = state.key === key ? state.selection : NO_SELECTION;
  if (state.key !== key) setState({ key, selection: NO_SELECTION });
  const set = useCallback((next: (s: Selection) => Selection) => {
    setState((prev) => ({ key, selection: next(prev.key === key ? prev.selection : NO_SELECTION) }));
  }, [key]);
  return useMemo(
    () => ({
      selection,
      isSelected: (id: string) => isSelected(selection, id),
      /** x, a checkbox, or a click with shift (`range`). */
      toggle: (id: string, range = false) =>
        set((s) => (range ? selectRange(s, id, loadedIds) : toggle(s, id, loadedIds))),
      selectLoaded: () => set(() => ({ kind: 'ids', ids: new Set(loadedIds), anchor: null })),
      selectAllMatching: () => set(() => selectAllMatching(filter)),
      clear: () => set(() => NO_SELECTION),
      target: bulkTargetOf(selection),
    }),
    [selection, set, loadedIds, filter],
  );
}

/**
 * The table's selection keys, for the grid's keydown handler (the focused row is `focusedId`):
 * x toggles it, Shift+X extends from the anchor to it, Escape clears a non-empty selection. Returns
 * whether the key was used, so the grid can preventDefault and stop handling it.
 */
export function handleSelectionKey(
  event: { key: string; shiftKey: boolean; ctrlKey: boolean; metaKey: boolean; altKey: boolean },
  focusedId: string | null,
  actions: { toggle: (id: string, range?: boolean) => void; clear: () => void; hasSelection: boolean },
): boolean {
  if (event.ctrlKey || event.metaKey || event.altKey) return false;
  if ((event.key === 'x' || event.key === 'X') && focusedId !== null) {
    actions.toggle(focusedId, event.shiftKey);
    return true;
  }
  if (event.key === 'Escape' && actions.hasSelection) {
    actions.clear();
    return true;
  }
  return false;
}
