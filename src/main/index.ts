/**
 * Main process entry. Boot order, so that a window is on screen while the data opens:
 *   1. resolve the paths (a bad configuration: dialog naming it, exit 1)
 *   2. register every IPC handler, against the core that is about to open (pending-core.ts: calls
 *      made before it is open wait for it, then answer UNAVAILABLE saying it is still starting)
 *   3. serve the renderer and create the window
 *   4. open the core (migrates, rescues stale claims, starts the pool); if it cannot open, the
 *      window's calls say why and a dialog names the reason and the data folder, then exit
 *   5. the menu, then the update checks (never in development or smoke mode; see updates/updater.ts)
 * Smoke mode (smoke.ts, ENTRYFLOW_SMOKE_TEST=1) checks window, core and page, prints one JSON line
 * and exits 0 or 1 without ever showing a dialog.
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, net, Notification, powerMonitor, protocol, shell } from 'electron';
import { CHANGE_EVENT } from '../shared/channels';
import type { ChangeNotice } from '../shared/contract';
import { forwardChangeNotices } from './change-notices';
import type { Core } from './core/index';
import { exportPathChooser } from './export-dialog';
import { readNotifyOnFailure, startFailureNotices } from './failure-notices';
import { APP_SCHEME_PRIVILEGES, registerAppProtocol } from './app-protocol';
import { coreLogger } from './core-logger';
import { contentSecurityPolicyFor } from './csp';
import { showAbout, showFatalError, showStartupFailure } from './dialogs';
import { registerIpc } from './ipc';
import { logFilePath, setUpLog } from './log';
import { buildMenuTemplate } from './menu';
import { DATA_DIR_ENV, logDirFor, resolveAppPaths, type AppPaths } from './paths';
import { createPendingCore } from './pending-core';
import { createQuitController } from './quit';
import { createSmokeProbe, isSmokeRun, runSmoke, SMOKE_RESULT_ENV, type SmokeResult } from './smoke';
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

const smoke = isSmokeRun(process.env);
const probe = smoke ? createSmokeProbe() : undefined;
/** What the IPC handlers answer from: waits for the core while it opens. */
const core = createPendingCore();
let mainWindow: BrowserWindow | undefined;
/** Resolves with the core once open (never, if it fails): what the window's change notices follow. */
let resolveCoreOpen: (core: Core) => void = () => undefined;
const coreOpen = new Promise<Core>((resolve) => {
  resolveCoreOpen = resolve;
});
/** Electron drops a notification's click handler once the object is collected: hold each until it closes. */
const liveNotifications = new Set<Notification>();

const quit = createQuitController({
  closeCore: (fast) => core.close(fast ? { graceMs: 0 } : undefined),
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

let smokeFinished = false;
/** Smoke mode's only output: one JSON line on stdout (and in the result file), then exit 0 or 1. */
function finishSmoke(result: SmokeResult): void {
  if (smokeFinished) return;
  smokeFinished = true;
  const line = JSON.stringify(result);
  if (result.smoke === 'passed') log.info(`Smoke test passed: ${line}`);
  else log.error(`Smoke test failed: ${line}`);
  process.stdout.write(`${line}\n`);
  const resultFile = process.env[SMOKE_RESULT_ENV];
  if (resultFile !== undefined && resultFile !== '') {
    try {
      writeFileSync(resultFile, `${line}\n`);
    } catch (error) {
      log.error(`Could not write the smoke result to ${resultFile}`, error);
    }
  }
  void quit.requestQuit(`smoke test ${result.smoke}`, result.smoke === 'passed' ? 0 : 1);
}

function failSmoke(error: unknown): void {
  finishSmoke({
    smoke: 'failed',
    step: 'window',
    ms: 0,
    version: app.getVersion(),
    platform: process.platform,
    arch: process.arch,
    error: error instanceof Error ? error.message : String(error),
  });
}

/** Resolves once our page has loaded in the window; rejects when the main frame failed to load. */
function pageLoaded(window: BrowserWindow): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    window.webContents.on('did-finish-load', () => {
      resolve();
    });
    window.webContents.on('did-fail-load', (_event, code, description, url, isMainFrame) => {
      if (isMainFrame) reject(new Error(`the window could not load ${url}: ${description} (${String(code)})`));
    });
  });
}

