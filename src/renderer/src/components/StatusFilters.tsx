import { STATUSES, type Status, type StatusCounts } from '../../../shared/statuses';
import { STATUS_LOOK } from '../lib/status';

const nf = new Intl.NumberFormat();

interface Props {
  counts: StatusCounts;
  total: number;
  selected: Status | null;
  onSelect: (status: Status | null) => void;
  /** A search is active: the counts are still the whole table's, and the pills say so. */
  searching?: boolean;
}

/** Counts per status (always of every entry, not of a search) that double as the status filter. */
export function StatusFilters({ counts, total, selected, onSelect, searching = false }: Props) {
  return (
    <div role="group" aria-label="Filter by status" className="flex flex-wrap items-center gap-1.5">
      {searching ? (
        <span className="text-xs text-zinc-600 dark:text-zinc-400" data-testid="counts-scope">
          All entries, by status:
        </span>
      ) : null}
      <Pill label="All" count={total} pressed={selected === null} onClick={() => onSelect(null)} />
      {STATUSES.map((s) => (
        <Pill
          key={s}
          label={STATUS_LOOK[s].label}
          count={counts[s]}
          dot={STATUS_LOOK[s].dot}
          pressed={selected === s}
          onClick={() => onSelect(selected === s ? null : s)}
        />
      ))}
    </div>
  );
}

function Pill(props: { label: string; count: number; dot?: string; pressed: boolean; onClick: () => void }) {
  const { label, count, dot, pressed, onClick } = props;
  return (
    <button
      type="button"
      aria-pressed={pressed}
      onClick={onClick}
      className={`focus-ring inline-flex h-8 items-center gap-2 rounded-full border px-3 text-[13px] font-medium transition-[background-color,border-color] ${
        pressed
          ? 'border-zinc-900 bg-zinc-900 text-white shadow-sm dark:border-zinc-100 dark:bg-zinc-100 dark:text-zinc-900'
          : 'border-zinc-200 bg-white text-zinc-700 hover:border-zinc-300 hover:bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900 dark:text-zinc-300 dark:hover:border-zinc-700 dark:hover:bg-zinc-800/70'
      }`}
    >
      {dot ? <span aria-hidden className={`size-2 rounded-full ${dot}`} /> : null}
      <span>{label}</span>
      <span
        className={`tabular-nums ${pressed ? 'text-zinc-200 dark:text-zinc-700' : 'text-zinc-600 dark:text-zinc-400'}`}
      >
        {nf.format(count)}
      </span>
    </button>
  );
}
