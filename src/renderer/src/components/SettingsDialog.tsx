// First: zod is configured before the contract's schemas can parse (see NewEntryDialog.tsx).
import '../lib/zod-jitless';
import * as Dialog from '@radix-ui/react-dialog';
import { useId, useRef, useState, type ReactNode, type Ref, type SyntheticEvent } from 'react';
import { queueUpdateRequest, type QueueState } from '../../../shared/contract';
import { RETENTION_DAYS_MAX, STAGE_DELAY_MAX_MS, WORKERS_MAX } from '../../../shared/limits';
import type { QueueUpdate } from '../data/queue';
import { AlertIcon } from './icons';
import { Button } from './ui';
import { DialogCloseButton } from './DialogCloseButton';
import { DIALOG_CONTENT, DIALOG_FOOTER, DIALOG_OVERLAY } from './dialog-look';
import { useReturnFocus } from './useReturnFocus';

interface Props {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  /** The stored settings; the form starts from them each time it opens. undefined: not loaded yet. */
  state: QueueState | undefined;
  saving: boolean;
  /** The core's refusal of the last save, shown once, here (no toast). */
  error: string | null;
  onSave: (update: QueueUpdate) => void;
}

interface Form {
  workers: string;
  stageDelayMs: string;
  keepForever: boolean;
  retentionDays: string;
  notifyOnFailure: boolean;
}

type Field = 'workers' | 'stageDelayMs' | 'retentionDays';

const formOf = (s: QueueState): Form => ({
  workers: String(s.workers),
  stageDelayMs: String(s.stageDelayMs),
  keepForever: s.retentionDays === null,
  retentionDays: String(s.retentionDays ?? 30),
  notifyOnFailure: s.notifyOnFailure,
});

const wholeIn = (raw: string, min: number, max: number): number | null => {
  const t = raw.trim();
  if (!/^\d+$/.test(t)) return null;
  const n = Number(t);
  return n >= min && n <= max ? n : null;
};

/**
 * What is wrong with each field, in words; the update when nothing is. The same bounds as the
 * contract's queueUpdateRequest, which stays the judge (anything it refuses that is not listed here
 * still blocks Save).
 */
export function validateSettings(form: Form): { problems: Partial<Record<Field, string>>; update: QueueUpdate | null } {
  const problems: Partial<Record<Field, string>> = {};
  const workers = wholeIn(form.workers, 1, WORKERS_MAX);
  if (workers === null) problems.workers = `Use a whole number from 1 to ${WORKERS_MAX}.`;
  const stageDelayMs = wholeIn(form.stageDelayMs, 0, STAGE_DELAY_MAX_MS);
  if (stageDelayMs === null) problems.stageDelayMs = `Use a whole number of milliseconds from 0 to ${STAGE_DELAY_MAX_MS.toLocaleString('en-US')}.`;
  const retentionDays = form.keepForever ? null : wholeIn(form.retentionDays, 1, RETENTION_DAYS_MAX);
  if (!form.keepForever && retentionDays === null) {
    problems.retentionDays = `Use a whole number of days from 1 to ${RETENTION_DAYS_MAX.toLocaleString('en-US')}, or keep them forever.`;
  }
  if (workers === null || stageDelayMs === null || Object.keys(problems).length > 0) return { problems, update: null };
  const update: QueueUpdate = { workers, stageDelayMs, retentionDays, notifyOnFailure: form.notifyOnFailure };
  return { problems, update: queueUpdateRequest.safeParse(update).success ? update : null };
}

/**
 * Queue settings: workers, the stage delay, retention and failure notifications. Save stays
 * disabled while a field is wrong, and each wrong field says why beside it.
 */
