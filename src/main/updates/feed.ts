/**
 * Where the update feed is and how to read it. Electron-free: the fetch function is injected
 * (Electron's net.fetch in the app, so system proxies apply; Node's fetch in tests).
 *
 * The feed is what electron-builder writes next to the installers and .github/workflows/release.yml
 * attaches to the GitHub release: latest.yml (Windows), latest-mac.yml, latest-linux.yml
 * (latest-linux-arm64.yml on arm64). GitHub serves the newest published (non-draft, non-prerelease)
 * release's files under /releases/latest/download/, the same release electron-updater's GitHub
 * provider resolves through /releases/latest, so the two never disagree about "latest".
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { load } from 'js-yaml';
import { z } from 'zod';
import { decide, type UpdateDecision } from './decide';

/** Long enough for a slow link to fetch a few hundred bytes; short enough that a dead proxy doesn't hang a menu check. */
export const FEED_TIMEOUT_MS = 15_000;

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

/** electron-updater's naming (Provider.getChannelFilePrefix): Windows has no suffix for history's sake. */
export function feedFileName(platform: NodeJS.Platform, arch: string): string {
  if (platform === 'darwin') return 'latest-mac.yml';
  if (platform === 'win32') return 'latest.yml';
  return arch === 'x64' ? 'latest-linux.yml' : `latest-linux-${arch}.yml`;
}

export function githubFeedBase(owner: string, repo: string): string {
  return `https://github.com/${encodeURIComponent(owner)}/${encodeURIComponent(repo)}/releases/latest/download`;
}

// GitHub's own rules: an owner is letters, digits and single inner hyphens; a repo also allows . and _.
const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const REPO = /^[A-Za-z0-9._-]{1,100}$/;

/** The part of app-update.yml (written by electron-builder from its `publish` section) the feed needs. */
const appUpdateConfigSchema = z.object({
  provider: z.literal('github'),
  owner: z.string().regex(OWNER, 'not a GitHub owner name'),
  repo: z.string().regex(REPO, 'not a GitHub repository name').refine((r) => r !== '.' && r !== '..', 'not a GitHub repository name'),
});

export type FeedLocation = { ok: true; feedBase: string; owner: string; repo: string } | { ok: false; reason: string };

/**
 * Reads the feed location from the text of resources/app-update.yml, the file electron-updater
 * itself reads, so both ask the same repository. A build made without a publish configuration has
 * no such file and therefore no feed: `text` undefined.
 */
export function feedLocationFrom(text: string | undefined): FeedLocation {
  if (text === undefined) return { ok: false, reason: 'this build has no update feed (no app-update.yml): it was not made by the release workflow' };
  let parsed: unknown;
  try {
    parsed = load(text);
  } catch (error) {
    return { ok: false, reason: `app-update.yml is not valid YAML: ${firstLine(error)}` };
  }
  const config = appUpdateConfigSchema.safeParse(parsed);
  if (!config.success) {
    const issue = config.error.issues[0];
    return { ok: false, reason: `app-update.yml has no usable GitHub feed (${issue === undefined ? 'unknown problem' : `${issue.path.join('.') || 'file'}: ${issue.message}`})` };
  }
  const { owner, repo } = config.data;
  return { ok: true, feedBase: githubFeedBase(owner, repo), owner, repo };
}

/** electron-builder writes it into the packaged app's resources; electron-updater reads it from there too. */
export const APP_UPDATE_CONFIG = 'app-update.yml';

export async function readFeedLocation(resourcesPath: string): Promise<FeedLocation> {
  const file = join(resourcesPath, APP_UPDATE_CONFIG);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    const missing = typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
    if (!missing) return { ok: false, reason: `could not read ${file}: ${firstLine(error)}` };
  }
  return feedLocationFrom(text);
}

export interface FeedCheck {
  /** Without a trailing slash, e.g. https://github.com/o/r/releases/latest/download. */
  feedBase: string;
  fileName: string;
  currentVersion: string;
  fetch: FetchLike;
  timeoutMs?: number;
}

/**
 * Fetches the feed and decides. Never throws: anything that keeps us from reading the file (no
 * network, refused, timed out, an HTTP error status) is 'offline' with the reason, so callers can
 * stay quiet about it; a file that arrives but cannot be understood is 'invalid'.
 */
export async function checkFeed(check: FeedCheck): Promise<UpdateDecision> {
  const url = `${check.feedBase}/${check.fileName}`;
  let text: string;
  try {
    const response = await check.fetch(url, {
      // A cached answer from yesterday would hide today's release.
      cache: 'no-store',
      redirect: 'follow',
      signal: AbortSignal.timeout(check.timeoutMs ?? FEED_TIMEOUT_MS),
    });
    if (!response.ok) {
      // Release the connection; the body of an error page is of no use.
      await response.body?.cancel();
      return { kind: 'offline', reason: `the update server answered HTTP ${response.status} for ${url}` };
    }
    text = await response.text();
  } catch (error) {
    return { kind: 'offline', reason: `could not reach ${url}: ${describeFetchError(error)}` };
  }
  return decide(check.currentVersion, text);
}

function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError')) return 'timed out';
  // Node's fetch wraps the socket error (ECONNREFUSED, ENOTFOUND…) in `cause`; that is the useful part.
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? `${cause.code} ` : '';
    return `${code}${cause.message}`.trim();
  }
  return firstLine(error);
}

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0] ?? message;
}
