/**
 * The renderer's Content-Security-Policy. Main applies it as a response header to every response
 * of the app's session; the renderer's index.html carries the same policy in a <meta> tag so a page
 * opened outside Electron (e.g. the e2e harness) is held to it too.
 *
 * No remote origins anywhere, no 'unsafe-eval'. Styles allow 'unsafe-inline' because the toast and
 * dialog libraries inject <style> elements at runtime; inline styles cannot run code.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:'],
  'font-src': ["'self'"],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
  'frame-src': ["'none'"],
  'frame-ancestors': ["'none'"],
  'worker-src': ["'self'"],
};

function serialize(directives: Readonly<Record<string, readonly string[]>>): string {
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}

/** The production policy: the string the renderer's <meta> tag must match. */
export const CONTENT_SECURITY_POLICY = serialize(CSP_DIRECTIVES);

/**
 * The dev-server policy. Vite's React refresh preamble is an inline script and HMR talks over a
 * websocket to the dev server, so dev alone relaxes exactly those two; no build ever ships this.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return serialize({
    ...CSP_DIRECTIVES,
    'script-src': ["'self'", "'unsafe-inline'"],
    'connect-src': ["'self'", ws],
  });
}

export function contentSecurityPolicyFor(devServerOrigin: string | undefined): string {
  return devServerOrigin === undefined ? CONTENT_SECURITY_POLICY : devContentSecurityPolicy(devServerOrigin);
}

/**
 * Response headers with our CSP set, replacing any CSP the response carried (header names are
 * case-insensitive, so every spelling is dropped first).
 */
export function withCspHeader(
  headers: Readonly<Record<string, string[]>> | undefined,
  policy: string,
): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (name.toLowerCase() !== 'content-security-policy') out[name] = value;
  }
  out['Content-Security-Policy'] = [policy];
  return out;
}
