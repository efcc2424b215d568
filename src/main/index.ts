/**
 * Main process entry. Boot order (each step only after the previous succeeded):
 *   1. open the core (migrates, rescues stale claims, starts the pool)
 *   2. register every IPC handler
 *   3. serve the renderer and create the window
 *   4. start the update checks (never in development; see updates/updater.ts)
 * A core that cannot open shows a dialog naming the reason and the data folder, then exits.
 */
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, ipcMain, Menu, net, protocol, shell } from 'electron';
import { openCore } from './core/index';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol';
import type { CorePort } from './core-port';
import { coreLogger } from './core-logger';
import { contentSecurityPolicyFor } from './csp';
import { showAbout, showFatalError, showStartupFailure } from './dialogs';
import { registerIpc } from './ipc';
import { logFilePath, setUpLog } from './log';
import { buildMenuTemplate } from './menu';
import { DATA_DIR_ENV, logDirFor, resolveAppPaths, type AppPaths } from './paths';
import { createQuitController } from './quit';
import { APP_ENTRY_URL, rendererOrigin } from './url-policy';
import { createAppUpdater } from './updates/start';
import { createMainWindow } from './window';

/** Lets tests and side-by-side profiles run without sharing the single-instance lock or logs. */
const USER_DATA_ENV = 'ENTRYFLOW_USER_DATA_DIR';

const mainDir = dirname(fileURLToPath(import.meta.url));

// Must happen before 'ready': privileges cannot be granted to a scheme afterwards.
protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);

const userDataOverride = process.env[USER_DATA_ENV];
if (userDataOverride !== undefined && userDataOverride !== '') app.setPath('userData', userDataOverride);

const logDir = logDirFor(app.getPath('userData'));
const log = setUpLog(logDir, app.isPackaged);
const logFile = logFilePath(logDir);

let mainWindow: BrowserWindow | undefined;
let coreOpening: Promise<CorePort | undefined> = Promise.resolve(undefined);

const quit = createQuitController({
  closeCore: async () => {
    const core = await coreOpening;
    await core?.close();
  },
  exit: (code) => {
    app.exit(code);
  },
  log,
});

function focusWindow(): void {
  if (mainWindow === undefined || mainWindow.isDestroyed()) return;
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function openWindow(paths: AppPaths): void {
  const allowedOrigin = rendererOrigin(paths.devServerUrl);
  const window = createMainWindow(
    { BrowserWindow, shell },
    {
      preloadPath: paths.preloadPath,
      entryUrl: paths.devServerUrl ?? APP_ENTRY_URL,
      allowedOrigin,
      csp: contentSecurityPolicyFor(paths.devServerUrl === undefined ? undefined : allowedOrigin),
      log,
    },
  );
  mainWindow = window;
  window.on('closed', () => {
    if (mainWindow === window) mainWindow = undefined;
  });
  window.loadURL(paths.devServerUrl ?? APP_ENTRY_URL).catch((error: unknown) => {
    log.error('The window failed to load its page', error);
    showFatalError(error, logFile);
  });
}

async function boot(): Promise<void> {
  let paths: AppPaths;
  try {
    paths = resolveAppPaths({
      isPackaged: app.isPackaged,
      appPath: app.getAppPath(),
      userDataPath: app.getPath('userData'),
      mainDir,
      resourcesPath: process.resourcesPath,
      env: process.env,
    });
  } catch (error) {
    log.error('Invalid paths configuration', error);
    await showStartupFailure(error, { dataDir: process.env[DATA_DIR_ENV] ?? app.getPath('userData'), logFile, databaseUrl: undefined });
    await quit.requestQuit('invalid configuration', 1);
    return;
  }
  log.info(`Entryflow ${app.getVersion()} starting; data folder ${paths.dataDir}`);

  // 1. Open the core: migrations, stale-claim rescue and the worker pool all happen inside openCore.
  const opening = openCore({
    dataDir: paths.dataDir,
    databaseUrl: paths.databaseUrl,
    migrationsFolder: paths.migrationsDir,
    templateArchive: paths.templateArchive,
    logger: coreLogger(log),
  });
  // A quit during opening must still close the core once it exists.
  coreOpening = opening.then(
    (core) => core,
    () => undefined,
  );
  let core: CorePort;
  try {
    core = await opening;
  } catch (error) {
    log.error('The core could not open', error);
    const choice = await showStartupFailure(error, { dataDir: paths.dataDir, logFile, databaseUrl: paths.databaseUrl });
    if (choice === 'relaunch') {
      log.warn('Data folder kept aside on the user\'s request; relaunching with a fresh one');
      app.relaunch();
      await quit.requestQuit('relaunch with a fresh data folder', 0);
      return;
    }
    await quit.requestQuit('core failed to open', 1);
    return;
  }
  if (quit.state() !== 'running') return;

  // 2. Every handler exists before any page could call it.
  const allowedOrigin = rendererOrigin(paths.devServerUrl);
  registerIpc(ipcMain, core, { webContentsId: () => mainWindow?.webContents.id, allowedOrigin }, log);

  // 3. Serve the built renderer and open the window.
  registerAppProtocol(protocol, paths.rendererDir, contentSecurityPolicyFor(undefined), (url) => net.fetch(url));
  const about = () =>
    showAbout(mainWindow, {
      appName: app.getName(),
      version: app.getVersion(),
      dataDir: paths.dataDir,
      logDir,
      databaseUrl: paths.databaseUrl,
    });
  const openFolder = (folder: string) => {
    void shell.openPath(folder).then((problem) => {
      if (problem !== '') log.warn(`Could not open ${folder}: ${problem}`);
    });
  };
  const updater = await createAppUpdater({ app, net, window: () => mainWindow, log });
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      buildMenuTemplate(
        process.platform,
        app.getName(),
        {
          about: () => void about(),
          openDataFolder: () => {
            openFolder(paths.dataDir);
          },
          openLogFolder: () => {
            openFolder(logDir);
          },
          checkForUpdates: () => void updater.checkFromMenu(),
          setAutomaticUpdates: (enabled) => void updater.setAutomatic(enabled),
        },
        { automaticUpdates: updater.automatic() },
      ),
    ),
  );
  openWindow(paths);
  // 4. After the window: a slow or absent network must never delay it.
  updater.start();
  app.on('activate', () => {
    // macOS keeps the app (and its pool) running with no window; the dock icon brings it back.
    if (mainWindow === undefined && quit.state() === 'running') openWindow(paths);
  });
}

process.on('uncaughtException', (error) => {
  log.error('Uncaught exception in main', error);
  showFatalError(error, logFile);
});
process.on('unhandledRejection', (reason) => {
  log.error('Unhandled rejection in main', reason);
  showFatalError(reason, logFile);
});

if (!app.requestSingleInstanceLock()) {
  // Another Entryflow owns this profile; it was told (second-instance) and will focus itself.
  app.exit(0);
} else {
  app.on('second-instance', focusWindow);
  app.on('before-quit', (event) => {
    quit.onBeforeQuit(event);
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void quit.requestQuit(signal);
    });
  }
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app
    .whenReady()
    .then(boot)
    .catch((error: unknown) => {
      log.error('Startup failed', error);
      showFatalError(error, logFile);
      void quit.requestQuit('startup failed', 1);
    });
}
