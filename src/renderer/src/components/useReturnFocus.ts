import { useRef } from 'react';

/**
 * Radix returns focus to a Dialog.Trigger on close; our dialogs open from shortcuts and table rows
 * instead, so remember what had focus when they opened and give it back (or to `fallback()`).
 */
export function useReturnFocus(fallback?: () => HTMLElement | null) {
  const previous = useRef<HTMLElement | null>(null);
  return {
    onOpenAutoFocus: () => {
      // Runs before Radix moves focus into the dialog.
      previous.current = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    },
    onCloseAutoFocus: (event: Event) => {
      event.preventDefault();
      const target = previous.current?.isConnected ? previous.current : (fallback?.() ?? null);
      target?.focus();
      previous.current = null;
    },
  };
}
