import * as Dialog from '@radix-ui/react-dialog';
import { XIcon } from './icons';

/** The × in a dialog's header: one look and one accessible name for every dialog. */
export function DialogCloseButton() {
  return (
    <Dialog.Close asChild>
      <button
        type="button"
        aria-label="Close"
        className="focus-ring -mr-2 rounded-md p-1.5 text-zinc-400 hover:bg-zinc-100 hover:text-zinc-700 dark:hover:bg-zinc-800 dark:hover:text-zinc-200"
      >
        <XIcon />
      </button>
    </Dialog.Close>
  );
}
