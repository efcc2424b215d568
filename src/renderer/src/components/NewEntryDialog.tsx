// First: zod is configured before the contract's schemas can parse. App loads this module after its
// first paint, and zod and the schemas with it.
import '../lib/zod-jitless';
import * as Dialog from '@radix-ui/react-dialog';
import { useId, useRef, useState, type SyntheticEvent } from 'react';
import { createRequest } from '../../../shared/contract';
import { TITLE_MAX } from '../../../shared/limits';
import { Alert } from './Alert';
import { Button, Kbd } from './ui';
import { useReturnFocus } from './useReturnFocus';
import { DialogCloseButton } from './DialogCloseButton';

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** Ask the core to create it; resolves once created (the dialog then clears and closes), rejects if refused. */
  onCreate: (title: string) => Promise<unknown>;
  creating: boolean;
  /** Why the core refused the last title, in words; shown once, next to the field, until the title changes. */
  error: string | null;
}

/** Length as the core counts it: code points, so an emoji is one (not grapheme clusters: a flag is two). */
const codePoints = (s: string): number => Array.from(s).length;

/** Line breaks, tabs and other control characters: a title is one line of text. */
const CONTROL_CHARS = /[\u0000-\u001f\u007f-\u009f]/;

/**
 * What is wrong with a title, in words for a person; null when the core will take it. The same
 * rules as the shared contract's schema (which the core runs): trimmed first, length in code points
 * (an emoji is one), one line, valid Unicode. `createRequest` stays the judge: a title it refuses for
 * a reason not listed here still gets a sentence.
 */
export function titleProblem(raw: string): string | null {
  const title = raw.trim();
  const length = codePoints(title);
  if (length === 0) return 'Give the entry a title.';
  if (length > TITLE_MAX) return `That title is ${length} characters long; shorten it to ${TITLE_MAX} or fewer.`;
  if (CONTROL_CHARS.test(title)) return 'A title is one line: remove line breaks, tabs and other control characters.';
  if (!title.isWellFormed()) return 'The title contains a broken character; retype the part that looks wrong.';
  return createRequest.safeParse({ title: raw }).success ? null : 'Entryflow cannot store that title; try different wording.';
}

/**
 * "New entry". The dialog checks the title as the core will (titleProblem) and keeps Create disabled
 * until it passes; the core's answer is still shown, once, inline, if it refuses anyway.
 * Presentational: the screen passes `onCreate` (which owns the call and its toast) and its state.
 */
export function NewEntryDialog({ open, onOpenChange, onCreate, creating, error: refusal }: Props) {
  const [title, setTitle] = useState('');
  // The title the core refused: its answer is shown until the title is edited.
  const [refusedTitle, setRefusedTitle] = useState<string | null>(null);
  const error = refusal !== null && refusedTitle === title ? refusal : null;
  const inputRef = useRef<HTMLInputElement>(null);
  const ids = { input: useId(), count: useId(), error: useId() };
  const length = codePoints(title.trim());
  const over = length > TITLE_MAX;
  const problem = titleProblem(title);
  // Nothing typed yet is not an error to shout about; it only keeps Create disabled.
  const shownProblem = title === '' ? null : problem;
  const message = error ?? shownProblem;
  const returnFocus = useReturnFocus();

  const changeOpen = (next: boolean) => {
    if (!next) setRefusedTitle(null);
    onOpenChange(next);
  };

  const submit = (e: SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (creating || problem !== null) return;
    const sent = title;
    onCreate(sent).then(
      () => {
        setTitle('');
        setRefusedTitle(null);
        onOpenChange(false);
      },
      () => {
        setRefusedTitle(sent);
        inputRef.current?.focus();
      },
    );
  };

  return (
    <Dialog.Root open={open} onOpenChange={changeOpen}>
      <Dialog.Portal>
        <Dialog.Overlay className="fixed inset-0 z-40 animate-fade-in bg-zinc-950/40 backdrop-blur-[2px] dark:bg-black/60" />
        <Dialog.Content
          onOpenAutoFocus={(e) => {
            returnFocus.onOpenAutoFocus();
            e.preventDefault();
            inputRef.current?.focus();
          }}
          onCloseAutoFocus={returnFocus.onCloseAutoFocus}
          className="fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] max-w-lg -translate-x-1/2 -translate-y-1/2 animate-pop-in rounded-2xl border border-zinc-200 bg-white shadow-2xl shadow-zinc-950/10 dark:border-zinc-800 dark:bg-zinc-900"
        >
          <form onSubmit={submit} noValidate>
            <div className="flex items-start justify-between gap-4 px-6 pt-5">
              <div>
                <Dialog.Title className="text-base font-semibold text-zinc-900 dark:text-zinc-50">New entry</Dialog.Title>
                <Dialog.Description className="mt-1 text-sm text-zinc-600 dark:text-zinc-400">
                  It starts as Created and a worker moves it through Stage 1 and Stage 2.
                </Dialog.Description>
              </div>
              <DialogCloseButton />
            </div>

            <div className="px-6 pt-5 pb-6">
              <div className="flex items-baseline justify-between">
                <label htmlFor={ids.input} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
                  Title
                </label>
                <span
                  id={ids.count}
                  aria-label={`${length} of ${TITLE_MAX} characters`}
                  className={`text-xs tabular-nums ${over ? 'font-medium text-rose-700 dark:text-rose-300' : 'text-zinc-600 dark:text-zinc-400'}`}
                >
                  {length}/{TITLE_MAX}
                </span>
              </div>
              <input
                ref={inputRef}
                id={ids.input}
                name="title"
                value={title}
                autoComplete="off"
                placeholder="e.g. Reconcile March invoices"
                aria-invalid={message !== null}
                aria-describedby={message ? `${ids.error} ${ids.count}` : ids.count}
                onChange={(e) => setTitle(e.target.value)}
                className={`focus-ring mt-2 h-10 w-full rounded-lg border bg-white px-3 text-sm shadow-xs placeholder:text-zinc-400 focus-visible:outline-offset-0 dark:bg-zinc-950 dark:placeholder:text-zinc-600 ${
                  message
                    ? 'border-rose-400 focus-visible:outline-rose-500 dark:border-rose-500/70'
                    : 'border-zinc-300 dark:border-zinc-700'
                }`}
              />
              {message ? (
                <Alert variant="inline" id={ids.error} className="mt-2">
                  {message}
                </Alert>
              ) : null}
            </div>

            <div className="flex items-center justify-between gap-3 rounded-b-2xl border-t border-zinc-100 bg-zinc-50/80 px-6 py-3.5 dark:border-zinc-800 dark:bg-zinc-900/80">
              <span className="hidden text-xs text-zinc-600 sm:inline dark:text-zinc-400">
                <Kbd>Enter</Kbd> to create · <Kbd>Esc</Kbd> to close
              </span>
              <div className="flex gap-2">
                <Dialog.Close asChild>
                  <Button variant="secondary">Cancel</Button>
                </Dialog.Close>
                <Button type="submit" variant="primary" disabled={creating || problem !== null}>
                  {creating ? 'Creating…' : 'Create entry'}
                </Button>
              </div>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}
