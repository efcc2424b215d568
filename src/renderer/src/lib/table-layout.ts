import { useLayoutEffect, useState, type RefObject } from 'react';
import { layoutFor, type TableLayout } from './table-widths';

export { LAYOUT_MIN_WIDTH, layoutFor, type TableLayout } from './table-widths';

/**
 * Follows the element's width; where nothing can measure (jsdom) every column is shown. The first
 * guess is the window's width, corrected by the ResizeObserver's first report: measuring the
 * element during the first commit forced a layout of the whole page before its first paint.
 */
export function useTableLayout(ref: RefObject<HTMLElement | null>): TableLayout {
  const [layout, setLayout] = useState<TableLayout>(() => (typeof ResizeObserver === 'undefined' ? 'full' : layoutFor(window.innerWidth)));
  useLayoutEffect(() => {
    const el = ref.current;
    if (!el || typeof ResizeObserver === 'undefined') return;
    const observer = new ResizeObserver(([entry]) => {
      // The border box, as getBoundingClientRect reads it (the end-to-end tests compare with that).
      const width = entry?.borderBoxSize[0]?.inlineSize ?? 0;
      if (width > 0) setLayout(layoutFor(width));
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, [ref]);
  return layout;
}
