import { useLayoutEffect, useState, type RefObject } from 'react';
import { layoutFor, type TableLayout } from './table-widths';

export { LAYOUT_MIN_WIDTH, layoutFor, type TableLayout } from './table-widths';

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
