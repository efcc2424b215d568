import type { Density } from '../lib/density';

/** Compact rows on or off; a toggle button, so screen readers hear its state. */
export function DensityToggle({ density, onChange }: { density: Density; onChange: (d: Density) => void }) {
  const compact = density === 'compact';
  return (
    <button
      type="button"
      aria-pressed={compact}
      title={compact ? 'Comfortable rows' : 'Compact rows'}
      onClick={() => onChange(compact ? 'comfortable' : 'compact')}
      className="focus-ring inline-flex size-6 items-center justify-center rounded-md text-zinc-500 hover:bg-zinc-200/70 hover:text-zinc-800 aria-pressed:bg-zinc-200 aria-pressed:text-zinc-900 dark:text-zinc-400 dark:hover:bg-zinc-800 dark:hover:text-zinc-100 dark:aria-pressed:bg-zinc-700 dark:aria-pressed:text-zinc-50"
    >
      <span className="sr-only">Compact rows</span>
      <svg aria-hidden width={14} height={14} viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth={2} strokeLinecap="round">
        {compact ? <path d="M4 5h16M4 9.5h16M4 14h16M4 18.5h16" /> : <path d="M4 6h16M4 12h16M4 18h16" />}
      </svg>
    </button>
  );
}
