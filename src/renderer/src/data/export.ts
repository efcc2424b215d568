/**
 * `entries:export`: main shows the save dialog and streams the file; the renderer only asks and
 * reports. A closed save dialog is not an error and says nothing.
 */
import { useMutation } from '@tanstack/react-query';
import { toast } from 'sonner';
import type { EntryFilter, ExportFormat } from '../../../shared/contract';
import { errorMessage } from '../../../shared/error-message';
import { entriesCount } from './bulk';
import { invoke } from './client';
import { localMutation } from './polling';

export function useExportEntries() {
  return useMutation({
    mutationFn: ({ format, filter }: { format: ExportFormat; filter: EntryFilter }) =>
      invoke('entries:export', { format, filter }),
    ...localMutation,
    onSuccess: (result) => {
      if (result.path === null) return;
      toast.success(`Exported ${entriesCount(result.count)} to ${result.path}`);
    },
    onError: (err) => toast.error('Could not export the entries', { description: errorMessage(err) }),
  });
}
