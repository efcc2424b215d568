import { describe, expect, it, vi } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp';
import { APP_ENTRY_URL, APP_ORIGIN } from '../../src/main/url-policy';
import { createMainWindow, type MainWindowOptions } from '../../src/main/window';
import { FakeBrowserWindow, fakeElectron, navEvent } from './support/fake-window';

function build() {
  const { electron, opened } = fakeElectron();
  const log = { warn: vi.fn() };
  const options: MainWindowOptions = {
    preloadPath: '/app/out/preload/index.cjs',
    entryUrl: APP_ENTRY_URL,
    allowedOrigin: APP_ORIGIN,
    csp: CONTENT_SECURITY_POLICY,
    log,
  };
  createMainWindow(electron, options);
  const window = FakeBrowserWindow.created.at(-1);
  if (window === undefined) throw new Error('no window was created');
  return { window, opened, log };
}

describe('window factory', () => {
  it('creates the window hidden and shows it once painted', () => {
    const { window } = build();
    expect(window.options.show).toBe(false);
    expect(window.options.webPreferences?.preload).toBe('/app/out/preload/index.cjs');
    window.emitOnce('ready-to-show');
    expect(window.shown).toBe(true);
  });

  it('denies window.open and does not open unnamed links externally', () => {
    const { window, opened } = build();
    expect(window.webContents.windowOpenHandler?.({ url: 'https://evil.test/' })).toEqual({ action: 'deny' });
    expect(window.webContents.windowOpenHandler?.({ url: APP_ENTRY_URL })).toEqual({ action: 'deny' });
    expect(opened).toEqual([]);
  });

  it('blocks navigation away from the page, including to another page of our own origin', () => {
    const { window, opened } = build();
    void window.loadURL(APP_ENTRY_URL);
    for (const url of ['https://evil.test/', 'file:///etc/passwd', 'app://entryflow/other.html', 'app://entryflow/index.html?x=1', 'javascript:alert(1)', 'app://evil/index.html']) {
      const event = window.webContents.pageNavigates(url);
      expect(event.defaultPrevented, url).toBe(true);
    }
    expect(opened).toEqual([]);
  });

  // Electron raises will-navigate for a reload the page starts (location.reload(): the error
  // screen's Reload button, Vite's full reload) with isSameDocument false, like any navigation.
  it('lets the page reload itself, on whatever route (fragment) it is on', () => {
    const { window } = build();
    void window.loadURL(APP_ENTRY_URL);
    const reload = window.webContents.pageNavigates(APP_ENTRY_URL);
    expect(reload.isSameDocument).toBe(false);
    expect(reload.defaultPrevented).toBe(false);

    window.webContents.url = 'app://entryflow/index.html#/entries/42';
    expect(window.webContents.pageNavigates('app://entryflow/index.html#/entries/42').defaultPrevented).toBe(false);
    // Back to the entry URL (a Reload that resets the route) is our own page too.
    expect(window.webContents.pageNavigates(APP_ENTRY_URL).defaultPrevented).toBe(false);
  });

  it('lets the dev server page reload (Vite full reload) and nothing else on or off its origin', () => {
    const { electron } = fakeElectron();
    createMainWindow(electron, {
      preloadPath: '/app/out/preload/index.cjs',
      entryUrl: 'http://localhost:5173',
      allowedOrigin: 'http://localhost:5173',
      csp: CONTENT_SECURITY_POLICY,
      log: { warn: vi.fn() },
    });
    const window = FakeBrowserWindow.created.at(-1);
    if (window === undefined) throw new Error('no window was created');
    void window.loadURL('http://localhost:5173');
    expect(window.webContents.pageNavigates('http://localhost:5173/').defaultPrevented).toBe(false);
    expect(window.webContents.pageNavigates('http://localhost:5173/src/main.tsx').defaultPrevented).toBe(true);
    expect(window.webContents.pageNavigates('http://localhost:5174/').defaultPrevented).toBe(true);
    expect(window.webContents.pageNavigates('app://entryflow/index.html').defaultPrevented).toBe(true);
  });

  it('blocks subframe navigation, redirects off-origin and <webview> attachment', () => {
    const { window } = build();
    const frame = navEvent('https://evil.test/', { isMainFrame: false });
    window.webContents.emit('will-frame-navigate', frame);
    expect(frame.prevented).toBe(true);
    const redirect = navEvent('https://evil.test/');
    window.webContents.emit('will-redirect', redirect);
    expect(redirect.prevented).toBe(true);
    const webview = navEvent('');
    window.webContents.emit('will-attach-webview', webview);
    expect(webview.prevented).toBe(true);
  });

  it('denies every permission request and check', () => {
    const { window } = build();
    const session = window.webContents.session;
    for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
      const callback = vi.fn();
      session.permissionRequest?.(window.webContents, permission, callback);
      expect(callback).toHaveBeenCalledExactlyOnceWith(false);
    }
    expect(session.permissionCheck?.(null, 'media', APP_ORIGIN, {})).toBe(false);
    expect(session.devicePermission?.({})).toBe(false);
  });

  it('sets our CSP on every response, replacing any the response carried', () => {
    const { window } = build();
    const callback = vi.fn();
    window.webContents.session.headers?.(
      { responseHeaders: { 'content-security-policy': ["script-src *"], 'X-Other': ['1'] } },
      callback,
    );
    expect(callback).toHaveBeenCalledWith({
      responseHeaders: { 'Content-Security-Policy': [CONTENT_SECURITY_POLICY], 'X-Other': ['1'] },
    });
  });
});
