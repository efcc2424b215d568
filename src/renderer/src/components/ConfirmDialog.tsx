import * as Dialog from '@radix-ui/react-dialog';
import { useRef, type ReactNode } from 'react';
import type { BulkAction } from '../../../shared/contract';
import { STATUS_LOOK } from '../lib/status';
import type { Selection } from '../lib/selection';
import { entriesCount } from '../data/bulk';
import { AlertIcon } from './icons';
import { Button } from './ui';
import { DIALOG_CONTENT, DIALOG_FOOTER, DIALOG_OVERLAY } from './dialog-look';
import { useReturnFocus } from './useReturnFocus';

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** A question naming the action and the count: "Delete 2,481 entries?". */
  title: string;
  description: ReactNode;
  /** The button that does it: "Delete 2,481 entries". */
  confirmLabel: string;
  destructive?: boolean;
  /** While the action runs: the confirm button says so and nothing can be pressed twice. */
  busy?: boolean;
  onConfirm: () => void;
}

/**
 * "Are you sure?" for actions on many entries. An alertdialog: focus starts on the safe button
 * (Enter on a reflex must not delete), Esc or "Go back" closes, and the confirm button is red when
 * the action destroys or stops work.
 */
export function ConfirmDialog({ open, onOpenChange, title, description, confirmLabel, destructive = false, busy = false, onConfirm }: Props) {
  const contentRef = useRef<HTMLDivElement>(null);
  const returnFocus = useReturnFocus();
  return (
    <Dialog.Root open={open} onOpenChange={onOpenChange}>
      <Dialog.Portal>
        <Dialog.Overlay className={DIALOG_OVERLAY} />
        <Dialog.Content
          ref={contentRef}
          role="alertdialog"
          onOpenAutoFocus={(e) => {
            returnFocus.onOpenAutoFocus();
            e.preventDefault();
            contentRef.current?.querySelector<HTMLButtonElement>('[data-safe-action]')?.focus();
          }}
          onCloseAutoFocus={returnFocus.onCloseAutoFocus}
          className={`${DIALOG_CONTENT} max-w-md`}
        >
          <div className="flex gap-4 px-6 pt-5 pb-6">
            {destructive ? (
              <span className="flex size-9 shrink-0 items-center justify-center rounded-full bg-rose-100 text-rose-600 dark:bg-rose-500/15 dark:text-rose-400">
                <AlertIcon width={18} height={18} />
              </span>
            ) : null}
            <div className="min-w-0">
              <Dialog.Title className="text-base font-semibold text-zinc-900 dark:text-zinc-50">{title}</Dialog.Title>
              <Dialog.Description className="mt-1.5 text-sm text-zinc-600 dark:text-zinc-400">{description}</Dialog.Description>
            </div>
          </div>
          <div className={DIALOG_FOOTER}>
            <Dialog.Close asChild>
              <Button data-safe-action variant="secondary" disabled={busy}>
                Go back
              </Button>
            </Dialog.Close>
            <Button
              variant={destructive ? 'danger' : 'primary'}
              disabled={busy}
              onClick={onConfirm}
            >
              {busy ? 'Working…' : confirmLabel}
            </Button>
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

/** The words of a bulk action's confirmation: what happens, to how many, and what is left alone. */
export function bulkConfirmCopy(action: BulkAction, count: number, selection: Selection, capped = false) {
  const status = selection.kind === 'matching' ? selection.filter.status : undefined;
  // "Delete 2,481 failed entries?" when the filter says what they are; the core still checks each one.
  const n = capped ? entriesCount(count).replace(' ', '+ ') : entriesCount(count);
  const counted = status ? n.replace(/(entr(y|ies))$/, `${STATUS_LOOK[status].label.toLowerCase()} $1`) : n;
  const all = selection.kind === 'matching' ? 'all ' : '';
  switch (action) {
    case 'delete':
      return {
        title: `Delete ${all}${counted}? This cannot be undone.`,
        description:
          'Finished entries (completed, failed or cancelled) are deleted with their history. Any still waiting or running are left alone.',
        confirmLabel: `Delete ${n}`,
        destructive: true,
      };
    case 'cancel':
      return {
        title: `Cancel ${all}${counted}?`,
        description:
          'Waiting entries stop at once and running stages are told to stop. Entries that already finished are left alone. You can retry cancelled entries later.',
        confirmLabel: `Cancel ${n}`,
        destructive: true,
      };
    case 'retry':
      return {
        title: `Retry ${all}${counted}?`,
        description:
          'Failed and cancelled entries go back to the stage they stopped in; the stages they finished do not run again. The others are left alone.',
        confirmLabel: `Retry ${n}`,
        destructive: false,
      };
  }
}
