/** Dialog glue: the texts come from startup-failure.ts and menu.ts, where they are tested. */
import { app, dialog, shell, type BrowserWindow } from 'electron';
import { aboutDetail, type AboutInfo } from './menu';
import { describeFatalError, describeStartupFailure, type StartupFailureContext } from './startup-failure';

export async function showStartupFailure(error: unknown, context: StartupFailureContext): Promise<void> {
  const text = describeStartupFailure(error, context);
  const { response } = await dialog.showMessageBox({
    type: 'error',
    title: text.title,
    message: text.message,
    detail: text.detail,
    buttons: ['Quit', 'Open Data Folder'],
    defaultId: 0,
    cancelId: 0,
    noLink: true,
  });
  if (response === 1) await shell.openPath(context.dataDir);
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
