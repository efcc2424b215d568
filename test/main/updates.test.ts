/**
 * The update decision in plain Node: a real HTTP feed on 127.0.0.1 serving latest*.yml the way a
 * GitHub release does (including its redirect to the asset host), the schedule, and the persisted
 * settings. No Electron anywhere.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS, openSettings, parseSettings, SETTINGS_FILE_NAME } from '../../src/main/settings';
import { decide } from '../../src/main/updates/decide';
import { checkFeed, feedFileName, feedLocationFrom, readFeedLocation } from '../../src/main/updates/feed';
import { CHECK_INTERVAL_MS, isCheckDue } from '../../src/main/updates/schedule';

/** What electron-builder writes for a Linux release (trimmed hashes). */
function latestYml(version: string): string {
  return [
    `version: ${version}`,
    'files:',
    `  - url: Entryflow-${version}-x86_64.AppImage`,
    '    sha512: 3q2+7w==',
    '    size: 123456789',
    `path: Entryflow-${version}-x86_64.AppImage`,
    'sha512: 3q2+7w==',
    "releaseDate: '2025-01-31T09:00:00.000Z'",
    '',
  ].join('\n');
}

type Route = { status: number; body: string; headers?: Record<string, string> } | 'hang';

describe('the update feed over HTTP', () => {
  const routes = new Map<string, Route>();
  const hanging: ServerResponse[] = [];
  let server: Server;
  let base: string;
  let refusedBase: string;

  beforeAll(async () => {
    server = createServer((request, response) => {
      const route = routes.get(request.url ?? '') ?? { status: 404, body: 'Not Found' };
      if (route === 'hang') {
        hanging.push(response);
        return;
      }
      response.writeHead(route.status, { 'content-type': 'text/plain', ...route.headers });
      response.end(route.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    // A port that was just ours and is now closed: connecting to it is refused.
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    refusedBase = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((resolve, reject) => closed.close((error) => (error ? reject(error) : resolve())));
  });

  afterAll(async () => {
    for (const response of hanging) response.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const check = (feedBase: string, currentVersion = '1.2.3', timeoutMs?: number) =>
    checkFeed({ feedBase, fileName: 'latest-linux.yml', currentVersion, fetch, ...(timeoutMs === undefined ? {} : { timeoutMs }) });

  function serve(name: string, route: Route): string {
    routes.set(`/${name}/latest-linux.yml`, route);
    return `${base}/${name}`;
  }

  it('a higher version is newer, and names it', async () => {
    expect(await check(serve('newer', { status: 200, body: latestYml('1.3.0') }))).toEqual({ kind: 'newer', version: '1.3.0' });
  });

  it('the same version is current', async () => {
    expect(await check(serve('same', { status: 200, body: latestYml('1.2.3') }))).toEqual({ kind: 'current' });
  });

  it('a lower version is older (never a downgrade)', async () => {
    expect(await check(serve('older', { status: 200, body: latestYml('1.2.0') }))).toEqual({ kind: 'older', version: '1.2.0' });
  });

  it('compares by semver, not as text', async () => {
    // As text "1.10.0" < "1.9.0"; as versions it is newer.
    expect(await check(serve('semver', { status: 200, body: latestYml('1.10.0') }), '1.9.0')).toEqual({ kind: 'newer', version: '1.10.0' });
  });

  it('follows the redirect GitHub answers /releases/latest/download/… with', async () => {
    routes.set('/asset/latest-linux.yml', { status: 200, body: latestYml('2.0.0') });
    const feedBase = serve('redirect', { status: 302, body: '', headers: { location: `${base}/asset/latest-linux.yml` } });
    expect(await check(feedBase)).toEqual({ kind: 'newer', version: '2.0.0' });
  });

  it('malformed YAML is invalid, with the parser’s reason', async () => {
    const decision = await check(serve('malformed', { status: 200, body: 'version: [1.3.0\nfiles: {' }));
    expect(decision.kind).toBe('invalid');
    expect(decision).toMatchObject({ reason: expect.stringContaining('not valid YAML') as unknown });
  });

  it('a feed without a version is invalid', async () => {
    expect(await check(serve('no-version', { status: 200, body: 'files:\n  - url: a.AppImage\n' }))).toEqual({ kind: 'invalid', reason: 'the update feed names no version' });
  });

  it('a version that is not semver is invalid', async () => {
    expect(await check(serve('not-semver', { status: 200, body: latestYml('latest') }))).toMatchObject({ kind: 'invalid', reason: expect.stringContaining('"latest"') as unknown });
  });

  it('an HTML page served with 200 (a captive portal) is invalid, not an update', async () => {
    expect(await check(serve('portal', { status: 200, body: '<html><body>Sign in to the Wi-Fi</body></html>' }))).toMatchObject({ kind: 'invalid' });
  });

  it('HTTP 404 (no release yet, or no feed for this platform) is offline and names the status', async () => {
    const decision = await check(`${base}/nothing-here`);
    expect(decision).toMatchObject({ kind: 'offline', reason: expect.stringContaining('HTTP 404') as unknown });
  });

  it('a refused connection is offline, not a throw', async () => {
    const decision = await check(refusedBase);
    expect(decision).toMatchObject({ kind: 'offline', reason: expect.stringContaining('ECONNREFUSED') as unknown });
  });

  it('a server that never answers is offline once the timeout passes', async () => {
    const decision = await check(serve('hang', 'hang'), '1.2.3', 200);
    expect(decision).toEqual({ kind: 'offline', reason: expect.stringContaining('timed out') as unknown });
  });

  it('a fetch that throws something odd is still offline', async () => {
    const broken = () => Promise.reject(new TypeError('fetch failed'));
    expect(await checkFeed({ feedBase: base, fileName: 'latest.yml', currentVersion: '1.0.0', fetch: broken })).toMatchObject({ kind: 'offline' });
  });

  it('asks the server not to serve a cached copy', async () => {
    const spy = vi.fn((url: string, init: RequestInit) => fetch(url, init));
    await checkFeed({ feedBase: serve('cache', { status: 200, body: latestYml('1.2.3') }), fileName: 'latest-linux.yml', currentVersion: '1.2.3', fetch: spy });
    expect(spy.mock.calls[0]?.[1]).toMatchObject({ cache: 'no-store' });
  });
});

describe('the decision without the network', () => {
  it('a running version that is not semver is invalid rather than a guess', () => {
    expect(decide('dev', latestYml('1.0.0'))).toMatchObject({ kind: 'invalid' });
  });

  it('an empty file is invalid', () => {
    expect(decide('1.0.0', '')).toEqual({ kind: 'invalid', reason: 'the update feed names no version' });
  });

  it('a prerelease of the running version is older; the release after a prerelease is newer', () => {
    expect(decide('1.3.0', latestYml('1.3.0-beta.2'))).toEqual({ kind: 'older', version: '1.3.0-beta.2' });
    expect(decide('1.3.0-beta.2', latestYml('1.3.0'))).toEqual({ kind: 'newer', version: '1.3.0' });
  });
});

describe('feed file names and location', () => {
  it('uses electron-updater’s names per platform', () => {
    expect(feedFileName('win32', 'x64')).toBe('latest.yml');
    expect(feedFileName('darwin', 'arm64')).toBe('latest-mac.yml');
    expect(feedFileName('linux', 'x64')).toBe('latest-linux.yml');
    expect(feedFileName('linux', 'arm64')).toBe('latest-linux-arm64.yml');
  });

  it('reads owner and repo from the app-update.yml electron-builder writes', () => {
    const text = 'owner: entryflow-org\nrepo: entryflow\nprovider: github\nupdaterCacheDirName: entryflow-updater\n';
    expect(feedLocationFrom(text)).toEqual({
      ok: true,
      owner: 'entryflow-org',
      repo: 'entryflow',
      feedBase: 'https://github.com/entryflow-org/entryflow/releases/latest/download',
    });
  });

  it('a build without app-update.yml has no feed, and says why', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'entryflow-resources-'));
    try {
      expect(await readFeedLocation(empty)).toMatchObject({ ok: false, reason: expect.stringContaining('no app-update.yml') as unknown });
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it.each([
    ['another provider', 'provider: generic\nurl: https://example.invalid/\n'],
    ['no owner', 'provider: github\nrepo: entryflow\n'],
    ['an owner GitHub cannot have', 'provider: github\nowner: -bad-\nrepo: entryflow\n'],
    ['a path in the repo name', 'provider: github\nowner: o\nrepo: ../x\n'],
    ['not YAML', 'provider: [github\n'],
  ])('refuses %s', (_name, text) => {
    expect(feedLocationFrom(text).ok).toBe(false);
  });
});

describe('the schedule', () => {
  const now = new Date('2025-06-01T12:00:00.000Z');
  const ago = (ms: number) => new Date(now.getTime() - ms).toISOString();

  it('is due with no record, or an unreadable one', () => {
    expect(isCheckDue(undefined, now)).toBe(true);
    expect(isCheckDue('yesterday', now)).toBe(true);
  });

  it('is not due within a day of the last check, and due after', () => {
    expect(isCheckDue(ago(0), now)).toBe(false);
    expect(isCheckDue(ago(CHECK_INTERVAL_MS - 1), now)).toBe(false);
    expect(isCheckDue(ago(CHECK_INTERVAL_MS), now)).toBe(true);
    expect(isCheckDue(ago(10 * CHECK_INTERVAL_MS), now)).toBe(true);
  });

  it('is due when the record lies in the future (the clock was set back), so checks are never blocked', () => {
    expect(isCheckDue(ago(-60_000), now)).toBe(true);
    expect(isCheckDue('2099-01-01T00:00:00.000Z', now)).toBe(true);
  });
});

describe('settings.json', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'entryflow-settings-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('parses a valid file, and fills in what is missing', () => {
    expect(parseSettings('{"updates":{"enabled":false,"lastCheckedAt":"2025-01-31T09:00:00.000Z"}}')).toEqual({
      settings: { updates: { enabled: false, lastCheckedAt: '2025-01-31T09:00:00.000Z' } },
      problem: undefined,
    });
    expect(parseSettings('{}').settings).toEqual({ updates: { enabled: true } });
  });

  it.each([
    ['not JSON', '{"updates":'],
    ['enabled not a boolean', '{"updates":{"enabled":"no"}}'],
    ['a timestamp that is not one', '{"updates":{"lastCheckedAt":"last Tuesday"}}'],
    ['not an object', '[]'],
  ])('ignores a file with %s, and says so', (_name, text) => {
    const parsed = parseSettings(text);
    expect(parsed.settings).toEqual(DEFAULT_SETTINGS);
    expect(parsed.problem).toEqual(expect.any(String));
  });

  it('no file is the normal first run: defaults, no problem', () => {
    expect(parseSettings(undefined)).toEqual({ settings: DEFAULT_SETTINGS, problem: undefined });
  });

  it('persists changes in order and keeps keys it does not know', async () => {
    const profile = mkdtempSync(join(dir, 'p-'));
    writeFileSync(join(profile, SETTINGS_FILE_NAME), JSON.stringify({ theme: 'dark', updates: { enabled: true, channel: 'x' } }));
    const log = { warn: vi.fn() };
    const store = await openSettings(profile, log);
    // Two changes without waiting: the file must end with the second.
    void store.update((s) => ({ ...s, updates: { ...s.updates, enabled: false } }));
    await store.update((s) => ({ ...s, updates: { ...s.updates, lastCheckedAt: '2025-01-31T09:00:00.000Z' } }));

    const onDisk: unknown = JSON.parse(readFileSync(join(profile, SETTINGS_FILE_NAME), 'utf8'));
    expect(onDisk).toEqual({ theme: 'dark', updates: { enabled: false, channel: 'x', lastCheckedAt: '2025-01-31T09:00:00.000Z' } });
    const reopened = await openSettings(profile, log);
    expect(reopened.get().updates).toMatchObject({ enabled: false, lastCheckedAt: '2025-01-31T09:00:00.000Z' });
    expect(log.warn).not.toHaveBeenCalled();
  });

  it('a damaged file means defaults and a warning, and the next save repairs it', async () => {
    const profile = mkdtempSync(join(dir, 'p-'));
    writeFileSync(join(profile, SETTINGS_FILE_NAME), '{"updates": {"enabled": tru');
    const log = { warn: vi.fn() };
    const store = await openSettings(profile, log);
    expect(store.get()).toEqual(DEFAULT_SETTINGS);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('not valid JSON'));
    await store.update((s) => ({ ...s, updates: { ...s.updates, enabled: false } }));
    expect(parseSettings(readFileSync(join(profile, SETTINGS_FILE_NAME), 'utf8'))).toMatchObject({ settings: { updates: { enabled: false } }, problem: undefined });
  });

  it('a failed write is logged and the change still holds for this run', async () => {
    const missing = join(dir, 'no-such-folder');
    const log = { warn: vi.fn() };
    const store = await openSettings(missing, log);
    await store.update((s) => ({ ...s, updates: { ...s.updates, enabled: false } }));
    expect(store.get().updates.enabled).toBe(false);
    expect(log.warn).toHaveBeenCalledWith(expect.stringContaining('Could not save settings'));
  });
});

describe('the release pipeline feeds the updater', () => {
  const root = resolve(import.meta.dirname, '../..');
  const builder = load(readFileSync(join(root, 'electron-builder.yml'), 'utf8')) as {
    publish?: { provider?: string } | null;
    mac?: { target?: { target: string }[] };
  };
  const release = readFileSync(join(root, '.github/workflows/release.yml'), 'utf8');

  it('electron-builder has a GitHub publish provider, so it writes latest*.yml and app-update.yml', () => {
    expect(builder.publish?.provider).toBe('github');
  });

  it('macOS builds the zip Squirrel.Mac installs from', () => {
    expect(builder.mac?.target?.map((t) => t.target)).toContain('zip');
  });

  it('release.yml names the repository and attaches the feed and what it points to', () => {
    expect(release).toContain('-c.publish.owner=');
    expect(release).toContain('-c.publish.repo=');
    for (const pattern of ["'latest*.yml'", "'*.zip'", "'*.blockmap'"]) expect(release).toContain(`-name ${pattern}`);
  });
});
