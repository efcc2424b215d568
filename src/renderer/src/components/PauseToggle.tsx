interface Props {
  /** undefined while the state has not loaded: the control waits. */
  paused: boolean | undefined;
  pending: boolean;
  onChange: (paused: boolean) => void;
}

/**
 * The header's pause switch. Paused is loud (an amber pill that says so), since a paused queue
 * looks like a broken one; running is quiet.
 */
export function PauseToggle({ paused, pending, onChange }: Props) {
  const label = paused ? 'Resume' : 'Pause';
  return (
    <div className="flex items-center gap-2">
      {paused ? (
        <span
          role="status"
          className="inline-flex items-center gap-1.5 rounded-full whitespace-nowrap bg-amber-100 px-2.5 py-0.5 text-xs font-semibold text-amber-900 ring-1 ring-amber-600/25 ring-inset dark:bg-amber-400/15 dark:text-amber-200 dark:ring-amber-400/30"
        >
          <PauseGlyph />
          Paused
        </span>
      ) : null}
      <button
        type="button"
        disabled={paused === undefined || pending}
        onClick={() => {
          if (paused !== undefined) onChange(!paused);
        }}
        title={paused ? 'Let workers claim entries again' : 'Workers finish what runs now and start nothing new'}
        className="focus-ring inline-flex h-8 items-center gap-1.5 rounded-lg whitespace-nowrap border border-zinc-200 bg-white px-2.5 text-xs font-medium text-zinc-700 shadow-xs hover:bg-zinc-50 disabled:cursor-not-allowed disabled:opacity-60 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-200 dark:hover:bg-zinc-800"
      >
        {paused ? <PlayGlyph /> : <PauseGlyph />}
        {pending ? (paused ? 'Resuming…' : 'Pausing…') : `${label} queue`}
      </button>
    </div>
  );
}

function PauseGlyph() {
  return (
    <svg width="12" height="12" viewBox="0 0 24 24" fill="currentColor" aria-hidden>
      <rect x="6" y="5" width="4" height="14" rx="1" />
      <rect x="14" y="5" width="4" height="14" rx="1" />
    </svg>
  );
}

function PlayGlyph() {
  return (
    <svg width="12" height="12" viewBox="0 0 24 24" fill="currentColor" aria-hidden>
      <path d="M7 5.5v13a1 1 0 0 0 1.5.86l11-6.5a1 1 0 0 0 0-1.72l-11-6.5A1 1 0 0 0 7 5.5z" />
    </svg>
  );
}
