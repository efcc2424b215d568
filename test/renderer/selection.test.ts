import { act, renderHook } from '@testing-library/react';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BULK_IDS_MAX, STATUSES, type EntryFilter, type StatusCounts } from '../../src/shared/contract';
import {
  NO_SELECTION,
  bulkTargetOf,
  chunkIds,
  isSelected,
  matchingTotal,
  selectAllMatching,
  selectRange,
  selectedCount,
  toEntryFilter,
  toggle,
  useSelection,
  type Selection,
} from '../../src/renderer/src/lib/selection';

const ids = ['a9', 'a8', 'a7', 'a6', 'a5', 'a4'];
const picked = (s: Selection) => (s.kind === 'ids' ? [...s.ids].sort() : 'matching');

describe('selection model', () => {
  it('x toggles one row and remembers it as the anchor', () => {
    let s = toggle(NO_SELECTION, 'a8', ids);
    expect(picked(s)).toEqual(['a8']);
    s = toggle(s, 'a6', ids);
    expect(picked(s)).toEqual(['a6', 'a8']);
    s = toggle(s, 'a8', ids);
    expect(picked(s)).toEqual(['a6']);
    expect(s.kind === 'ids' && s.anchor).toBe('a8');
  });

  it('shift-click ticks the range from the anchor, either direction, and unticks a ticked range', () => {
    let s = toggle(NO_SELECTION, 'a8', ids);
    s = selectRange(s, 'a5', ids);
    expect(picked(s)).toEqual(['a5', 'a6', 'a7', 'a8']);
    // From the same anchor upwards, now unticking (a9 is unticked, so the range is ticked)
    s = selectRange(toggle(NO_SELECTION, 'a5', ids), 'a9', ids);
    expect(picked(s)).toEqual(['a5', 'a6', 'a7', 'a8', 'a9']);
    s = selectRange(s, 'a7', ids);
    expect(picked(s)).toEqual(['a8', 'a9']);
  });

  it('shift-click with no anchor on screen is a plain toggle', () => {
    expect(picked(selectRange(NO_SELECTION, 'a6', ids))).toEqual(['a6']);
    const gone = { kind: 'ids', ids: new Set(['zz']), anchor: 'zz' } as const;
    expect(picked(selectRange(gone, 'a6', ids))).toEqual(['a6', 'zz']);
  });

  it('a range is exactly the rows between anchor and target (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: ids.length - 1 }), fc.integer({ min: 0, max: ids.length - 1 }), (a, b) => {
        const s = selectRange(toggle(NO_SELECTION, ids[a]!, ids), ids[b]!, ids);
        const expected = a === b ? [] : ids.slice(Math.min(a, b), Math.max(a, b) + 1).sort();
        // a === b: the anchor itself is toggled back off.
        expect(picked(s)).toEqual(expected);
      }),
    );
  });

  it('"all matching" holds the filter, not ids, and is sent as a filter', () => {
    const filter: EntryFilter = { status: 'FAILED', search: '503' };
    const s = selectAllMatching(filter);
    expect(isSelected(s, 'anything')).toBe(true);
    expect(selectedCount(s, 2481)).toBe(2481);
    expect(bulkTargetOf(s)).toEqual({ filter });
  });

  it('unticking one row under "all matching" leaves the loaded rows without it', () => {
    const s = toggle(selectAllMatching({}), 'a7', ids);
    expect(picked(s)).toEqual(['a4', 'a5', 'a6', 'a8', 'a9']);
    expect(bulkTargetOf(s)).toEqual({ ids: expect.not.arrayContaining(['a7']) as unknown });
  });

  it('nothing selected is no target; ids are split at the contract limit', () => {
    expect(bulkTargetOf(NO_SELECTION)).toBeNull();
    const many = Array.from({ length: BULK_IDS_MAX * 2 + 1 }, (_, i) => `e${i}`);
    const chunks = chunkIds(many);
    expect(chunks.map((c) => c.length)).toEqual([BULK_IDS_MAX, BULK_IDS_MAX, 1]);
    expect(chunks.flat()).toEqual(many);
  });

  it('turns the list filter into the contract filter, and counts what matches', () => {
    expect(toEntryFilter({ status: null, search: '  ' })).toEqual({});
    expect(toEntryFilter({ status: 'FAILED', search: ' 503 ' })).toEqual({ status: 'FAILED', search: '503' });
    const counts = Object.fromEntries(STATUSES.map((s, i) => [s, (i + 1) * 10])) as StatusCounts;
    expect(matchingTotal(counts, null, null)).toEqual({ count: 210, capped: false });
    expect(matchingTotal(counts, null, 'FAILED')).toEqual({ count: counts.FAILED, capped: false });
    expect(matchingTotal(counts, { count: 1000, capped: true }, 'FAILED')).toEqual({ count: 1000, capped: true });
  });
});

describe('useSelection', () => {
  it('clears when the filter changes, and keeps the selection otherwise', () => {
    const failed: EntryFilter = { status: 'FAILED' };
    const { result, rerender } = renderHook(({ filter }: { filter: EntryFilter }) => useSelection(filter, ids), {
      initialProps: { filter: failed },
    });
    act(() => result.current.toggle('a9'));
    act(() => result.current.toggle('a6', true));
    expect(picked(result.current.selection)).toEqual(['a6', 'a7', 'a8', 'a9']);
    rerender({ filter: { status: 'FAILED' } });
    expect(picked(result.current.selection)).toEqual(['a6', 'a7', 'a8', 'a9']);
    rerender({ filter: { status: 'CANCELLED' } });
    expect(picked(result.current.selection)).toEqual([]);
    act(() => result.current.selectAllMatching());
    expect(result.current.target).toEqual({ filter: { status: 'CANCELLED' } });
    act(() => result.current.clear());
    expect(result.current.target).toBeNull();
  });
});
