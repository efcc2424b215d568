/** Dialog glue: the texts come from startup-failure.ts and menu.ts, where they are tested. */
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { aboutDetail, type AboutInfo } from './menu';
import { canMoveAside, moveDataDirAside } from './move-aside';
import { describeFatalError, describeStartupFailure, type StartupFailureContext } from './startup-failure';

/** 'relaunch' when the user chose to keep the folder aside and start fresh. */
export async function showStartupFailure(error: unknown, context: StartupFailureContext): Promise<'quit' | 'relaunch'> {
  const text = describeStartupFailure(error, context);
  const code = typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  const offerAside = canMoveAside(code, context.databaseUrl);
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: text.title,
    message: text.message,
    detail: text.detail,
    buttons: offerAside ? ['Quit', 'Open Data Folder', 'Keep It Aside and Start Fresh'] : ['Quit', 'Open Data Folder'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (response === 1) await shell.openPath(context.dataDir);
  if (response !== 2) return 'quit';
  try {
    const kept = moveDataDirAside(context.dataDir);
    await dialog.showMessageBox({
      type: 'info',
      title: 'Starting fresh',
      message: 'Entryflow will start with an empty data folder.',
      detail: `Your old data folder is kept, unchanged, at:\n${kept}`,
      buttons: ['OK'],
    });
    return 'relaunch';
  } catch (moveError) {
    dialog.showErrorBox('Could not move the data folder', moveError instanceof Error ? moveError.message : String(moveError));
    return 'quit';
  }
}

let fatalDialogOpen = false;

/** Shown for an uncaught error in main; one at a time so an error loop cannot stack dialogs. */
export function showFatalError(error: unknown, logFile: string | undefined): void {
  if (fatalDialogOpen || !app.isReady()) return;
  fatalDialogOpen = true;
  const text = describeFatalError(error, logFile);
  void dialog
    .showMessageBox({ type: 'error', title: text.title, message: text.message, detail: text.detail, buttons: ['OK'], noLink: true })
    .finally(() => {
      fatalDialogOpen = false;
    });
}

export async function showAbout(window: BrowserWindow | undefined, info: AboutInfo): Promise<void> {
  const options = { type: 'info' as const, title: `About ${info.appName}`, message: info.appName, detail: aboutDetail(info), buttons: ['OK'] };
  if (window === undefined) await dialog.showMessageBox(options);
  else await dialog.showMessageBox(window, options);
}
