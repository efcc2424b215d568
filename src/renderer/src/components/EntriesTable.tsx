import { defaultRangeExtractor, elementScroll, observeElementRect, useVirtualizer, type Range, type Rect, type Virtualizer, type VirtualizerOptions } from '@tanstack/react-virtual';
import {
  useCallback,
  useEffect,
  useLayoutEffect,
  useMemo,
  useRef,
  useState,
  type FocusEvent,
  type KeyboardEvent,
  type ReactNode,
  type RefObject,
} from 'react';
import type { Entry } from '../../../shared/contract';
import { useDensity } from '../lib/density';
import { handleSelectionKey } from '../lib/selection';
import { useTableLayout, type TableLayout } from '../lib/table-layout';
import { DensityToggle } from './DensityToggle';
import { EntryRow, ROW_HEIGHT } from './EntryRow';
import { HeaderCheckbox } from './SelectCheckbox';

interface Props {
  entries: Entry[];
  onOpen: (id: string) => void;
  /** Shown instead of rows (loading, empty and error states). */
  placeholder?: ReactNode;
  footer?: ReactNode;
  /** The core's attempt limit, when the renderer knows it ("attempt 2 of 3"). */
  maxAttempts?: number;
  /** Ticking rows for bulk actions; without it the table has no checkbox column. */
  selection?: TableSelection;
}

export interface TableSelection {
  isSelected: (id: string) => boolean;
  /** x or a checkbox on a row; `range` for Shift (from the last row ticked). Must be stable (rows are memoised). */
  onToggle: (id: string, range: boolean) => void;
  /** The header checkbox: ticks the loaded rows (true) or clears (false). */
  onSelectLoaded: (all: boolean) => void;
  header: 'none' | 'some' | 'all';
  hasSelection: boolean;
  onClear: () => void;
}

/** The sticky header's height: rows start below it, and a row scrolled to must not hide under it. */
const HEADER_HEIGHT = 36;

type ColumnId = 'select' | 'title' | 'status' | 'progress' | 'result' | 'created' | 'updated';

// Fixed widths except Title (the rest) and Result (a share); see lib/table-layout.ts for who is shown when.
const COLUMNS: { id: ColumnId; label: string; className: string; in: readonly TableLayout[] }[] = [
  // The row checkboxes; its left padding is the table's edge margin, so the title needs little of its own.
  { id: 'select', label: 'Select', className: 'w-10 pl-5 pr-0', in: ['narrow', 'medium', 'wide', 'full'] },
  { id: 'title', label: 'Title', className: 'pl-2.5 pr-2', in: ['narrow', 'medium', 'wide', 'full'] },
  { id: 'status', label: 'Status', className: 'w-40 px-3', in: ['narrow', 'medium', 'wide', 'full'] },
  { id: 'progress', label: 'Progress', className: 'w-36 px-3', in: ['medium', 'wide', 'full'] },
  { id: 'result', label: 'Result', className: 'w-[20%] px-3', in: ['wide', 'full'] },
  { id: 'created', label: 'Created', className: 'w-28 px-3', in: ['full'] },
  // Its right padding leaves room for the density toggle drawn over the header's corner.
  { id: 'updated', label: 'Updated', className: 'w-32 pl-3 pr-10', in: ['narrow', 'medium', 'wide', 'full'] },
];

/**
 * The entries table, an ARIA grid: one Tab stop (the active row has tabIndex 0, the rest -1), arrows
 * or j/k, Home/End and PageUp/PageDown move between rows, Enter opens one, x ticks the focused row
 * for a bulk action (Shift+X a range), Esc clears the ticks. Rows are virtualised with
 * spacer rows so it stays a real <table>; the active row is always rendered, even scrolled far out of
 * view, so the focus stays on it while the wheel scrolls and Tab comes back to it.
 */
