import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { ExportFormat } from '../../../shared/contract';

interface Props {
  /** Describes what gets exported, for the button's accessible description ("Failed entries matching “503”"). */
  scope: string;
  exporting: boolean;
  onExport: (format: ExportFormat) => void;
}

const ITEMS: { format: ExportFormat; label: string; hint: string }[] = [
  { format: 'csv', label: 'CSV', hint: 'For spreadsheets' },
  { format: 'json', label: 'JSON', hint: 'For scripts' },
];

/**
 * "Export" with a small menu: CSV or JSON of what the list shows now. The menu-button pattern:
 * Enter/Space/↓ opens it on the first item, arrows move, Esc or Tab closes and focus returns.
 */
export function ExportMenu({ scope, exporting, onExport }: Props) {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const itemRefs = useRef<(HTMLButtonElement | null)[]>([]);
  const rootRef = useRef<HTMLDivElement>(null);
  const ids = { menu: useId(), scope: useId() };

  // Layout, not passive: focus is on the first item before the menu is painted, so a key pressed
  // the moment it appears goes to the item and not to the button (which would close it again).
  useLayoutEffect(() => {
    if (!open) return;
    itemRefs.current[0]?.focus();
    const away = (e: PointerEvent) => {
      if (!rootRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('pointerdown', away);
    return () => document.removeEventListener('pointerdown', away);
  }, [open]);

  const close = (refocus: boolean) => {
    setOpen(false);
    if (refocus) buttonRef.current?.focus();
  };
  const onMenuKey = (e: KeyboardEvent<HTMLDivElement>) => {
    const items = itemRefs.current.filter((x): x is HTMLButtonElement => x !== null);
    const at = items.indexOf(document.activeElement as HTMLButtonElement);
    const move = (to: number) => {
      e.preventDefault();
      items[(to + items.length) % items.length]?.focus();
    };
    if (e.key === 'ArrowDown') move(at + 1);
    else if (e.key === 'ArrowUp') move(at - 1);
    else if (e.key === 'Home') move(0);
    else if (e.key === 'End') move(items.length - 1);
    else if (e.key === 'Escape') {
      e.preventDefault();
      // Not the drawer or a dialog behind: this Esc was the menu's.
      e.stopPropagation();
      close(true);
    } else if (e.key === 'Tab') close(false);
  };

  return (
    <div ref={rootRef} className="relative">
      <button
        ref={buttonRef}
        type="button"
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? ids.menu : undefined}
        aria-describedby={ids.scope}
        disabled={exporting}
        onClick={() => setOpen((o) => !o)}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown' && !open) {
            e.preventDefault();
            setOpen(true);
          }
        }}
        className="focus-ring inline-flex h-9 items-center gap-1.5 rounded-lg border border-zinc-200 bg-white px-3 text-sm font-medium text-zinc-800 shadow-xs hover:bg-zinc-50 disabled:cursor-not-allowed disabled:text-zinc-400 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
          <path d="M12 3v12M7 10l5 5 5-5M5 21h14" />
        </svg>
        {exporting ? 'Exporting…' : 'Export'}
      </button>
      <span id={ids.scope} className="sr-only">
        {scope}
      </span>
      {open ? (
        <div
          id={ids.menu}
          role="menu"
          aria-label="Export format"
          onKeyDown={onMenuKey}
          className="absolute left-0 z-30 mt-1 w-48 animate-fade-in rounded-xl border border-zinc-200 bg-white p-1 shadow-lg shadow-zinc-950/10 dark:border-zinc-700 dark:bg-zinc-900"
        >
          {ITEMS.map((item, i) => (
            <button
              key={item.format}
              ref={(el) => {
                itemRefs.current[i] = el;
              }}
              type="button"
              role="menuitem"
              tabIndex={-1}
              onClick={() => {
                close(true);
                onExport(item.format);
              }}
              className="focus-ring flex w-full items-baseline justify-between gap-3 rounded-lg px-2.5 py-1.5 text-left text-sm text-zinc-800 hover:bg-zinc-100 focus-visible:bg-zinc-100 focus-visible:outline-offset-0 dark:text-zinc-200 dark:hover:bg-zinc-800 dark:focus-visible:bg-zinc-800"
            >
              <span className="font-medium">{item.label}</span>
              <span className="text-xs text-zinc-600 dark:text-zinc-400">{item.hint}</span>
            </button>
          ))}
        </div>
      ) : null}
    </div>
  );
}
