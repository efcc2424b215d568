/**
 * What a poll of the entries list costs, bounded: at most two `entries:list` calls whatever the
 * number of pages loaded. TanStack's infinite query would refetch every loaded page one after
 * another (101 pages: 101 calls, 2.8 s, longer than the poll interval). Instead a poll reads
 *   - the head: the newest page (new entries, and the whole-table counts), and
 *   - the window: the rows on screen, from the first one shown, as many as are shown (skipped when
 *     the head already covers them),
 * and merges both into the loaded pages. Rows off screen are refreshed when they scroll into view,
 * at the next poll; that is the trade: a change shows within one interval where a person can see it.
 */
import type { InfiniteData } from '@tanstack/react-query';
import type { Entry, EntryPage } from '../../../shared/contract';
import { LIST_LIMIT_MAX } from '../../../shared/limits';

export type ListData = InfiniteData<EntryPage, string | null>;

/** One read of a poll: a page of rows from `from` (inclusive; null: the newest) downwards. */
export interface WindowRead {
  from: string | null;
  page: EntryPage;
}

/** The window to re-read: the first of the rows shown, and how many to read (within the list's limit). */
export function windowOf(shownIds: readonly string[]): { from: string; limit: number } | null {
  if (shownIds.length === 0) return null;
  const from = shownIds.reduce((a, b) => (b > a ? b : a));
  return { from, limit: Math.min(LIST_LIMIT_MAX, shownIds.length) };
}

/**
 * The loaded pages with each read's rows in place of what the cache held for the same id range:
 * changed rows replaced, rows that no longer match the filter gone, rows that now match added. Page
 * boundaries stay where they were (the last id of each page), so the next page's cursor still fits.
 * Ids are UUIDv7: their string order is the list's order (newest = greatest).
 */
export function mergeReads(data: ListData, reads: readonly WindowRead[]): ListData {
  const rows = new Map<string, Entry>();
  for (const page of data.pages) for (const e of page.items) if (!rows.has(e.id)) rows.set(e.id, e);
  for (const { from, page } of reads) {
    const last = page.items.at(-1);
    // What this read covers: from `from` (or the top) down to its last row, or to the end if there is no more.
    const lower = page.nextCursor === null || !last ? null : last.id;
    for (const id of [...rows.keys()]) {
      if ((from === null || id <= from) && (lower === null || id >= lower)) rows.delete(id);
    }
    for (const e of page.items) rows.set(e.id, e);
  }
  const sorted = [...rows.values()].sort((a, b) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0));

  // Old boundaries: page i holds ids in [bound_i, bound_(i-1)); an empty page takes its predecessor's.
  const bounds: (string | null)[] = [];
  let prev: string | null = null;
  for (const page of data.pages) {
    prev = page.items.at(-1)?.id ?? prev;
    bounds.push(prev);
  }
  const lastLoaded = data.pages.at(-1);
  const everything = lastLoaded?.nextCursor === null;
  const head = reads.find((r) => r.from === null)?.page;
  const pages = data.pages.map((page, i) => {
    const upper = i === 0 ? null : bounds[i - 1];
    const lower = i === data.pages.length - 1 && everything ? null : bounds[i];
    const items = sorted.filter((e) => (upper == null || e.id < upper) && (lower == null || e.id >= lower));
    const newer = i === 0 && head ? { counts: head.counts, matched: head.matched } : {};
    return { ...page, ...newer, items };
  });
  return { ...data, pages };
}
