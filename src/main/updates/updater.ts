/**
 * The thin Electron side of updates. The decision is ours (feed.ts + decide.ts, tested against a
 * local HTTP feed); electron-updater only does what it is good at once we know there is something
 * newer: the verified (sha512) background download and the platform's install on restart or quit.
 *
 * States:
 *   idle        → downloading  a check found a newer version
 *   downloading → downloaded   electron-updater emitted 'update-downloaded'; the user is asked to restart
 *   downloading → idle         electron-updater disagreed or the download failed (logged; the next check retries)
 *   downloaded  stays          "Later" installs on quit (autoInstallOnAppQuit); a menu check asks again
 * Checks never run unpackaged, automatic checks only when enabled and due (schedule.ts), and no
 * failure to check or download ever opens an error dialog: it is logged, and a check the user
 * started from the menu gets a plain message box.
 *
 * Electron and electron-updater appear as types only; index.ts injects the real ones.
 */
import type { Logger, UpdateCheckResult, UpdateDownloadedEvent } from 'electron-updater';
import type { SettingsStore } from '../settings';
import type { UpdateDecision } from './decide';
import { checkFeed, type FeedLocation, type FetchLike } from './feed';
import { DUE_POLL_MS, isCheckDue } from './schedule';

/** The part of electron-updater's AppUpdater this module drives (its autoUpdater satisfies it). */
export interface UpdateEngine {
  autoDownload: boolean;
  autoInstallOnAppQuit: boolean;
  logger: Logger | null;
  checkForUpdates(): Promise<UpdateCheckResult | null>;
  downloadUpdate(): Promise<string[]>;
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void;
  on(event: 'error', listener: (error: Error, message?: string) => void): unknown;
  on(event: 'update-downloaded', listener: (event: UpdateDownloadedEvent) => void): unknown;
}

export interface UpdateUi {
  /** "Restart now" (true) or "Later" (false). */
  askToRestart(version: string): Promise<boolean>;
  /** A non-error message box answering a check the user started. */
  tell(message: string, detail: string): Promise<void>;
}

/** electron-log's main logger fits; electron-updater logs through it too. */
export interface UpdaterLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

export interface UpdaterDeps {
  isPackaged: boolean;
  currentVersion: string;
  feed: FeedLocation;
  /** feed.ts feedFileName(platform, arch). */
  feedFileName: string;
  fetch: FetchLike;
  settings: SettingsStore;
  /** Imports electron-updater lazily: only a packaged app that found an update ever loads it. */
  loadEngine(): Promise<UpdateEngine>;
  ui: UpdateUi;
  log: UpdaterLog;
  now?: () => Date;
  feedTimeoutMs?: number;
  every?: (fn: () => void, ms: number) => { cancel(): void };
}

export type UpdaterState = 'idle' | 'downloading' | 'downloaded';

export interface Updater {
  state(): UpdaterState;
  /** Starts the automatic checks: one now if due, then whenever one becomes due while the app runs. */
  start(): void;
  stop(): void;
  /** An automatic check: does nothing unless packaged, enabled and due. */
  checkIfDue(): Promise<UpdateDecision | undefined>;
  /** "Check for Updates…": always checks (when packaged) and always answers. */
  checkFromMenu(): Promise<void>;
  automatic(): boolean;
  setAutomatic(enabled: boolean): Promise<void>;
}

const defaultEvery = (fn: () => void, ms: number): { cancel(): void } => {
  const handle = setInterval(fn, ms);
  // The poll must not keep a quitting app alive.
  handle.unref();
  return {
    cancel: () => {
      clearInterval(handle);
    },
  };
};

