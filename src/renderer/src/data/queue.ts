/**
 * The `queue:*` channels: whether the pool is paused, and the settings a person can change while the
 * app runs. Mutations own their toasts (River UI's shape); components get values and callbacks.
 */
import { queryOptions, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { QueueState, RequestOf } from '../../../shared/contract';
import { errorMessage } from '../../../shared/error-message';
import { invoke } from './client';
import { liveQuery, localMutation } from './polling';
import { statsKeys } from './stats';

export type QueueUpdate = RequestOf<'queue:update'>;

export const queueKeys = {
  all: ['queue'] as const,
  state: () => [...queueKeys.all, 'state'] as const,
};

export function queueStateOptions() {
  return queryOptions({
    queryKey: queueKeys.state(),
    queryFn: () => invoke('queue:state', {}),
    // Another process (the CLI's `pause`) may change it: polled like everything else.
    ...liveQuery,
  });
}

export function useQueueState() {
  return useQuery(queueStateOptions());
}

/** Only `paused`: a click on the header's toggle, which has nowhere but a toast to show an error. */
function isPauseOnly(update: QueueUpdate): boolean {
  return Object.keys(update).every((k) => k === 'paused') && update.paused !== undefined;
}

/**
 * Pause, resume or save settings. Success: the new state goes straight into the cache and a toast
 * says "Paused", "Resumed" or "Settings saved". A refused pause/resume is a toast with the core's
 * message; a refused settings save is left to the settings dialog, which shows it once, next to the
 * fields (a toast would say it twice).
 */
export function useUpdateQueue() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (update: QueueUpdate) => invoke('queue:update', update),
    ...localMutation,
    onSuccess: (state: QueueState, update) => {
      queryClient.setQueryData(queueKeys.state(), state);
      if (isPauseOnly(update)) {
        if (state.paused) toast.success('Paused', { description: 'Running stages finish; nothing new starts until you resume.' });
        else toast.success('Resumed');
      } else {
        toast.success('Settings saved');
      }
      // Worker count shows in the header's stats.
      return queryClient.invalidateQueries({ queryKey: statsKeys.all });
    },
    onError: (err, update) => {
      if (isPauseOnly(update)) {
        toast.error(update.paused ? 'Could not pause the queue' : 'Could not resume the queue', { description: errorMessage(err) });
      }
    },
  });
}
