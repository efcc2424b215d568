/**
 * Builds the app's updater from the real Electron pieces. electron-updater is imported only when a
 * packaged app has found a newer version, so development runs and the Node boot test never load it.
 */
import type { App, BrowserWindow, Net } from 'electron';
import { openSettings } from '../settings';
import { updateDialogs } from './dialogs';
import { feedFileName, readFeedLocation, type FeedLocation } from './feed';
import { createUpdater, type Updater, type UpdaterLog, type UpdateEngine } from './updater';

export interface AppUpdaterInputs {
  app: Pick<App, 'isPackaged' | 'getVersion' | 'getPath'>;
  net: Pick<Net, 'fetch'>;
  window: () => BrowserWindow | undefined;
  log: UpdaterLog;
}

const DEVELOPMENT: FeedLocation = { ok: false, reason: 'development builds do not check for updates' };

export async function createAppUpdater({ app, net, window, log }: AppUpdaterInputs): Promise<Updater> {
  return createUpdater({
    isPackaged: app.isPackaged,
    currentVersion: app.getVersion(),
    feed: app.isPackaged ? await readFeedLocation(process.resourcesPath) : DEVELOPMENT,
    feedFileName: feedFileName(process.platform, process.arch),
    // Chromium's network stack: the user's proxy settings apply, as they do to electron-updater.
    fetch: (url, init) => net.fetch(url, init),
    settings: await openSettings(app.getPath('userData'), log),
    loadEngine: async (): Promise<UpdateEngine> => {
      // CommonJS, and `autoUpdater` is a getter Node cannot see as a named ESM export.
      const electronUpdater = await import('electron-updater');
      return electronUpdater.default.autoUpdater;
    },
    ui: updateDialogs(window),
    log,
  });
}
