import type { Ref } from 'react';
import { SEARCH_MAX } from '../../../shared/limits';
import { SearchIcon, XIcon } from './icons';

interface Props {
  value: string;
  onChange: (value: string) => void;
  /** Esc (which also clears the search) and ArrowDown hand the keyboard to the list. */
  onLeave: () => void;
  ref?: Ref<HTMLInputElement>;
}

export function SearchBox({ value, onChange, onLeave, ref }: Props) {
  return (
    <div className="relative w-full sm:w-72">
      <label htmlFor="entry-search" className="sr-only">
        Search by title, ID, error or result
      </label>
      <SearchIcon className="pointer-events-none absolute top-1/2 left-3 -translate-y-1/2 text-zinc-400" />
      <input
        ref={ref}
        id="entry-search"
        type="search"
        value={value}
        maxLength={SEARCH_MAX}
        placeholder="Search title, ID, error…"
        autoComplete="off"
        spellCheck={false}
        onChange={(e) => onChange(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Escape') {
            e.preventDefault();
            if (value) onChange('');
            onLeave();
          } else if (e.key === 'ArrowDown') {
            e.preventDefault();
            onLeave();
          }
        }}
        className="focus-ring h-9 w-full rounded-lg border border-zinc-200 bg-white pr-16 pl-9 text-sm shadow-xs placeholder:text-zinc-400 focus-visible:outline-offset-0 dark:border-zinc-800 dark:bg-zinc-900 dark:placeholder:text-zinc-500 [&::-webkit-search-cancel-button]:hidden"
      />
      {value ? (
        <button
          type="button"
          aria-label="Clear search"
          onClick={() => onChange('')}
          className="focus-ring absolute top-1/2 right-2 -translate-y-1/2 rounded p-1 text-zinc-400 hover:text-zinc-700 dark:hover:text-zinc-200"
        >
          <XIcon width={14} height={14} />
        </button>
      ) : (
        <kbd className="pointer-events-none absolute top-1/2 right-2.5 -translate-y-1/2 rounded border border-zinc-200 px-1.5 font-sans text-[11px] text-zinc-600 dark:border-zinc-600 dark:text-zinc-300">
          /
        </kbd>
      )}
    </div>
  );
}