export function SettingsDialog({ open, onOpenChange, state, saving, error, onSave }: Props) {
  const [form, setForm] = useState<Form | null>(null);
  const returnFocus = useReturnFocus();
  const firstRef = useRef<HTMLInputElement>(null);
  const ids = { workers: useId(), delay: useId(), days: useId(), forever: useId(), notify: useId(), error: useId() };
  // Fields are edited only once opened; until then (and after closing) the stored state is shown.
  const current = form ?? (state ? formOf(state) : null);
  const { problems, update } = open && current ? validateSettings(current) : { problems: {}, update: null };

  const changeOpen = (next: boolean) => {
    setForm(null);
    onOpenChange(next);
  };
  const edit = (patch: Partial<Form>) => {
    if (current) setForm({ ...current, ...patch });
  };
  const submit = (e: SyntheticEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (update && !saving) onSave(update);
  };

  return (
    <Dialog.Root open={open} onOpenChange={changeOpen}>
      <Dialog.Portal>
        <Dialog.Overlay className={DIALOG_OVERLAY} />
        <Dialog.Content
          onOpenAutoFocus={(e) => {
            returnFocus.onOpenAutoFocus();
            e.preventDefault();
            firstRef.current?.focus();
          }}
          onCloseAutoFocus={returnFocus.onCloseAutoFocus}
          className={`${DIALOG_CONTENT} max-w-lg`}
        >
          <form onSubmit={submit} noValidate>
            <div className="flex items-start justify-between gap-4 px-6 pt-5">
              <div>
                <Dialog.Title className="text-base font-semibold text-zinc-900 dark:text-zinc-50">Queue settings</Dialog.Title>
                <Dialog.Description className="mt-1 text-sm text-zinc-500 dark:text-zinc-400">
                  Stored with the data, and applied while the app runs.
                </Dialog.Description>
              </div>
              <DialogCloseButton />
            </div>

            {current === null ? (
              <p className="px-6 py-6 text-sm text-zinc-500 dark:text-zinc-400">Loading the current settings…</p>
            ) : (
              <div className="grid gap-5 px-6 pt-5 pb-6">
                <NumberField
                  id={ids.workers}
                  inputRef={firstRef}
                  label="Workers"
                  hint={`Stages run at the same time, 1 to ${WORKERS_MAX}.`}
                  value={current.workers}
                  problem={problems.workers}
                  onChange={(workers) => edit({ workers })}
                />
                <NumberField
                  id={ids.delay}
                  label="Stage delay"
                  unit="ms"
                  hint="How long each demo stage takes."
                  value={current.stageDelayMs}
                  problem={problems.stageDelayMs}
                  onChange={(stageDelayMs) => edit({ stageDelayMs })}
                />
                <fieldset className="grid gap-2">
                  <legend className="text-sm font-medium text-zinc-800 dark:text-zinc-200">Keep finished entries</legend>
                  <label htmlFor={ids.forever} className="flex items-center gap-2 text-sm text-zinc-700 dark:text-zinc-300">
                    <input
                      id={ids.forever}
                      type="checkbox"
                      checked={current.keepForever}
                      onChange={(e) => edit({ keepForever: e.target.checked })}
                      className="focus-ring size-4 accent-indigo-600"
                    />
                    Forever (never delete them)
                  </label>
                  {current.keepForever ? null : (
                    <NumberField
                      id={ids.days}
                      label="Delete after"
                      unit="days"
                      hint="Finished entries older than this are deleted with their history."
                      value={current.retentionDays}
                      problem={problems.retentionDays}
                      onChange={(retentionDays) => edit({ retentionDays })}
                    />
                  )}
                </fieldset>
                <label htmlFor={ids.notify} className="flex items-start gap-2 text-sm text-zinc-700 dark:text-zinc-300">
                  <input
                    id={ids.notify}
                    type="checkbox"
                    checked={current.notifyOnFailure}
                    onChange={(e) => edit({ notifyOnFailure: e.target.checked })}
                    className="focus-ring mt-0.5 size-4 accent-indigo-600"
                  />
                  <span>
                    Notify me when an entry fails
                    <span className="block text-xs text-zinc-500 dark:text-zinc-400">An OS notification, while the window is not focused.</span>
                  </span>
                </label>
                {error ? (
                  <p id={ids.error} role="alert" className="flex items-start gap-1.5 text-sm text-rose-600 dark:text-rose-400">
                    <AlertIcon width={14} height={14} className="mt-0.5 shrink-0" />
                    <span>The settings were not saved: {error}</span>
                  </p>
                ) : null}
              </div>
            )}

            <div className={DIALOG_FOOTER}>
              <Dialog.Close asChild>
                <Button variant="secondary">Cancel</Button>
              </Dialog.Close>
              <Button type="submit" variant="primary" disabled={saving || update === null}>
                {saving ? 'Saving…' : 'Save settings'}
              </Button>
            </div>
          </form>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function NumberField({
  id,
  inputRef,
  label,
  unit,
  hint,
  value,
  problem,
  onChange,
}: {
  id: string;
  inputRef?: Ref<HTMLInputElement>;
  label: string;
  unit?: string;
  hint: ReactNode;
  value: string;
  problem: string | undefined;
  onChange: (value: string) => void;
}) {
  const hintId = `${id}-hint`;
  const problemId = `${id}-problem`;
  return (
    <div>
      <label htmlFor={id} className="text-sm font-medium text-zinc-800 dark:text-zinc-200">
        {label}
      </label>
      <div className="mt-1.5 flex items-center gap-2">
        <input
          ref={inputRef}
          id={id}
          inputMode="numeric"
          autoComplete="off"
          value={value}
          aria-invalid={problem !== undefined}
          aria-describedby={problem ? `${problemId} ${hintId}` : hintId}
          onChange={(e) => onChange(e.target.value)}
          className={`focus-ring h-9 w-32 rounded-lg border bg-white px-3 text-sm tabular-nums shadow-xs focus-visible:outline-offset-0 dark:bg-zinc-950 ${
            problem ? 'border-rose-400 dark:border-rose-500/70' : 'border-zinc-300 dark:border-zinc-700'
          }`}
        />
        {unit ? <span className="text-sm text-zinc-500 dark:text-zinc-400">{unit}</span> : null}
      </div>
      <p id={hintId} className="mt-1 text-xs text-zinc-500 dark:text-zinc-400">
        {hint}
      </p>
      {problem ? (
        <p id={problemId} className="mt-1 flex items-start gap-1.5 text-sm text-rose-600 dark:text-rose-400">
          <AlertIcon width={14} height={14} className="mt-0.5 shrink-0" />
          <span>{problem}</span>
        </p>
      ) : null}
    </div>
  );
}
