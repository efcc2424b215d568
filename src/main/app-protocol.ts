/**
 * The app:// protocol that serves the built renderer (out/renderer) instead of file://, which
 * would give the page the privileges of the whole file system's origin.
 *
 * Electron objects are passed in (type-only import), so the handler is tested in plain Node.
 */
import { extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { CustomScheme, Protocol } from 'electron';
import { withCspHeader } from './csp';
import { APP_HOST, APP_SCHEME } from './url-policy';
import { isInside } from './paths';

/**
 * Registered before `ready`: standard (a real origin, relative URLs), secure (a secure context, no
 * mixed content), and CORS-enabled because Vite's `<script type="module" crossorigin>` is fetched in
 * CORS mode even from its own origin. No response sets Access-Control-Allow-Origin, so no other
 * origin can read these files.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true, codeCache: true },
};

const MIME: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

/**
 * The file under `rendererDir` an app:// URL names, or null when the URL is for another host, is
 * malformed, or resolves outside the renderer directory (e.g. `%2e%2e/` or an encoded backslash).
 */
export function resolveAppAsset(rendererDir: string, requestUrl: string): string | null {
  let url: URL;
  try {
    url = new URL(requestUrl);
  } catch {
    return null;
  }
  if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(url.pathname);
  } catch {
    return null;
  }
  // Backslashes are separators on Windows only; refusing them keeps the rule the same on every OS.
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  const relativePath = pathname === '/' || pathname === '' ? 'index.html' : pathname.replace(/^[/\\]+/, '');
  const file = resolve(rendererDir, relativePath);
  if (file === resolve(rendererDir) || !isInside(rendererDir, file)) return null;
  return file;
}

export function mimeTypeFor(file: string): string {
  return MIME[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

export type FileFetcher = (fileUrl: string) => Promise<Response>;

/**
 * The request handler: refused paths get 404, never a directory listing or a file outside the
 * renderer. The CSP header is set here too because custom-protocol responses do not pass through
 * session.webRequest.
 */
export function createAppProtocolHandler(rendererDir: string, csp: string, fetchFile: FileFetcher) {
  return async (request: Request): Promise<Response> => {
    const file = resolveAppAsset(rendererDir, request.url);
    if (file === null) return new Response('Not found', { status: 404 });
    let upstream: Response;
    try {
      upstream = await fetchFile(pathToFileURL(file).toString());
    } catch {
      return new Response('Not found', { status: 404 });
    }
    if (!upstream.ok) return new Response('Not found', { status: 404 });
    const headers = withCspHeader({}, csp);
    const flat = new Headers();
    for (const [name, values] of Object.entries(headers)) flat.set(name, values.join(', '));
    flat.set('Content-Type', mimeTypeFor(file));
    flat.set('X-Content-Type-Options', 'nosniff');
    return new Response(upstream.body, { status: 200, headers: flat });
  };
}

export function registerAppProtocol(
  protocol: Pick<Protocol, 'handle'>,
  rendererDir: string,
  csp: string,
  fetchFile: FileFetcher,
): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rendererDir, csp, fetchFile));
}