export function EntriesTable({
  entries,
  onOpen,
  placeholder,
  footer,
  maxAttempts,
  selection,
}: Props) {
  const frameRef = useRef<HTMLDivElement>(null);
  const scrollRef = useRef<HTMLDivElement>(null);
  const bodyRef = useRef<HTMLTableSectionElement>(null);
  const layout = useTableLayout(frameRef);
  const gutter = useScrollbarWidth(scrollRef);
  const [density, setDensity] = useDensity();
  const rowHeight = ROW_HEIGHT[density];
  const columns = COLUMNS.filter((c) => c.in.includes(layout) && (c.id !== 'select' || selection !== undefined));

  const [activeId, setActiveId] = useState<string | null>(null);
  const headerBoxRef = useRef<HTMLInputElement | null>(null);
  const activeIndex = useMemo(() => {
    if (entries.length === 0) return -1;
    const i = activeId === null ? -1 : entries.findIndex((e) => e.id === activeId);
    return i >= 0 ? i : 0;
  }, [entries, activeId]);
  const activeKey = activeIndex >= 0 ? entries[activeIndex]?.id : undefined;

  // The active row when it is rendered only to keep the focus (far outside the visible range).
  const pinnedIndex = useRef(-1);
  const rangeExtractor = useCallback(
    (range: Range) => {
      const indexes = defaultRangeExtractor(range);
      pinnedIndex.current = -1;
      if (activeIndex >= 0 && !indexes.includes(activeIndex)) {
        pinnedIndex.current = activeIndex;
        indexes.push(activeIndex);
        indexes.sort((a, b) => a - b);
      }
      return indexes;
    },
    [activeIndex],
  );

  // The app does not use the React Compiler; the virtualiser re-renders this component on scroll itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: placeholder ? 0 : entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    getItemKey: (index) => entries[index]?.id ?? index,
    overscan: 12,
    paddingStart: HEADER_HEIGHT,
    scrollPaddingStart: HEADER_HEIGHT,
    rangeExtractor,
    observeElementRect: observeRectAfterLayout,
    scrollToFn: scrollOnceMounted,
    // Until the first report: the window's size, which is about what the rows get.
    initialRect: { width: window.innerWidth, height: window.innerHeight },
  });
  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);

  // Focus follows the keyboard into the row it moved to, once that row is rendered.
  const pendingFocus = useRef<string | null>(null);
  // Whether the focus is inside the rows: if the focused row leaves the DOM (a filter, a page change),
  // the focus goes to the new active row instead of falling to <body>.
  const focusInside = useRef(false);
  useLayoutEffect(() => {
    const body = bodyRef.current;
    if (!body) return;
    const lost = focusInside.current && (document.activeElement === null || document.activeElement === document.body);
    const id = pendingFocus.current ?? (lost ? activeKey : undefined);
    pendingFocus.current = null;
    if (id === undefined) return;
    body.querySelector<HTMLElement>(`tr[data-entry-id="${CSS.escape(id)}"]`)?.focus({ preventScroll: true });
  });

  const moveTo = (index: number) => {
    const target = entries[Math.max(0, Math.min(entries.length - 1, index))];
    if (!target) return;
    pendingFocus.current = target.id;
    setActiveId(target.id);
    virtualizer.scrollToIndex(entries.indexOf(target), { align: 'auto' });
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTableSectionElement>) => {
    const row = e.target instanceof HTMLElement ? e.target : null;
    if (!row?.dataset.entryId || e.altKey || e.ctrlKey || e.metaKey) return;
    const index = entries.findIndex((x) => x.id === row.dataset.entryId);
    if (index < 0) return;
    if (
      selection &&
      handleSelectionKey(e, row.dataset.entryId, {
        toggle: (id, range = false) => selection.onToggle(id, range),
        clear: selection.onClear,
        hasSelection: selection.hasSelection,
      })
    ) {
      e.preventDefault();
      return;
    }
    const viewport = scrollRef.current?.clientHeight ?? 0;
    const page = Math.max(1, Math.floor((viewport - HEADER_HEIGHT) / rowHeight) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      j: index + 1,
      ArrowUp: index - 1,
      k: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: entries.length - 1,
    };
    if (selection && index === 0 && (e.key === 'ArrowUp' || e.key === 'k') && !e.shiftKey) {
      // Up from the first row reaches the header's checkbox, as in a grid whose header row is row 1.
      e.preventDefault();
      headerBoxRef.current?.focus();
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      onOpen(row.dataset.entryId);
    } else if (e.key in moves && !e.shiftKey) {
      e.preventDefault();
      moveTo(moves[e.key] ?? index);
    }
  };

  const onFocus = (e: FocusEvent<HTMLTableSectionElement>) => {
    focusInside.current = true;
    const id = e.target instanceof HTMLElement ? e.target.dataset.entryId : undefined;
    if (id && id !== activeId) setActiveId(id);
  };
  const onBlur = (e: FocusEvent<HTMLTableSectionElement>) => {
    if (!(e.relatedTarget instanceof Node && e.currentTarget.contains(e.relatedTarget))) focusInside.current = false;
  };

  const rows: ReactNode[] = [];
  if (!placeholder) {
    let cursor = HEADER_HEIGHT;
    for (const item of virtualizer.getVirtualItems()) {
      const entry = entries[item.index];
      if (!entry) continue;
      // Keyed by the row that follows, so rows already in the DOM never move (a moved node loses focus).
      if (item.start > cursor) rows.push(<Spacer key={`gap-${entry.id}`} height={item.start - cursor} span={columns.length} />);
      rows.push(
        <EntryRow
          key={entry.id}
          entry={entry}
          onOpen={onOpen}
          rowIndex={item.index + 2}
          active={item.index === activeIndex}
          pinned={item.index === pinnedIndex.current}
          layout={layout}
          density={density}
          maxAttempts={maxAttempts}
          selected={selection?.isSelected(entry.id)}
          onToggleSelect={selection?.onToggle}
        />,
      );
      cursor = item.end;
    }
    const tail = virtualizer.getTotalSize() - cursor;
    if (tail > 0) rows.push(<Spacer key="gap-end" height={tail} span={columns.length} />);
  }

  return (
    <div
      ref={frameRef}
      data-density={density}
      data-layout={layout}
      className="relative flex min-h-0 flex-1 flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900/60"
    >
      <div ref={scrollRef} data-virtual-viewport className="min-h-0 flex-1 overflow-auto">
        <table
          role="grid"
          aria-label="Entries"
          aria-multiselectable={selection ? true : undefined}
          aria-rowcount={placeholder ? undefined : entries.length + 1}
          className="w-full table-fixed border-separate border-spacing-0 text-left"
        >
          <thead className="sticky top-0 z-10 bg-zinc-50/95 backdrop-blur dark:bg-zinc-900/95">
            <tr role="row" aria-rowindex={1}>
              {columns.map((c) => (
                <th
                  key={c.id}
                  role="columnheader"
                  scope="col"
                  data-column={c.id}
                  style={{ height: HEADER_HEIGHT }}
                  className={`border-b border-zinc-200 text-[11px] font-semibold tracking-wider text-zinc-600 uppercase dark:border-zinc-800 dark:text-zinc-400 ${c.id === 'title' && !selection ? 'pl-5 pr-2' : c.className}`}
                >
                  {c.id === 'select' && selection ? (
                    <span
                      className="flex items-center"
                      ref={(el) => {
                        headerBoxRef.current = el?.querySelector('input') ?? null;
                      }}
                    >
                      <HeaderCheckbox
                        state={selection.header}
                        onChange={selection.onSelectLoaded}
                        tabIndex={-1}
                        onKeyDown={(e) => {
                          const first = entries[0];
                          if ((e.key === 'ArrowDown' || e.key === 'j') && first) {
                            e.preventDefault();
                            const el = bodyRef.current?.querySelector<HTMLElement>(`tr[data-entry-id="${CSS.escape(first.id)}"]`);
                            if (el) el.focus();
                            else moveTo(0);
                          }
                        }}
                      />
                    </span>
                  ) : (
                    <span className="block truncate">{c.label}</span>
                  )}
                </th>
              ))}
            </tr>
          </thead>
          <tbody ref={bodyRef} onKeyDown={onKeyDown} onFocus={onFocus} onBlur={onBlur}>
            {placeholder ? (
              <tr role="row">
                <td role="gridcell" colSpan={columns.length}>
                  {placeholder}
                </td>
              </tr>
            ) : (
              rows
            )}
          </tbody>
        </table>
      </div>
      {/* Drawn in the header's right corner but after the grid in the DOM, so Tab from the search box
          reaches the rows in one stop. Clear of the scrollbar, which runs beside the header too. */}
      <div className="absolute top-1.5 z-20" style={{ right: gutter + 8 }}>
        <DensityToggle density={density} onChange={setDensity} />
      </div>
      {footer}
    </div>
  );
}

