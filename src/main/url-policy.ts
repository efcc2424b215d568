/**
 * Which URLs the app itself may show, and which external links it may hand to the OS browser.
 * Pure and electron-free so the rules are unit-tested in Node.
 */

/** The privileged custom scheme the packaged renderer is served from (see app-protocol.ts). */
export const APP_SCHEME = 'app';
export const APP_HOST = 'entryflow';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * External origins the app names in its UI and may open in the user's browser. Empty until the UI
 * links somewhere: every entry is a place a compromised renderer could send the user.
 */
export const EXTERNAL_ORIGINS: readonly string[] = [];

/**
 * `scheme://host[:port]`, or null for anything unparsable or opaque. WHATWG `URL.origin` is "null"
 * for non-special schemes like app://, so it cannot be used to compare our own origin.
 */
export function originOf(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.host === '') return null;
  return `${parsed.protocol}//${parsed.host}`;
}

/** The origin the renderer is loaded from: the dev server in `npm run dev`, app:// otherwise. */
export function rendererOrigin(devServerUrl: string | undefined): string {
  if (devServerUrl === undefined) return APP_ORIGIN;
  const origin = originOf(devServerUrl);
  if (origin === null) throw new Error(`ELECTRON_RENDERER_URL is not a valid URL: "${devServerUrl}"`);
  return origin;
}

export function isAppUrl(url: string, allowedOrigin: string): boolean {
  return originOf(url) === allowedOrigin;
}

/** The URL with any fragment dropped, normalised by the URL parser; null when unparsable. */
function withoutFragment(url: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  parsed.hash = '';
  return parsed.href;
}

/**
 * Whether a navigation the page started is a reload of our own page: to the URL the page is on now
 * (location.reload(), Vite's full reload) or to the app's entry URL, on our origin, whatever the
 * fragment. Electron reports such a reload to will-navigate like any other navigation
 * (isSameDocument is always false there), so this is the only way to tell it from leaving the page.
 */
export function isReloadOfAppPage(target: string, current: string, entryUrl: string, allowedOrigin: string): boolean {
  if (!isAppUrl(target, allowedOrigin)) return false;
  const page = withoutFragment(target);
  return page !== null && (page === withoutFragment(current) || page === withoutFragment(entryUrl));
}

/** Only https, only to an origin the app names; credentials in the URL are refused outright. */
export function isAllowedExternalUrl(url: string, allowedOrigins: readonly string[] = EXTERNAL_ORIGINS): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol !== 'https:' || parsed.username !== '' || parsed.password !== '') return false;
  return allowedOrigins.includes(parsed.origin);
}
