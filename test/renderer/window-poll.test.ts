/**
 * The merge behind the bounded poll (data/window-poll.ts): a read replaces exactly the id range it
 * covers, pages keep their boundaries, and rows outside every read are left as they were.
 */
import { describe, expect, it } from 'vitest';
import { mergeReads, windowOf, type ListData } from '../../src/renderer/src/data/window-poll';
import type { Entry, EntryPage, StatusCounts } from '../../src/shared/contract';

const counts = (n: number): StatusCounts => ({ CREATED: n, STAGE_1: 0, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
const e = (n: number, patch: Partial<Entry> = {}): Entry => ({
  id: `id${String(n).padStart(3, '0')}`,
  title: `t${n}`,
  status: 'CREATED',
  progress: 0,
  result: null,
  error: null,
  attempts: 0,
  runAfter: null,
  lockedBy: null,
  lockedAt: null,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
  ...patch,
});
const page = (ns: number[], next: string | null, c = 0, patch: (n: number) => Partial<Entry> = () => ({})): EntryPage => ({
  items: ns.map((n) => e(n, patch(n))),
  nextCursor: next,
  counts: counts(c),
  matched: null,
});
const ids = (d: ListData) => d.pages.map((p) => p.items.map((x) => Number(x.id.slice(2))));

// Three pages of 3, newest (greatest id) first: 9 8 7 | 6 5 4 | 3 2 1, more below.
const loaded: ListData = {
  pages: [page([9, 8, 7], 'c7', 9), page([6, 5, 4], 'c4', 9), page([3, 2, 1], 'c1', 9)],
  pageParams: [null, 'c7', 'c4'],
};

describe('mergeReads', () => {
  it('puts new entries from the head on the first page and takes its counts', () => {
    const merged = mergeReads(loaded, [{ from: null, page: page([11, 10, 9], 'x', 11) }]);
    // The head covered ids ≥ 9: 11 and 10 are new; 8 and 7 were not covered and stay.
    expect(ids(merged)).toEqual([[11, 10, 9, 8, 7], [6, 5, 4], [3, 2, 1]]);
    expect(merged.pages[0]?.counts).toEqual(counts(11));
    expect(merged.pageParams).toEqual(loaded.pageParams);
  });

  it('replaces the rows of a window, drops those that left the filter, keeps the rest', () => {
    // A window from 6 down, 3 rows: 5 no longer matches, so the read reaches 3; 6 and 4 changed.
    const merged = mergeReads(loaded, [
      { from: null, page: page([9, 8, 7], 'x', 9) },
      { from: 'id006', page: page([6, 4, 3], 'y', 9, () => ({ status: 'STAGE_1' })) },
    ]);
    expect(ids(merged)).toEqual([[9, 8, 7], [6, 4], [3, 2, 1]]);
    const byId = new Map(merged.pages.flatMap((p) => p.items).map((x) => [x.id, x.status]));
    expect([byId.get('id006'), byId.get('id004'), byId.get('id003'), byId.get('id002')]).toEqual(['STAGE_1', 'STAGE_1', 'STAGE_1', 'CREATED']);
  });

  it('keeps unchanged rows as they were (the same objects), for structural sharing', () => {
    const merged = mergeReads(loaded, [{ from: null, page: page([9, 8, 7], 'x', 9) }]);
    expect(merged.pages[1]?.items[0]).toBe(loaded.pages[1]?.items[0]);
  });

  it('a read that reaches the end (no next cursor) covers everything below it', () => {
    const all: ListData = { pages: [page([3, 2, 1], null, 3)], pageParams: [null] };
    expect(ids(mergeReads(all, [{ from: null, page: page([4, 2], null, 2) }]))).toEqual([[4, 2]]);
  });
});

describe('windowOf', () => {
  it('starts at the newest row shown and reads as many as are shown, at most 200', () => {
    expect(windowOf([])).toBeNull();
    expect(windowOf(['id005', 'id007', 'id006'])).toEqual({ from: 'id007', limit: 3 });
    expect(windowOf(Array.from({ length: 300 }, (_, i) => `id${i}`))?.limit).toBe(200);
  });
});