/**
 * The width of the element's vertical scrollbar (0 for overlay scrollbars and where nothing is laid
 * out). Read in the ResizeObserver's reports only, the first of which comes right after the first
 * layout: read during the first commit, it forced a layout of the whole page before the first paint.
 */
function useScrollbarWidth(ref: RefObject<HTMLElement | null>): number {
  const [width, setWidth] = useState(0);
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const update = () => setWidth(Math.max(0, el.offsetWidth - el.clientWidth));
    const observer = new ResizeObserver(update);
    observer.observe(el);
    if (el.firstElementChild) observer.observe(el.firstElementChild);
    return () => observer.disconnect();
  }, [ref]);
  return width;
}

/**
 * The virtualiser's viewport from ResizeObserver reports only. Its default also reads the element's
 * size as it starts, during the first commit, which forces a layout of the whole page before the
 * first paint. Where there is no ResizeObserver (jsdom), the default.
 */
function observeRectAfterLayout(instance: Virtualizer<HTMLDivElement, Element>, cb: (rect: Rect) => void): (() => void) | undefined {
  const el = instance.scrollElement;
  if (!el || typeof ResizeObserver === 'undefined') return observeElementRect(instance, cb);
  const observer = new ResizeObserver(([entry]) => {
    // The border box, as the default's offsetWidth and offsetHeight read it.
    const box = entry?.borderBoxSize[0];
    if (box) cb({ width: Math.round(box.inlineSize), height: Math.round(box.blockSize) });
  });
  observer.observe(el);
  return () => observer.disconnect();
}

