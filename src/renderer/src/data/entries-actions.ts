/** Cancel and delete one entry (`entries:cancel`, `entries:delete`), with their toasts and refreshes. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { toast } from 'sonner';
import { errorMessage } from '../../../shared/error-message';
import { invoke } from './client';
import { entryKeys } from './entries';
import { localMutation } from './polling';
import { statsKeys } from './stats';

export function useCancelEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => invoke('entries:cancel', { id }),
    ...localMutation,
    onSuccess: (entry) => {
      toast.success('Entry cancelled', { description: entry.title });
      queryClient.setQueryData(entryKeys.detail(entry.id), (old) => (old ? { ...old, ...entry } : old));
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: entryKeys.polls() }),
        queryClient.invalidateQueries({ queryKey: entryKeys.detail(entry.id) }),
        queryClient.invalidateQueries({ queryKey: statsKeys.all }),
      ]);
    },
    onError: (err) => toast.error('Could not cancel the entry', { description: errorMessage(err) }),
  });
}

/** The caller closes whatever showed the entry (its drawer) on success: the entry no longer exists. */
export function useDeleteEntry() {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (id: string) => invoke('entries:delete', { id }),
    ...localMutation,
    onSuccess: ({ id }) => {
      toast.success('Entry deleted');
      // Not invalidated: refetching a deleted entry's detail would only answer NOT_FOUND.
      queryClient.removeQueries({ queryKey: entryKeys.detail(id) });
      return Promise.all([
        queryClient.invalidateQueries({ queryKey: entryKeys.polls() }),
        queryClient.invalidateQueries({ queryKey: statsKeys.all }),
      ]);
    },
    onError: (err) => toast.error('Could not delete the entry', { description: errorMessage(err) }),
  });
}
