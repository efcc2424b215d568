/**
 * A fake `electron` module for booting src/main/index.ts in plain Node: records what main does at
 * the Electron edge (handlers, listeners, dialogs, exit) and lets the test fire app events. The
 * core behind it is real.
 */
import { vi } from 'vitest';
import type { Envelope } from '../../../src/shared/contract';
import { FakeBrowserWindow } from './fake-window';

type Listener = (...args: unknown[]) => unknown;
type IpcHandler = (event: unknown, payload: unknown) => Promise<Envelope<unknown>>;

/** Electron's main-process Notification: records what was shown. */
export class FakeNotification {
  static shown: FakeNotification[] = [];
  static isSupported() {
    return true;
  }
  readonly listeners = new Map<string, Listener>();
  constructor(readonly options: { title: string; body: string }) {}
  on(event: string, listener: Listener) {
    this.listeners.set(event, listener);
    return this;
  }
  show() {
    FakeNotification.shown.push(this);
  }
}

export function createFakeElectron(options: { userData: string; appPath: string }) {
  const steps: string[] = [];
  const appListeners = new Map<string, Listener[]>();
  const powerListeners = new Map<string, Listener[]>();
  const ipcHandlers = new Map<string, IpcHandler>();
  let resolveExit: (code: number) => void = () => undefined;
  const exited = new Promise<number>((resolve) => {
    resolveExit = resolve;
  });
  let ready: () => void = () => undefined;
  const readyPromise = new Promise<void>((resolve) => {
    ready = resolve;
  });

  FakeBrowserWindow.created = [];
  FakeBrowserWindow.onCreate = () => steps.push('window');

  const app = {
    isPackaged: false,
    getPath: (name: string) => {
      if (name !== 'userData') throw new Error(`unexpected getPath(${name})`);
      return options.userData;
    },
    setPath: vi.fn<Listener>(),
    getAppPath: () => options.appPath,
    getVersion: () => '0.0.0-test',
    getName: () => 'Entryflow',
    isReady: () => true,
    requestSingleInstanceLock: vi.fn(() => true),
    whenReady: () => readyPromise,
    on: (event: string, listener: Listener) => {
      appListeners.set(event, [...(appListeners.get(event) ?? []), listener]);
      return app;
    },
    quit: vi.fn<Listener>(),
    relaunch: vi.fn<Listener>(),
    exit: vi.fn((code: number) => {
      resolveExit(code);
    }),
  };

  const module = {
    app,
    BrowserWindow: FakeBrowserWindow,
    ipcMain: {
      handle: (channel: string, handler: IpcHandler) => {
        steps.push(`ipc:${channel}`);
        ipcHandlers.set(channel, handler);
      },
      removeHandler: (channel: string) => ipcHandlers.delete(channel),
    },
    protocol: {
      registerSchemesAsPrivileged: vi.fn<Listener>(),
      handle: vi.fn(() => steps.push('protocol')),
    },
    powerMonitor: {
      on: (event: string, listener: Listener) => {
        powerListeners.set(event, [...(powerListeners.get(event) ?? []), listener]);
      },
    },
    Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: vi.fn<Listener>() },
    net: { fetch: vi.fn<Listener>() },
    shell: { openPath: vi.fn(() => Promise.resolve('')), openExternal: vi.fn(() => Promise.resolve()) },
    dialog: {
      showMessageBox: vi.fn(() => Promise.resolve({ response: 0, checkboxChecked: false })),
      showErrorBox: vi.fn<Listener>(),
      showSaveDialog: vi.fn(() => Promise.resolve({ canceled: true, filePath: '' })),
    },
    Notification: FakeNotification,
  };

  return {
    module,
    steps,
    ipcHandlers,
    exited,
    ready,
    emitApp(event: string, ...args: unknown[]) {
      for (const listener of appListeners.get(event) ?? []) listener(...args);
    },
    /** powerMonitor's events ('shutdown', 'suspend', 'resume'); Electron 45 types their listeners with no arguments. */
    emitPower(event: string) {
      for (const listener of powerListeners.get(event) ?? []) listener();
    },
    powerListeners,
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** A stand-in for electron-log/main: the real one requires the Electron binary. */
export function createFakeLog() {
  const file = { resolvePathFn: (): string => '', maxSize: 0, level: 'info' as string | false };
  return {
    transports: { file, console: { level: 'debug' as string | false } },
    debug: vi.fn<Listener>(),
    info: vi.fn<Listener>(),
    warn: vi.fn<Listener>(),
    error: vi.fn<Listener>(),
  };
}
