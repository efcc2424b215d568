/**
 * The centred modal's look, as NewEntryDialog draws it, for the console's dialogs (ConfirmDialog,
 * SettingsDialog). One place, so a new dialog cannot drift from the others.
 */
export const DIALOG_OVERLAY = 'fixed inset-0 z-40 animate-fade-in bg-zinc-950/40 backdrop-blur-[2px] dark:bg-black/60';

export const DIALOG_CONTENT =
  'fixed top-1/2 left-1/2 z-50 w-[calc(100vw-2rem)] -translate-x-1/2 -translate-y-1/2 animate-pop-in rounded-2xl border border-zinc-200 bg-white shadow-2xl shadow-zinc-950/10 dark:border-zinc-800 dark:bg-zinc-900';

export const DIALOG_FOOTER =
  'flex items-center justify-end gap-2 rounded-b-2xl border-t border-zinc-100 bg-zinc-50/80 px-6 py-3.5 dark:border-zinc-800 dark:bg-zinc-900/80';

