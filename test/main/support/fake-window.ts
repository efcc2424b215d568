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

export interface NavEvent {
  url: string;
  isSameDocument: boolean;
  isMainFrame: boolean;
  prevented: boolean;
  preventDefault(): void;
}

export function navEvent(url: string, over: Partial<Pick<NavEvent, 'isSameDocument' | 'isMainFrame'>> = {}): NavEvent {
  return {
    url,
    isSameDocument: over.isSameDocument ?? false,
    isMainFrame: over.isMainFrame ?? true,
    prevented: false,
    preventDefault() {
      this.prevented = true;
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
  readonly listeners = new Map<string, Listener[]>();
  windowOpenHandler: ((details: { url: string }) => { action: string }) | null = null;
  on(event: string, listener: Listener) {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }
  emit(event: string, ...args: unknown[]) {
    for (const listener of this.listeners.get(event) ?? []) listener(...args);
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
  loaded: string[] = [];
  private readonly onceListeners = new Map<string, Listener>();
  private readonly listeners = new Map<string, Listener>();
  constructor(readonly options: BrowserWindowConstructorOptions) {
    FakeBrowserWindow.created.push(this);
    FakeBrowserWindow.onCreate?.();
  }
  once(event: string, listener: Listener) {
    this.onceListeners.set(event, listener);
    return this;
  }
  on(event: string, listener: Listener) {
    this.listeners.set(event, listener);
    return this;
  }
  loadURL(url: string) {
    this.loaded.push(url);
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
  isMinimized() {
    return false;
  }
  restore() {}
  focus() {}
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
