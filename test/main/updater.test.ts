/**
 * The Electron adapter with fakes at the edge: a fake electron-updater engine, fake dialogs, a fake
 * fetch answering like the feed, and the real settings file. Proves when it checks, that it stays
 * quiet unless asked, and the download → ask → restart / install-on-quit hand-off.
 */
import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Logger, UpdateCheckResult, UpdateDownloadedEvent, UpdateInfo } from 'electron-updater';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openSettings } from '../../src/main/settings';
import type { FeedLocation, FetchLike } from '../../src/main/updates/feed';
import { CHECK_INTERVAL_MS } from '../../src/main/updates/schedule';
import { createUpdater, type UpdateEngine, type UpdaterDeps } from '../../src/main/updates/updater';

const work = mkdtempSync(join(tmpdir(), 'entryflow-updater-'));
afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const FEED: FeedLocation = { ok: true, owner: 'o', repo: 'r', feedBase: 'https://feed.invalid/o/r/releases/latest/download' };
const NOW = new Date('2025-06-01T12:00:00.000Z');

function updateInfo(version: string): UpdateInfo {
  const file = `Entryflow-${version}-x86_64.AppImage`;
  // The type still requires the deprecated top-level `path` and `sha512` that electron-builder writes.
  const legacy: Record<string, string> = { path: file, sha512: 'x' };
  return { version, files: [{ url: file, sha512: 'x' }], releaseDate: '2025-06-01T00:00:00.000Z', ...legacy } as UpdateInfo;
}

class FakeEngine extends EventEmitter implements UpdateEngine {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  logger: Logger | null = null;
  /** What electron-updater's own check finds. */
  offers: string | undefined = '1.3.0';
  downloadFails: Error | undefined;
  readonly checkForUpdates = vi.fn((): Promise<UpdateCheckResult | null> => {
    const info = updateInfo(this.offers ?? '1.2.3');
    return Promise.resolve({ isUpdateAvailable: this.offers !== undefined, updateInfo: info, versionInfo: info });
  });
  readonly downloadUpdate = vi.fn((): Promise<string[]> => {
    if (this.downloadFails !== undefined) {
      // electron-updater emits 'error' and rejects, both.
      this.emit('error', this.downloadFails);
      return Promise.reject(this.downloadFails);
    }
    const event: UpdateDownloadedEvent = { ...updateInfo(this.offers ?? ''), downloadedFile: '/cache/update.AppImage' };
    this.emit('update-downloaded', event);
    return Promise.resolve(['/cache/update.AppImage']);
  });
  readonly quitAndInstall = vi.fn();
}

function feedAnswering(answer: { status: number; body: string } | 'offline'): FetchLike & ReturnType<typeof vi.fn> {
  return vi.fn((url: string) => {
    if (answer === 'offline') return Promise.reject(new TypeError('fetch failed', { cause: Object.assign(new Error(`getaddrinfo ENOTFOUND ${new URL(url).host}`), { code: 'ENOTFOUND' }) }));
    return Promise.resolve(new Response(answer.body, { status: answer.status }));
  });
}

let profiles = 0;
async function setUp(
  options: { isPackaged?: boolean; feed?: FeedLocation; fetch?: FetchLike; enabled?: boolean; lastCheckedAt?: string; restart?: boolean | Error; every?: UpdaterDeps['every'] } = {},
) {
  const settings = await openSettings(mkdtempSync(join(work, `p${String(profiles++)}-`)), { warn: vi.fn() });
  await settings.update((s) => ({
    ...s,
    updates: { enabled: options.enabled ?? true, ...(options.lastCheckedAt === undefined ? {} : { lastCheckedAt: options.lastCheckedAt }) },
  }));
  const engine = new FakeEngine();
  const ui = {
    askToRestart: vi.fn((_version: string) => (options.restart instanceof Error ? Promise.reject(options.restart) : Promise.resolve(options.restart ?? false))),
    tell: vi.fn((_message: string, _detail: string) => Promise.resolve()),
  };
  const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() };
  const fetch = options.fetch ?? feedAnswering({ status: 200, body: 'version: 1.3.0\n' });
  const loadEngine = vi.fn(() => Promise.resolve(engine));
  const deps: UpdaterDeps = {
    isPackaged: options.isPackaged ?? true,
    currentVersion: '1.2.3',
    feed: options.feed ?? FEED,
    feedFileName: 'latest-linux.yml',
    fetch,
    settings,
    loadEngine,
    ui,
    log,
    now: () => NOW,
    ...(options.every === undefined ? {} : { every: options.every }),
  };
  return { updater: createUpdater(deps), engine, ui, log, fetch, settings, loadEngine };
}

