/** The export save dialog (src/main/export-dialog.ts) with a recorded dialog in place of Electron's. */
import type { BrowserWindow, SaveDialogOptions, SaveDialogReturnValue } from 'electron';
import { describe, expect, it } from 'vitest';
import { defaultExportName, exportPathChooser } from '../../src/main/export-dialog';

function fakeDialog(answer: SaveDialogReturnValue) {
  const calls: { window: unknown; options: SaveDialogOptions }[] = [];
  const showSaveDialog = (a: unknown, b?: SaveDialogOptions) => {
    calls.push(b === undefined ? { window: undefined, options: a as SaveDialogOptions } : { window: a, options: b });
    return Promise.resolve(answer);
  };
  return { calls, dialog: { showSaveDialog: showSaveDialog as never } };
}

describe('export save dialog', () => {
  it('suggests entryflow-<local date>.<ext> in the default folder, on the given window, and returns the choice', async () => {
    const { calls, dialog } = fakeDialog({ canceled: false, filePath: '/home/a/out.csv' });
    const win = { id: 1 } as unknown as BrowserWindow;
    const choose = exportPathChooser({ dialog, window: () => win, defaultFolder: () => '/home/a/Documents' });
    expect(await choose('csv')).toBe('/home/a/out.csv');
    expect(calls[0]?.window).toBe(win);
    expect(calls[0]?.options.defaultPath).toBe(`/home/a/Documents/${defaultExportName('csv')}`);
    expect(calls[0]?.options.filters).toEqual([{ name: 'CSV (spreadsheets)', extensions: ['csv'] }]);
    expect(defaultExportName('json', new Date(2026, 0, 5, 23, 59))).toBe('entryflow-2026-01-05.json');
  });

  it('a cancelled dialog (or an empty path) is null; no window: an app-modal dialog', async () => {
    const cancelled = fakeDialog({ canceled: true, filePath: '' });
    expect(await exportPathChooser({ dialog: cancelled.dialog, window: () => undefined, defaultFolder: () => '/d' })('json')).toBeNull();
    expect(cancelled.calls[0]?.window).toBeUndefined();
    const empty = fakeDialog({ canceled: false, filePath: '' });
    expect(await exportPathChooser({ dialog: empty.dialog, window: () => undefined, defaultFolder: () => '/d' })('json')).toBeNull();
  });
});
