/**
 * `entries:bulk`: retry, cancel or delete many entries in one go, named by id or by the list's
 * filter (lib/selection.ts decides which). The hook owns the result toast and the refresh.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { BulkAction, BulkResult } from '../../../shared/contract';
import { errorMessage } from '../../../shared/error-message';
import { chunkIds, type BulkTarget } from '../lib/selection';
import { invoke } from './client';
import { entryKeys } from './entries';
import { localMutation } from './polling';
import { statsKeys } from './stats';

const nf = new Intl.NumberFormat();

/** "1 entry", "2,481 entries". */
export function entriesCount(n: number): string {
  return `${nf.format(n)} ${n === 1 ? 'entry' : 'entries'}`;
}

const DONE: Record<BulkAction, string> = { retry: 'Retried', cancel: 'Cancelled', delete: 'Deleted' };
const NONE: Record<BulkAction, string> = { retry: 'retried', cancel: 'cancelled', delete: 'deleted' };
/** Why the core left some alone, per action (BulkResult.skipped: moved on, or gone). */
const SKIPPED: Record<BulkAction, (n: number) => string> = {
  retry: (n) => `${nf.format(n)} had already moved on`,
  cancel: (n) => `${nf.format(n)} had already finished`,
  delete: (n) => `${nf.format(n)} ${n === 1 ? 'was' : 'were'} still active or already gone`,
};

/** "Retried 2,481 entries; 3 had already moved on". */
export function bulkResultMessage(action: BulkAction, result: BulkResult): string {
  const done = result.affected === 0 ? `No entries ${NONE[action]}` : `${DONE[action]} ${entriesCount(result.affected)}`;
  return result.skipped === 0 ? done : `${done}; ${SKIPPED[action](result.skipped)}`;
}

/** A filter is one call; ids go in calls of at most BULK_IDS_MAX, one after another, summed. */
export async function runBulk(action: BulkAction, target: BulkTarget): Promise<BulkResult> {
  if ('filter' in target) return invoke('entries:bulk', { action, filter: target.filter });
  const total: BulkResult = { affected: 0, skipped: 0 };
  for (const ids of chunkIds(target.ids)) {
    const r = await invoke('entries:bulk', { action, ids });
    total.affected += r.affected;
    total.skipped += r.skipped;
  }
  return total;
}

export interface BulkVariables {
  action: BulkAction;
  target: BulkTarget;
}

const FAILED: Record<BulkAction, string> = {
  retry: 'Could not retry the entries',
  cancel: 'Could not cancel the entries',
  delete: 'Could not delete the entries',
};

export function useBulkAction() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: ({ action, target }: BulkVariables) => runBulk(action, target),
    ...localMutation,
    onSuccess: (result, { action }) => {
      toast.success(bulkResultMessage(action, result));
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: entryKeys.polls() }),
        queryClient.invalidateQueries({ queryKey: entryKeys.details() }),
        queryClient.invalidateQueries({ queryKey: statsKeys.all }),
      ]);
    },
    // Ids sent in several calls may have half-succeeded: refresh either way so the table tells the truth.
    onError: (err, { action }) => {
      toast.error(FAILED[action], { description: errorMessage(err) });
      return queryClient.invalidateQueries({ queryKey: entryKeys.polls() });
    },
  });
}
