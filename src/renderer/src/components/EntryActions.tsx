import { useState } from 'react';
import { ACTIVE_STATUSES, TERMINAL_STATUSES, type Status } from '../../../shared/statuses';
import { ConfirmDialog } from './ConfirmDialog';
import { Button } from './ui';

interface Props {
  status: Status;
  /** The action running now; its button says so and both wait. */
  busy: 'cancel' | 'delete' | null;
  onCancel: () => void;
  /** Asked only after the person confirms. */
  onDelete: () => void;
}

/**
 * One entry's Cancel (while it waits or runs) and Delete (once finished, after a confirmation), for
 * the detail drawer's footer beside Retry. Nothing for a status neither applies to.
 */
export function EntryActions({ status, busy, onCancel, onDelete }: Props) {
  const [confirming, setConfirming] = useState(false);
  const canCancel = ACTIVE_STATUSES.includes(status);
  const canDelete = TERMINAL_STATUSES.includes(status);
  if (!canCancel && !canDelete) return null;
  return (
    <>
      {canCancel ? (
        <Button disabled={busy !== null} onClick={onCancel}>
          {busy === 'cancel' ? 'Cancelling…' : 'Cancel entry'}
        </Button>
      ) : null}
      {canDelete ? (
        <Button disabled={busy !== null} onClick={() => setConfirming(true)}>
          <span className="text-rose-700 dark:text-rose-400">{busy === 'delete' ? 'Deleting…' : 'Delete'}</span>
        </Button>
      ) : null}
      <ConfirmDialog
        open={confirming}
        onOpenChange={setConfirming}
        title="Delete this entry? This cannot be undone."
        description="The entry and its history are removed."
        confirmLabel="Delete entry"
        destructive
        busy={busy === 'delete'}
        onConfirm={() => {
          setConfirming(false);
          onDelete();
        }}
      />
    </>
  );
}