const ago = (ms: number) => new Date(NOW.getTime() - ms).toISOString();

describe('automatic checks', () => {
  it('never check in development, and never load electron-updater there', async () => {
    const t = await setUp({ isPackaged: false });
    expect(await t.updater.checkIfDue()).toBeUndefined();
    await t.updater.checkFromMenu();
    expect(t.fetch).not.toHaveBeenCalled();
    expect(t.loadEngine).not.toHaveBeenCalled();
    expect(t.ui.tell).toHaveBeenCalledWith('Updates are not checked in development', expect.any(String));
  });

  it('never check when the user turned them off; the menu still checks on request', async () => {
    const t = await setUp({ enabled: false, fetch: feedAnswering({ status: 200, body: 'version: 1.2.3\n' }) });
    expect(await t.updater.checkIfDue()).toBeUndefined();
    expect(t.fetch).not.toHaveBeenCalled();
    await t.updater.checkFromMenu();
    expect(t.fetch).toHaveBeenCalledOnce();
    expect(t.ui.tell).toHaveBeenCalledWith("You're up to date", 'Entryflow 1.2.3 is the newest version.');
  });

  it('check at most once a day, and record when the feed answered', async () => {
    const t = await setUp({ lastCheckedAt: ago(CHECK_INTERVAL_MS - 60_000), fetch: feedAnswering({ status: 200, body: 'version: 1.2.3\n' }) });
    expect(await t.updater.checkIfDue()).toBeUndefined();
    expect(t.fetch).not.toHaveBeenCalled();

    const due = await setUp({ lastCheckedAt: ago(CHECK_INTERVAL_MS), fetch: feedAnswering({ status: 200, body: 'version: 1.2.3\n' }) });
    expect(await due.updater.checkIfDue()).toEqual({ kind: 'current' });
    expect(due.fetch).toHaveBeenCalledWith('https://feed.invalid/o/r/releases/latest/download/latest-linux.yml', expect.anything());
    expect(due.settings.get().updates.lastCheckedAt).toBe(NOW.toISOString());
    // Now recorded: the next automatic check waits a day.
    expect(await due.updater.checkIfDue()).toBeUndefined();
  });

  it('offline: no dialog, a log line, and no record so the next poll tries again', async () => {
    const t = await setUp({ fetch: feedAnswering('offline') });
    expect(await t.updater.checkIfDue()).toMatchObject({ kind: 'offline' });
    expect(t.ui.tell).not.toHaveBeenCalled();
    expect(t.ui.askToRestart).not.toHaveBeenCalled();
    expect(t.log.info).toHaveBeenCalledWith(expect.stringContaining('ENOTFOUND'));
    expect(t.settings.get().updates.lastCheckedAt).toBeUndefined();
  });

  it('a build without a feed never checks, says why once in the log, and tells a menu user', async () => {
    const t = await setUp({ feed: { ok: false, reason: 'this build has no update feed' } });
    await t.updater.checkIfDue();
    await t.updater.checkIfDue();
    expect(t.fetch).not.toHaveBeenCalled();
    expect(t.log.info.mock.calls.filter(([m]) => String(m).includes('Updates are off'))).toHaveLength(1);
    await t.updater.checkFromMenu();
    expect(t.ui.tell).toHaveBeenCalledWith('This copy of Entryflow cannot update itself', 'This build has no update feed.');
  });

  it('start checks once at once and then only when the hourly poll finds a check due', async () => {
    let tick: (() => void) | undefined;
    const cancel = vi.fn();
    const t = await setUp({
      fetch: feedAnswering({ status: 200, body: 'version: 1.2.3\n' }),
      every: (fn) => {
        tick = fn;
        return { cancel };
      },
    });
    t.updater.start();
    await vi.waitFor(() => {
      expect(t.settings.get().updates.lastCheckedAt).toBe(NOW.toISOString());
    });
    tick?.();
    tick?.();
    expect(t.fetch).toHaveBeenCalledOnce();
    t.updater.stop();
    expect(cancel).toHaveBeenCalledOnce();
  });

  it('turning automatic checks back on checks at once if one is due', async () => {
    const t = await setUp({ enabled: false, fetch: feedAnswering({ status: 200, body: 'version: 1.2.3\n' }) });
    await t.updater.setAutomatic(true);
    expect(t.updater.automatic()).toBe(true);
    expect(t.fetch).toHaveBeenCalledOnce();
    await t.updater.setAutomatic(false);
    expect(t.settings.get().updates.enabled).toBe(false);
  });
});

