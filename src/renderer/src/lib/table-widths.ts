/**
 * Which columns the table has room for, from its own width (not the window's). Lower-value columns
 * go first and their content moves into the row: progress under the status, the result under the
 * title; "Created" is only on hover of "Updated". Thresholds keep the title at 40% or more of the
 * table beside the fixed columns (selection 40, status 160, progress 144, updated 128, created 112 px,
 * result 20%): e.g. medium needs W - 472 >= 0.4 W, so W >= 790.
 *
 * DOM-free and apart from the hook (table-layout.ts), so the end-to-end tests, compiled for Node,
 * wait on the same thresholds the page uses.
 */
export type TableLayout = 'narrow' | 'medium' | 'wide' | 'full';

export const LAYOUT_MIN_WIDTH: Record<TableLayout, number> = { narrow: 0, medium: 790, wide: 1180, full: 1460 };

export function layoutFor(width: number): TableLayout {
  if (width >= LAYOUT_MIN_WIDTH.full) return 'full';
  if (width >= LAYOUT_MIN_WIDTH.wide) return 'wide';
  if (width >= LAYOUT_MIN_WIDTH.medium) return 'medium';
  return 'narrow';
}
