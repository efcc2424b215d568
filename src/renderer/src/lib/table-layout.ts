import { useLayoutEffect, useState, type RefObject } from 'react';

/**
 * Which columns the table has room for, from its own width (not the window's). Lower-value columns
 * go first and their content moves into the row: progress under the status, the result under the
 * title; "Created" is only on hover of "Updated". Thresholds keep the title at 40% or more of the
 * table beside the fixed columns (selection 40, status 160, progress 144, updated 128, created 112 px,
 * result 20%): e.g. medium needs W - 472 >= 0.4 W, so W >= 790.
 */
export type TableLayout = 'narrow' | 'medium' | 'wide' | 'full';

export const LAYOUT_MIN_WIDTH: Record<TableLayout, number> = { narrow: 0, medium: 790, wide: 1180, full: 1460 };

export function layoutFor(width: number): TableLayout {
  if (width >= LAYOUT_MIN_WIDTH.full) return 'full';
  if (width >= LAYOUT_MIN_WIDTH.wide) return 'wide';
  if (width >= LAYOUT_MIN_WIDTH.medium) return 'medium';
  return 'narrow';
}

/** Follows the element's width; where nothing can measure (jsdom) every column is shown. */
export function useTableLayout(ref: RefObject<HTMLElement | null>): TableLayout {
  const [layout, setLayout] = useState<TableLayout>('full');
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const update = () => {
      const width = el.getBoundingClientRect().width;
      if (width > 0) setLayout(layoutFor(width));
    };
    update();
    const observer = new ResizeObserver(update);
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return layout;
}
