/**
 * The window factory: every security setting of the renderer is applied here and nowhere else.
 * Electron is passed in (type-only import) so test/main/window.test.ts drives it with fakes.
 *
 * Diverges from the electron-vite template on purpose: sandbox stays on and the preload exposes
 * one typed object, not ipcRenderer.
 */
import type { BrowserWindow, Session, Shell, WebContents } from 'electron';
import { withCspHeader } from './csp';
import { isAllowedExternalUrl, isAppUrl, isReloadOfAppPage } from './url-policy';
import { secureWebPreferences } from './web-preferences';

export interface WindowElectron {
  BrowserWindow: typeof BrowserWindow;
  shell: Pick<Shell, 'openExternal'>;
}

export interface MainWindowOptions {
  preloadPath: string;
  /** Where the page is loaded from: app://entryflow/index.html or the dev server. */
  entryUrl: string;
  /** The only origin the window may show and the IPC may hear from. */
  allowedOrigin: string;
  csp: string;
  iconPath?: string;
  log: { warn(message: string): void };
}

export const WINDOW_SIZE = { width: 1200, height: 800, minWidth: 720, minHeight: 480 } as const;

/** Deny every permission (camera, notifications, clipboard-read…): the app uses none. */
export function hardenSession(session: Session, csp: string): void {
  session.setPermissionRequestHandler((_webContents, _permission, callback) => {
    callback(false);
  });
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: withCspHeader(details.responseHeaders, csp) });
  });
}

/** Navigation, popups and <webview> are refused; only app-named https links reach the browser. */
export function hardenWebContents(webContents: WebContents, options: MainWindowOptions, shell: Pick<Shell, 'openExternal'>): void {
  const openIfAllowed = (url: string): void => {
    if (isAllowedExternalUrl(url)) {
      shell.openExternal(url).catch((error: unknown) => {
        options.log.warn(`Could not open ${url} in the browser: ${String(error)}`);
      });
    } else {
      options.log.warn(`Blocked opening ${url}`);
    }
  };

  webContents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url);
    return { action: 'deny' };
  });
  webContents.on('will-navigate', (event) => {
    // Raised for every main-frame navigation the page starts, its own reloads included (the error
    // screen's Reload button, Vite's full reload); in-page (hash) navigation never gets here. So a
    // reload of our page goes through and anything that would replace it with another is refused.
    if (isReloadOfAppPage(event.url, webContents.getURL(), options.entryUrl, options.allowedOrigin)) return;
    event.preventDefault();
    openIfAllowed(event.url);
  });
  webContents.on('will-frame-navigate', (event) => {
    if (event.isMainFrame) return; // handled by will-navigate above
    event.preventDefault();
    options.log.warn(`Blocked a subframe navigating to ${event.url}`);
  });
  webContents.on('will-redirect', (event) => {
    if (isAppUrl(event.url, options.allowedOrigin)) return;
    event.preventDefault();
    options.log.warn(`Blocked a redirect to ${event.url}`);
  });
  webContents.on('will-attach-webview', (event) => {
    event.preventDefault();
  });
}

export function createMainWindow(electron: WindowElectron, options: MainWindowOptions): BrowserWindow {
  const window = new electron.BrowserWindow({
    ...WINDOW_SIZE,
    show: false,
    title: 'Entryflow',
    ...(options.iconPath === undefined ? {} : { icon: options.iconPath }),
    webPreferences: secureWebPreferences(options.preloadPath),
  });
  hardenSession(window.webContents.session, options.csp);
  hardenWebContents(window.webContents, options, electron.shell);
  // Shown once painted so a slow first load is a short delay, not a white flash.
  window.once('ready-to-show', () => {
    window.show();
  });
  return window;
}
