import { useEffect, useRef, type KeyboardEvent, type MouseEvent } from 'react';

const BOX = 'focus-ring size-4 shrink-0 cursor-pointer rounded accent-indigo-600 dark:accent-indigo-400';

/**
 * A row's checkbox. A click with Shift extends the range from the last row ticked (onToggle(true));
 * the row itself must not also open on the click, so the event stops here.
 */
export function RowCheckbox({ checked, label, onToggle }: { checked: boolean; label: string; onToggle: (range: boolean) => void }) {
  return (
    <input
      type="checkbox"
      checked={checked}
      aria-label={label}
      // The grid's roving focus owns Tab; the checkbox is reached with x on the row.
      tabIndex={-1}
      onChange={() => undefined}
      onClick={(e: MouseEvent<HTMLInputElement>) => {
        e.stopPropagation();
        onToggle(e.shiftKey);
      }}
      className={BOX}
    />
  );
}

/**
 * The column header's checkbox: ticks the loaded rows, or clears; mixed while some are ticked.
 * "Select all N matching" (beyond the loaded rows) is the BulkBar's, where the count is said.
 */
export function HeaderCheckbox({
  state,
  onChange,
  tabIndex,
  onKeyDown,
}: {
  state: 'none' | 'some' | 'all';
  onChange: (selectAll: boolean) => void;
  /** In the grid: -1, reached with ↑ from the first row (the grid keeps one Tab stop). */
  tabIndex?: number;
  onKeyDown?: (e: KeyboardEvent<HTMLInputElement>) => void;
}) {
  const ref = useRef<HTMLInputElement>(null);
  // Mixed is a DOM property only (no attribute); assistive tech reads it from there.
  useEffect(() => {
    if (ref.current) ref.current.indeterminate = state === 'some';
  }, [state]);
  return (
    <input
      ref={ref}
      type="checkbox"
      checked={state === 'all'}
      aria-label={state === 'none' ? 'Select the loaded entries' : 'Clear the selection'}
      onChange={() => onChange(state === 'none')}
      tabIndex={tabIndex}
      onKeyDown={onKeyDown}
      className={BOX}
    />
  );
}
