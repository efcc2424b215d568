import type { BulkAction } from '../../../shared/contract';
import { entriesCount } from '../data/bulk';
import { RetryIcon, XIcon } from './icons';
import { Button } from './ui';

const nf = new Intl.NumberFormat();

interface Props {
  /** Entries selected: ids ticked, or everything matching when `allMatching`. */
  count: number;
  allMatching: boolean;
  /** Entries matching the filter (for "Select all N matching"); capped: the core stopped counting there. */
  matching: { count: number; capped: boolean };
  /** The action running now, if any: its button says so and every button waits. */
  busy: BulkAction | null;
  onAction: (action: BulkAction) => void;
  onSelectAllMatching: () => void;
  onClear: () => void;
}

/**
 * The bar over the table while anything is selected: how many, what to do with them, and the way to
 * reach everything matching (not only the loaded rows). Nothing is rendered with nothing selected.
 */
export function BulkBar({ count, allMatching, matching, busy, onAction, onSelectAllMatching, onClear }: Props) {
  if (count === 0) return null;
  const matchingText = `${nf.format(matching.count)}${matching.capped ? '+' : ''}`;
  const canWiden = !allMatching && matching.count > count;
  return (
    <div
      role="toolbar"
      aria-label="Selected entries"
      className="flex flex-wrap items-center gap-x-3 gap-y-2 rounded-xl border border-indigo-200 bg-indigo-50/70 px-3 py-2 text-sm dark:border-indigo-500/30 dark:bg-indigo-500/10"
    >
      <span role="status" className="font-medium text-indigo-900 tabular-nums dark:text-indigo-200">
        {allMatching ? `All ${matchingText} matching selected` : `${entriesCount(count)} selected`}
      </span>
      {canWiden ? (
        <button
          type="button"
          onClick={onSelectAllMatching}
          className="focus-ring rounded text-indigo-700 underline decoration-indigo-300 underline-offset-2 hover:text-indigo-900 dark:text-indigo-300 dark:decoration-indigo-500/50 dark:hover:text-indigo-100"
        >
          Select all {matchingText} matching
        </button>
      ) : null}
      <div className="ml-auto flex flex-wrap items-center gap-2">
        <Button disabled={busy !== null} onClick={() => onAction('retry')}>
          <RetryIcon width={14} height={14} />
          {busy === 'retry' ? 'Retrying…' : 'Retry'}
        </Button>
        <Button disabled={busy !== null} onClick={() => onAction('cancel')}>
          {busy === 'cancel' ? 'Cancelling…' : 'Cancel'}
        </Button>
        <Button disabled={busy !== null} onClick={() => onAction('delete')}>
          <span className="text-rose-700 dark:text-rose-400">{busy === 'delete' ? 'Deleting…' : 'Delete'}</span>
        </Button>
        <Button variant="ghost" onClick={onClear} aria-label="Clear selection">
          <XIcon width={14} height={14} />
          Clear
        </Button>
      </div>
    </div>
  );
}