function openWindow(paths: AppPaths): BrowserWindow {
  const allowedOrigin = rendererOrigin(paths.devServerUrl);
  const entryUrl = paths.devServerUrl ?? APP_ENTRY_URL;
  const window = createMainWindow(
    { BrowserWindow, shell },
    {
      preloadPath: paths.preloadPath,
      entryUrl,
      allowedOrigin,
      csp: contentSecurityPolicyFor(paths.devServerUrl === undefined ? undefined : allowedOrigin),
      log,
    },
  );
  mainWindow = window;
  // Change notices go to this window's webContents only, from when the core is open until it closes.
  let stopNotices: (() => void) | undefined;
  let windowClosed = false;
  void coreOpen.then((opened) => {
    if (windowClosed) return;
    stopNotices = forwardChangeNotices(opened.events, (notice) => {
      if (!window.isDestroyed()) window.webContents.send(CHANGE_EVENT, notice);
    });
  });
  window.on('closed', () => {
    windowClosed = true;
    stopNotices?.();
    if (mainWindow === window) mainWindow = undefined;
  });
  // Windows only, and there before-quit never fires: once this is raised the session ends regardless.
  window.on('session-end', (event) => {
    quit.onSessionEnd(`Windows is ending the session: ${event.reasons.join(', ') || 'no reason given'}`);
  });
  window.loadURL(entryUrl).catch((error: unknown) => {
    log.error('The window failed to load its page', error);
    if (smoke) failSmoke(error);
    else showFatalError(error, logFile);
  });
  return window;
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
    if (smoke) {
      failSmoke(error);
      return;
    }
    await showStartupFailure(error, { dataDir: process.env[DATA_DIR_ENV] ?? app.getPath('userData'), logFile, databaseUrl: undefined });
    await quit.requestQuit('invalid configuration', 1);
    return;
  }
  log.info(`Entryflow ${app.getVersion()} starting; data folder ${paths.dataDir}${smoke ? ' (smoke test)' : ''}`);

  // 2. Every handler exists before any page could call it; until the core is open they wait for it.
  const allowedOrigin = rendererOrigin(paths.devServerUrl);
  registerIpc(ipcMain, probe?.tap(core) ?? core, { webContentsId: () => mainWindow?.webContents.id, allowedOrigin }, log);

  // 3. Serve the built renderer and open the window: it shows while the data opens.
  registerAppProtocol(protocol, paths.rendererDir, contentSecurityPolicyFor(undefined), (url) => net.fetch(url));
  const window = openWindow(paths);
  // Listening from the start: the page may finish loading before the core has opened.
  const loaded = smoke ? pageLoaded(window) : undefined;

  // 4. Open the core: migrations, stale-claim rescue and the worker pool all happen inside openCore.
  // Imported only now: its modules (PGlite, pg, tar, the migrator) load while the window's renderer
  // starts, instead of before the window exists.
  const opening = import('./core/index').then(({ openCore }) => openCore({
    dataDir: paths.dataDir,
    databaseUrl: paths.databaseUrl,
    migrationsFolder: paths.migrationsDir,
    template: paths.template,
    logger: coreLogger(log),
    // A first launch: the window's first list is answered at once (pending-core.ts).
    onNewDataFolder: () => {
      core.markEmpty();
    },
    chooseExportPath: exportPathChooser({
      dialog,
      // The app's one window; the dialog is modal to it.
      window: () => mainWindow,
      defaultFolder: () => app.getPath('documents'),
    }),
  }));
  core.attach(opening);
  void opening.then(
    (opened) => {
      resolveCoreOpen(opened);
      if (smoke) return;
      startFailureNotices({
        events: opened.events,
        isWindowFocused: () => mainWindow?.isFocused() ?? false,
        notifyOnFailure: () => readNotifyOnFailure(opened),
        show: (notice, onClick) => {
          if (!Notification.isSupported()) return;
          const notification = new Notification({ title: notice.title, body: notice.body });
          notification.on('click', onClick);
          notification.on('close', () => liveNotifications.delete(notification));
          liveNotifications.add(notification);
          notification.show();
        },
        // Forward first, then the entry: the page shows it even if it was hidden (its polls paused).
        open: (entryId) => {
          focusWindow();
          if (entryId !== null && mainWindow !== undefined && !mainWindow.isDestroyed()) {
            mainWindow.webContents.send(CHANGE_EVENT, { entries: true, queue: false, open: entryId } satisfies ChangeNotice);
          }
        },
      });
    },
    () => undefined,
  );

  if (probe !== undefined && loaded !== undefined) {
    void runSmoke({
      pageLoaded: loaded,
      core: opening,
      reload: () => {
        window.webContents.reload();
      },
      probe,
      about: { version: app.getVersion(), platform: process.platform, arch: process.arch },
    }).then(finishSmoke);
  }

  // 5. The menu; the update checks start after the window, so a slow or absent network never delays it.
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
  if (!smoke) updater.start();
  app.on('activate', () => {
    // macOS keeps the app (and its pool) running with no window; the dock icon brings it back.
    if (mainWindow === undefined && quit.state() === 'running') openWindow(paths);
  });

  try {
    await opening;
  } catch (error) {
    log.error('The core could not open', error);
    // Smoke mode reports it (runSmoke fails at the core step) and exits 1 with no dialog.
    if (smoke || quit.state() !== 'running') return;
    const choice = await showStartupFailure(error, { dataDir: paths.dataDir, logFile, databaseUrl: paths.databaseUrl });
    if (choice === 'relaunch') {
      log.warn('Data folder kept aside on the user\'s request; relaunching with a fresh one');
      app.relaunch();
      await quit.requestQuit('relaunch with a fresh data folder', 0);
      return;
    }
    await quit.requestQuit('core failed to open', 1);
  }
}

process.on('uncaughtException', (error) => {
  log.error('Uncaught exception in main', error);
  if (smoke) failSmoke(error);
  else showFatalError(error, logFile);
});
process.on('unhandledRejection', (reason) => {
  log.error('Unhandled rejection in main', reason);
  if (smoke) failSmoke(reason);
  else showFatalError(reason, logFile);
});

if (!app.requestSingleInstanceLock()) {
  // Another Entryflow owns this profile; it was told (second-instance) and brings its window forward.
  app.exit(0);
} else {
  // The window exists from the start of boot, so a second launch always has something to focus.
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
    .then(() => {
      // macOS and Linux: shutdown, restart or log-off. Never prevented: that would hold up the OS.
      powerMonitor.on('shutdown', () => {
        quit.onSessionEnd('the system is shutting down, restarting or logging out');
      });
      // The core copes with sleep by itself (locks expire on a clock it can trust); this is for the log.
      powerMonitor.on('suspend', () => {
        log.info('The system is going to sleep');
      });
      powerMonitor.on('resume', () => {
        log.info('The system woke up');
      });
      return boot();
    })
    .catch((error: unknown) => {
      log.error('Startup failed', error);
      if (smoke) {
        failSmoke(error);
        return;
      }
      showFatalError(error, logFile);
      void quit.requestQuit('startup failed', 1);
    });
}
