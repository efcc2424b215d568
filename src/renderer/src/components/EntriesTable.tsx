import { useVirtualizer } from '@tanstack/react-virtual';
import { useRef, type ReactNode } from 'react';
import type { Entry } from '../../../shared/contract';
import { EntryRow, ROW_HEIGHT } from './EntryRow';

interface Props {
  entries: Entry[];
  onOpen: (id: string) => void;
  /** Shown instead of rows (loading, empty and error states). */
  placeholder?: ReactNode;
  footer?: ReactNode;
}

const COLUMNS = [
  { label: 'Title', className: 'pl-5 pr-3' },
  { label: 'Status', className: 'w-32 px-3' },
  { label: 'Progress', className: 'w-44 px-3' },
  { label: 'Result', className: 'w-[32%] px-3' },
  { label: 'Created', className: 'w-28 px-3' },
  { label: 'Updated', className: 'w-28 pl-3 pr-5' },
] as const;

/**
 * The entries table. Rows are virtualised (only what is on screen plus a margin is in the DOM), with
 * spacer rows above and below so it stays a real <table> for assistive technology.
 */
export function EntriesTable({ entries, onOpen, placeholder, footer }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  // The app does not use the React Compiler; the virtualiser re-renders this component on scroll itself.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: entries.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => ROW_HEIGHT,
    getItemKey: (index) => entries[index]?.id ?? index,
    overscan: 12,
  });
  const items = virtualizer.getVirtualItems();
  const paddingTop = items[0]?.start ?? 0;
  const paddingBottom = Math.max(0, virtualizer.getTotalSize() - (items.at(-1)?.end ?? 0));

  return (
    <div className="flex min-h-0 flex-1 flex-col overflow-hidden rounded-xl border border-zinc-200 bg-white shadow-xs dark:border-zinc-800 dark:bg-zinc-900/60">
      <div ref={scrollRef} data-virtual-viewport className="min-h-0 flex-1 overflow-auto">
        <table className="w-full table-fixed border-separate border-spacing-0 text-left" aria-label="Entries">
          <thead className="sticky top-0 z-10 bg-zinc-50/95 backdrop-blur dark:bg-zinc-900/95">
            <tr>
              {COLUMNS.map((c) => (
                <th
                  key={c.label}
                  scope="col"
                  className={`h-9 border-b border-zinc-200 text-[11px] font-semibold tracking-wider text-zinc-500 uppercase dark:border-zinc-800 dark:text-zinc-400 ${c.className}`}
                >
                  {c.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {placeholder ? (
              <tr>
                <td colSpan={COLUMNS.length}>{placeholder}</td>
              </tr>
            ) : (
              <>
                {paddingTop > 0 ? (
                  <tr aria-hidden>
                    <td colSpan={COLUMNS.length} style={{ height: paddingTop, padding: 0 }} />
                  </tr>
                ) : null}
                {items.map((item) => {
                  const entry = entries[item.index];
                  return entry ? <EntryRow key={entry.id} entry={entry} onOpen={onOpen} /> : null;
                })}
                {paddingBottom > 0 ? (
                  <tr aria-hidden>
                    <td colSpan={COLUMNS.length} style={{ height: paddingBottom, padding: 0 }} />
                  </tr>
                ) : null}
              </>
            )}
          </tbody>
        </table>
      </div>
      {footer}
    </div>
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