describe('a newer version', () => {
  it('is downloaded in the background by electron-updater, then the user is asked; Later leaves it to install on quit', async () => {
    const t = await setUp({ restart: false });
    expect(await t.updater.checkIfDue()).toEqual({ kind: 'newer', version: '1.3.0' });
    await vi.waitFor(() => {
      expect(t.ui.askToRestart).toHaveBeenCalledWith('1.3.0');
    });
    expect(t.engine.autoDownload).toBe(false);
    expect(t.engine.autoInstallOnAppQuit).toBe(true);
    expect(t.engine.checkForUpdates).toHaveBeenCalledOnce();
    expect(t.engine.downloadUpdate).toHaveBeenCalledOnce();
    expect(t.engine.quitAndInstall).not.toHaveBeenCalled();
    expect(t.updater.state()).toBe('downloaded');
    // Nothing but the question reached the user.
    expect(t.ui.tell).not.toHaveBeenCalled();

    // Asking again from the menu offers the restart again rather than checking anew.
    await t.updater.checkFromMenu();
    expect(t.ui.askToRestart).toHaveBeenCalledTimes(2);
    expect(t.engine.checkForUpdates).toHaveBeenCalledOnce();
  });

  it('Restart Now quits and installs', async () => {
    const t = await setUp({ restart: true });
    await t.updater.checkIfDue();
    await vi.waitFor(() => {
      expect(t.engine.quitAndInstall).toHaveBeenCalledOnce();
    });
  });

  it('a restart prompt that fails is logged, not thrown into main', async () => {
    const t = await setUp({ restart: new Error('no display') });
    await t.updater.checkIfDue();
    await vi.waitFor(() => {
      expect(t.log.warn).toHaveBeenCalledWith(expect.stringContaining('no display'));
    });
    expect(t.engine.quitAndInstall).not.toHaveBeenCalled();
    expect(t.updater.state()).toBe('downloaded');
  });

  it('from the menu: says it is downloading, then asks', async () => {
    const t = await setUp();
    await t.updater.checkFromMenu();
    expect(t.ui.tell).toHaveBeenCalledWith('Entryflow 1.3.0 is available', expect.stringContaining('background'));
    await vi.waitFor(() => {
      expect(t.ui.askToRestart).toHaveBeenCalledWith('1.3.0');
    });
  });

  it('when electron-updater sees no update after all, nothing is downloaded and the next check may retry', async () => {
    const t = await setUp();
    t.engine.offers = undefined;
    await t.updater.checkIfDue();
    await vi.waitFor(() => {
      expect(t.log.warn).toHaveBeenCalledWith(expect.stringContaining('found nothing to download'));
    });
    expect(t.engine.downloadUpdate).not.toHaveBeenCalled();
    expect(t.updater.state()).toBe('idle');
  });

  it('a failed download is logged, never shown, and leaves the updater idle', async () => {
    const t = await setUp();
    t.engine.downloadFails = new Error('net::ERR_INTERNET_DISCONNECTED');
    await t.updater.checkIfDue();
    await vi.waitFor(() => {
      expect(t.updater.state()).toBe('idle');
      expect(t.engine.downloadUpdate).toHaveBeenCalledOnce();
    });
    expect(t.log.warn).toHaveBeenCalledWith(expect.stringContaining('ERR_INTERNET_DISCONNECTED'));
    expect(t.ui.tell).not.toHaveBeenCalled();
    expect(t.ui.askToRestart).not.toHaveBeenCalled();
  });
});

describe('menu answers', () => {
  it.each([
    ['offline', feedAnswering('offline'), "Couldn't check for updates: offline"],
    ['HTTP 404', feedAnswering({ status: 404, body: 'Not Found' }), "Couldn't check for updates: offline"],
    ['a malformed feed', feedAnswering({ status: 200, body: 'version: [' }), "Couldn't check for updates"],
    ['an older feed', feedAnswering({ status: 200, body: 'version: 1.0.0\n' }), "You're up to date"],
  ])('%s gets a plain message box, never an error dialog', async (_name, fetch, message) => {
    const t = await setUp({ fetch });
    await t.updater.checkFromMenu();
    expect(t.ui.tell).toHaveBeenCalledOnce();
    expect(t.ui.tell.mock.calls[0]?.[0]).toBe(message);
    expect(t.loadEngine).not.toHaveBeenCalled();
  });
});