const mounted = new WeakSet<object>();

/**
 * The virtualiser scrolls its viewport to the initial offset as it mounts, and a scroll forces a
 * layout of the whole page before the first paint. A viewport just made is at 0 already: that first
 * scroll to 0 is skipped, and every other scroll is the default's.
 */
const scrollOnceMounted: VirtualizerOptions<HTMLDivElement, Element>['scrollToFn'] = (offset, options, instance) => {
  const first = !mounted.has(instance);
  mounted.add(instance);
  if (first && offset + (options.adjustments ?? 0) === 0) return;
  elementScroll(offset, options, instance);
};

function Spacer({ height, span }: { height: number; span: number }) {
  return (
    <tr aria-hidden>
      <td colSpan={span} style={{ height, padding: 0, border: 0 }} />
    </tr>
  );
}

export function SkeletonRows({ rows = 8 }: { rows?: number }) {
  return (
    <div aria-busy="true" aria-label="Loading entries" role="status">
      {Array.from({ length: rows }, (_, i) => (
        <div
          key={i}
          className="flex h-14 items-center gap-6 border-b border-zinc-100 px-5 dark:border-zinc-800/70"
          style={{ opacity: 1 - i * 0.1 }}
        >
          <div className="h-3 w-1/3 animate-shimmer rounded bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-5 w-20 animate-shimmer rounded-full bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-1.5 w-32 animate-shimmer rounded-full bg-zinc-200 dark:bg-zinc-800" />
          <div className="h-3 flex-1 animate-shimmer rounded bg-zinc-100 dark:bg-zinc-800/60" />
        </div>
      ))}
    </div>
  );
}
