/**
 * A stand-in for Electron's BrowserWindow that records what the window factory configures: the
 * constructor options, the session handlers and the webContents listeners. Electron cannot run in
 * plain Node, so this is the edge the tests mock (and the only one).
 */
import type { BrowserWindowConstructorOptions } from 'electron';
import type { WindowElectron } from '../../../src/main/window';

type Listener = (...args: unknown[]) => void;
type HeadersListener = (
  details: { responseHeaders?: Record<string, string[]> },
  callback: (response: { responseHeaders?: Record<string, string[]> }) => void,
) => void;

/**
 * The event Electron 45 passes to will-navigate, will-frame-navigate and will-redirect
 * (`Event<WebContentsWillNavigateEventParams>`). For will-navigate Electron documents
 * isSameDocument as always false (same-document navigations never reach it), reloads included,
 * so the fake offers no way to set it.
 */
export interface NavEvent {
  url: string;
  readonly isSameDocument: false;
  isMainFrame: boolean;
  /** The frame being navigated: its `url` is where it is now, before the navigation. */
  frame: { url: string } | null;
  initiator: { url: string } | null;
  defaultPrevented: boolean;
  /** Kept for the old assertions: the same as defaultPrevented. */
  readonly prevented: boolean;
  preventDefault(): void;
}

export function navEvent(url: string, over: { isMainFrame?: boolean; from?: string } = {}): NavEvent {
  const from = over.from ?? '';
  return {
    url,
    isSameDocument: false,
    isMainFrame: over.isMainFrame ?? true,
    frame: { url: from },
    initiator: { url: from },
    defaultPrevented: false,
    get prevented() {
      return this.defaultPrevented;
    },
    preventDefault() {
      this.defaultPrevented = true;
    },
  };
}

export class FakeSession {
  permissionRequest: ((wc: unknown, permission: string, callback: (granted: boolean) => void) => void) | null = null;
  permissionCheck: ((...args: unknown[]) => boolean) | null = null;
  devicePermission: ((...args: unknown[]) => boolean) | null = null;
  headers: HeadersListener | null = null;
  setPermissionRequestHandler(handler: FakeSession['permissionRequest']) {
    this.permissionRequest = handler;
  }
  setPermissionCheckHandler(handler: FakeSession['permissionCheck']) {
    this.permissionCheck = handler;
  }
  setDevicePermissionHandler(handler: FakeSession['devicePermission']) {
    this.devicePermission = handler;
  }
  webRequest = {
    onHeadersReceived: (listener: HeadersListener) => {
      this.headers = listener;
    },
  };
}

export class FakeWebContents {
  readonly id = 1;
  readonly session = new FakeSession();
  /** What getURL() answers: the page the window last loaded ('' before any). */
  url = '';
  reloads = 0;
  readonly listeners = new Map<string, Listener[]>();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  /**
   * A navigation the page itself starts, as Electron 45 raises it: will-navigate with the event
   * object followed by the deprecated positional arguments (url, isInPlace, isMainFrame, ids).
   */
  pageNavigates(url: string): NavEvent {
    const event = navEvent(url, { from: this.url });
    this.emit('will-navigate', event, url, false, true, 1, 1);
    return event;
  }
  getURL() {
    return this.url;
  }
  reload() {
    this.reloads++;
  }
  /** Messages main sent to the page (the change notices). */
  readonly sent: { channel: string; payload: unknown }[] = [];
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload });
  }
  isDestroyed() {
    return false;
  }
  setWindowOpenHandler(handler: FakeWebContents['windowOpenHandler']) {
    this.windowOpenHandler = handler;
  }
}

export class FakeBrowserWindow {
  static created: FakeBrowserWindow[] = [];
  /** Called on construction; boot tests use it to record the order of startup steps. */
  static onCreate: (() => void) | undefined;
  readonly webContents = new FakeWebContents();
  shown = false;
  minimized = false;
  focused = 0;
  loaded: string[] = [];
  private readonly onceListeners = new Map<string, Listener>();
  private readonly listeners = new Map<string, Listener[]>();
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeBrowserWindow.created.push(this);
    FakeBrowserWindow.onCreate?.();
  }
  once(event: string, listener: Listener) {
    this.onceListeners.set(event, listener);
    return this;
  }
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
  }
  loadURL(url: string) {
    this.loaded.push(url);
    this.webContents.url = url;
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return this.minimized;
  }
  restore() {
    this.minimized = false;
  }
  focus() {
    this.focused++;
  }
  isFocused() {
    return false;
  }
  emitOnce(event: string) {
    this.onceListeners.get(event)?.();
  }
  show() {
    this.shown = true;
  }
}

export function fakeElectron(): { electron: WindowElectron; opened: string[] } {
  const opened: string[] = [];
  const electron = {
    BrowserWindow: FakeBrowserWindow,
    shell: {
      openExternal: (url: string) => {
        opened.push(url);
        return Promise.resolve();
      },
    },
  };
  // The fakes implement only what the factory calls; the cast is confined to this one spot.
  return { electron: electron as unknown as WindowElectron, opened };
}
