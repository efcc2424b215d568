/**
 * Where an export goes: main asks the person with a save dialog. The path comes from here, never
 * from the renderer (entries:export carries no path), so a compromised page cannot write anywhere.
 * Electron is passed in (type-only import) so the choice of window, name and filters is tested.
 */
import { join } from 'node:path';
import type { BrowserWindow, Dialog } from 'electron';
import type { ExportFormat } from '../shared/contract';

const FILTERS: Record<ExportFormat, { name: string; extensions: string[] }> = {
  csv: { name: 'CSV (spreadsheets)', extensions: ['csv'] },
  json: { name: 'JSON', extensions: ['json'] },
};

/** entryflow-2026-12-05.csv: the local date, so two exports of a day suggest the same name (the dialog asks before replacing). */
export function defaultExportName(format: ExportFormat, now: Date = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `entryflow-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.${format}`;
}

export interface ExportDialogDeps {
  dialog: Pick<Dialog, 'showSaveDialog'>;
  /** The window to attach the dialog to (the focused one, else the main window); undefined: none. */
  window(): BrowserWindow | undefined;
  /** The folder the dialog opens in (the Documents folder). */
  defaultFolder(): string;
}

/** The chooser the core calls for entries:export: the chosen path, or null when cancelled. */
export function exportPathChooser(deps: ExportDialogDeps): (format: ExportFormat) => Promise<string | null> {
  return async (format) => {
    const options = {
      title: 'Export entries',
      buttonLabel: 'Export',
      defaultPath: join(deps.defaultFolder(), defaultExportName(format)),
      filters: [FILTERS[format]],
      properties: ['createDirectory' as const, 'showOverwriteConfirmation' as const],
    };
    const window = deps.window();
    const result = window === undefined ? await deps.dialog.showSaveDialog(options) : await deps.dialog.showSaveDialog(window, options);
    return result.canceled || result.filePath === '' ? null : result.filePath;
  };
}