export function createUpdater(deps: UpdaterDeps): Updater {
  const now = deps.now ?? (() => new Date());
  let state: UpdaterState = 'idle';
  let pendingVersion: string | undefined;
  let inflight: Promise<UpdateDecision> | undefined;
  let engine: Promise<UpdateEngine> | undefined;
  let asking = false;
  let poll: { cancel(): void } | undefined;
  let feedProblemLogged = false;

  /** The feed to ask, or undefined when this app may not check at all. */
  const feedBase = (): string | undefined => {
    if (!deps.isPackaged) return undefined;
    if (!deps.feed.ok) {
      if (!feedProblemLogged) deps.log.info(`Updates are off: ${deps.feed.reason}`);
      feedProblemLogged = true;
      return undefined;
    }
    return deps.feed.feedBase;
  };

  const getEngine = (): Promise<UpdateEngine> => {
    engine ??= deps.loadEngine().then((loaded) => {
      // We already decided there is an update; electron-updater downloads only when told to.
      loaded.autoDownload = false;
      // "Later" means: install when the app quits normally.
      loaded.autoInstallOnAppQuit = true;
      loaded.logger = deps.log;
      // Required: an EventEmitter 'error' without a listener throws in main. Never a dialog.
      loaded.on('error', (error) => {
        deps.log.warn(`Updater: ${error.message}`);
      });
      loaded.on('update-downloaded', (event) => {
        state = 'downloaded';
        pendingVersion = event.version;
        deps.log.info(`Update ${event.version} downloaded to ${event.downloadedFile}`);
        void askToRestart();
      });
      return loaded;
    });
    return engine;
  };

  async function askToRestart(): Promise<void> {
    if (asking || pendingVersion === undefined) return;
    asking = true;
    try {
      const restart = await deps.ui.askToRestart(pendingVersion);
      if (restart) {
        deps.log.info(`Restarting to install ${pendingVersion}`);
        // Silent on Windows (the user has just agreed) and start the new version afterwards.
        (await getEngine()).quitAndInstall(true, true);
      } else {
        deps.log.info(`Update ${pendingVersion} will be installed when Entryflow quits`);
      }
    } catch (error) {
      // Reached from events and menu clicks nobody awaits: an escape would be an "unexpected error" dialog.
      deps.log.warn(`Could not ask about or start the update's installation: ${describe(error)}`);
    } finally {
      asking = false;
    }
  }

  async function download(version: string): Promise<void> {
    state = 'downloading';
    pendingVersion = version;
    try {
      const updater = await getEngine();
      // electron-updater must check before it may download; it reads the same release's feed.
      const result = await updater.checkForUpdates();
      if (result === null || !result.isUpdateAvailable) {
        deps.log.warn(`The feed names ${version}, but electron-updater found nothing to download (it saw ${result?.updateInfo.version ?? 'no feed'})`);
        state = 'idle';
        return;
      }
      deps.log.info(`Downloading update ${result.updateInfo.version} in the background`);
      await updater.downloadUpdate();
    } catch (error) {
      deps.log.warn(`Update ${version} was not downloaded; the next check retries: ${describe(error)}`);
    } finally {
      // 'update-downloaded' moved us on already when the download succeeded.
      if (state === 'downloading') {
        state = 'idle';
        pendingVersion = undefined;
      }
    }
  }

  const check = (base: string): Promise<UpdateDecision> => {
    inflight ??= (async () => {
      const decision = await checkFeed({
        feedBase: base,
        fileName: deps.feedFileName,
        currentVersion: deps.currentVersion,
        fetch: deps.fetch,
        ...(deps.feedTimeoutMs === undefined ? {} : { timeoutMs: deps.feedTimeoutMs }),
      });
      logDecision(decision);
      // Only an answer from the feed counts as a check; offline, we try again at the next poll.
      if (decision.kind !== 'offline') {
        const checkedAt = now().toISOString();
        await deps.settings.update((s) => ({ ...s, updates: { ...s.updates, lastCheckedAt: checkedAt } }));
      }
      if (decision.kind === 'newer' && state === 'idle') void download(decision.version);
      return decision;
    })().finally(() => {
      inflight = undefined;
    });
    return inflight;
  };

  function logDecision(decision: UpdateDecision): void {
    switch (decision.kind) {
      case 'newer':
        deps.log.info(`Update check: ${decision.version} is available (running ${deps.currentVersion})`);
        break;
      case 'current':
        deps.log.info(`Update check: ${deps.currentVersion} is the latest version`);
        break;
      case 'older':
        deps.log.info(`Update check: the feed names ${decision.version}, older than ${deps.currentVersion}; staying`);
        break;
      case 'invalid':
        deps.log.warn(`Update check: ${decision.reason}`);
        break;
      case 'offline':
        deps.log.info(`Update check skipped, no answer: ${decision.reason}`);
        break;
    }
  }

  async function checkIfDue(): Promise<UpdateDecision | undefined> {
    const base = feedBase();
    if (base === undefined || !deps.settings.get().updates.enabled || state !== 'idle') return undefined;
    if (!isCheckDue(deps.settings.get().updates.lastCheckedAt, now())) return undefined;
    return check(base);
  }

  async function checkFromMenu(): Promise<void> {
    try {
      await answerMenuCheck();
    } catch (error) {
      deps.log.warn(`Check for Updates failed: ${describe(error)}`);
    }
  }

  async function answerMenuCheck(): Promise<void> {
    if (!deps.isPackaged) {
      await deps.ui.tell('Updates are not checked in development', 'Only an installed Entryflow checks for updates.');
      return;
    }
    const base = feedBase();
    if (base === undefined) {
      await deps.ui.tell('This copy of Entryflow cannot update itself', deps.feed.ok ? '' : `${capitalise(deps.feed.reason)}.`);
      return;
    }
    if (state === 'downloaded') {
      await askToRestart();
      return;
    }
    if (state === 'downloading') {
      await deps.ui.tell(`Entryflow ${pendingVersion ?? ''} is downloading`, 'You will be asked before Entryflow restarts to install it.');
      return;
    }
    const decision = await check(base);
    switch (decision.kind) {
      case 'newer':
        await deps.ui.tell(`Entryflow ${decision.version} is available`, 'It is downloading in the background. You will be asked before Entryflow restarts to install it.');
        break;
      case 'current':
      case 'older':
        await deps.ui.tell("You're up to date", `Entryflow ${deps.currentVersion} is the newest version.`);
        break;
      case 'offline':
        await deps.ui.tell("Couldn't check for updates: offline", `${capitalise(decision.reason)}.`);
        break;
      case 'invalid':
        await deps.ui.tell("Couldn't check for updates", `The update information could not be read: ${decision.reason}.`);
        break;
    }
  }

  return {
    state: () => state,
    start() {
      if (poll !== undefined) return;
      void checkIfDue();
      poll = (deps.every ?? defaultEvery)(() => void checkIfDue(), DUE_POLL_MS);
    },
    stop() {
      poll?.cancel();
      poll = undefined;
    },
    checkIfDue,
    checkFromMenu,
    automatic: () => deps.settings.get().updates.enabled,
    async setAutomatic(enabled) {
      await deps.settings.update((s) => ({ ...s, updates: { ...s.updates, enabled } }));
      deps.log.info(`Automatic update checks turned ${enabled ? 'on' : 'off'}`);
      if (enabled) await checkIfDue();
    },
  };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
