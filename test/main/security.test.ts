/**
 * Fails when any renderer security setting regresses: the webPreferences the window factory really
 * passes to BrowserWindow, the CSP main applies, and the CSP <meta> the renderer ships.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY, contentSecurityPolicyFor, devContentSecurityPolicy } from '../../src/main/csp';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../src/main/url-policy';
import { secureWebPreferences } from '../../src/main/web-preferences';
import { createMainWindow } from '../../src/main/window';
import { FakeBrowserWindow, fakeElectron } from './support/fake-window';

function parseCsp(policy: string): Map<string, string[]> {
  const directives = new Map<string, string[]>();
  for (const part of policy.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name !== undefined && name !== '') directives.set(name.toLowerCase(), sources);
  }
  return directives;
}

function factoryWebPreferences() {
  const { electron } = fakeElectron();
  createMainWindow(electron, {
    preloadPath: '/p.cjs',
    entryUrl: APP_ENTRY_URL,
    allowedOrigin: APP_ORIGIN,
    csp: CONTENT_SECURITY_POLICY,
    log: { warn: vi.fn() },
  });
  return FakeBrowserWindow.created.at(-1)?.options.webPreferences;
}

describe('webPreferences', () => {
  const prefs = factoryWebPreferences();

  it('are the ones the factory passes to BrowserWindow', () => {
    expect(prefs).toEqual(secureWebPreferences('/p.cjs'));
  });

  it.each([
    ['contextIsolation', true],
    ['sandbox', true],
    ['nodeIntegration', false],
    ['nodeIntegrationInWorker', false],
    ['nodeIntegrationInSubFrames', false],
    ['webSecurity', true],
    ['allowRunningInsecureContent', false],
    ['experimentalFeatures', false],
    ['webviewTag', false],
  ] as const)('%s is %s', (key, value) => {
    expect(prefs?.[key]).toBe(value);
  });

  it('never re-enables Blink features or disables protections by other keys', () => {
    expect(prefs).not.toHaveProperty('enableBlinkFeatures');
    expect(prefs).not.toHaveProperty('additionalArguments');
    expect(prefs).not.toHaveProperty('disableBlinkFeatures');
  });

  it('load the CommonJS preload', () => {
    expect(prefs?.preload).toMatch(/\.cjs$/);
  });
});

describe('Content-Security-Policy', () => {
  const csp = parseCsp(CONTENT_SECURITY_POLICY);
  const noRemote = (sources: string[] | undefined) =>
    (sources ?? []).filter((s) => /^(https?:|wss?:|\*|data:|blob:)/.test(s) || s.includes('*'));

  it('has no eval, no inline script and no remote script', () => {
    expect(CONTENT_SECURITY_POLICY).not.toContain('unsafe-eval');
    expect(CONTENT_SECURITY_POLICY).not.toContain('wasm-unsafe-eval');
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('default-src')).toEqual(["'self'"]);
  });

  it('blocks plugins, base-tag hijacking, form posts, frames and remote connections', () => {
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
  });

  it('names no remote origin in any directive', () => {
    for (const [name, sources] of csp) {
      const remote = noRemote(sources).filter((s) => !(name === 'img-src' && s === 'data:'));
      expect(remote, name).toEqual([]);
    }
  });

  it('is the production policy whenever there is no dev server', () => {
    expect(contentSecurityPolicyFor(undefined)).toBe(CONTENT_SECURITY_POLICY);
  });

  it('relaxes only script inlining and the HMR socket in dev, never eval', () => {
    const dev = parseCsp(devContentSecurityPolicy('http://localhost:5173'));
    expect(dev.get('script-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('connect-src')).toEqual(["'self'", 'ws://localhost:5173']);
    expect(devContentSecurityPolicy('http://localhost:5173')).not.toContain('unsafe-eval');
  });

  it("matches the renderer's <meta> tag directive for directive (the meta may omit header-only ones)", () => {
    const html = readFileSync(new URL('../../src/renderer/index.html', import.meta.url), 'utf8');
    const match = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/i.exec(html);
    expect(match, 'index.html must carry a CSP <meta> tag').not.toBeNull();
    const meta = parseCsp(match?.[1] ?? '');
    expect(meta.get('script-src')).toEqual(["'self'"]);
    for (const [name, sources] of meta) expect(sources, name).toEqual(csp.get(name));
  });
});

describe('app:// scheme privileges', () => {
  it('never bypass the CSP or allow service workers', async () => {
    const { APP_SCHEME_PRIVILEGES } = await import('../../src/main/app-protocol');
    expect(APP_SCHEME_PRIVILEGES.privileges?.bypassCSP).not.toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges?.allowServiceWorkers).not.toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges?.standard).toBe(true);
    expect(APP_SCHEME_PRIVILEGES.privileges?.secure).toBe(true);
  });
});
