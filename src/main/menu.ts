/**
 * The application menu as data. Actions are injected so the template is built and checked in Node;
 * index.ts hands the result to Menu.buildFromTemplate.
 */
import type { MenuItemConstructorOptions } from 'electron';

export interface MenuActions {
  about(): void;
  openDataFolder(): void;
  openLogFolder(): void;
  checkForUpdates(): void;
  /** The checkbox's new state; Electron flips `checked` before calling click. */
  setAutomaticUpdates(enabled: boolean): void;
}

export interface MenuState {
  /** Initial state of "Check for Updates Automatically" (settings.json updates.enabled). */
  automaticUpdates: boolean;
}

export function buildMenuTemplate(platform: NodeJS.Platform, appName: string, actions: MenuActions, state: MenuState): MenuItemConstructorOptions[] {
  const isMac = platform === 'darwin';
  const about: MenuItemConstructorOptions = { label: `About ${appName}`, click: () => { actions.about(); } };
  const updates: MenuItemConstructorOptions[] = [
    { label: 'Check for Updates…', click: () => { actions.checkForUpdates(); } },
    {
      label: 'Check for Updates Automatically',
      type: 'checkbox',
      checked: state.automaticUpdates,
      click: (item) => { actions.setAutomaticUpdates(item.checked); },
    },
  ];
  const folders: MenuItemConstructorOptions[] = [
    { label: 'Open Data Folder', click: () => { actions.openDataFolder(); } },
    { label: 'Open Log Folder', click: () => { actions.openLogFolder(); } },
  ];

  if (!isMac) {
    return [
      { label: '&File', submenu: [...folders, { type: 'separator' }, { role: 'quit', label: 'Quit' }] },
      { label: '&Help', submenu: [...updates, { type: 'separator' }, about] },
    ];
  }
  // macOS expects the app menu first and Edit/View so copy, paste and reload work as everywhere else.
  return [
    {
      label: appName,
      submenu: [about, ...updates, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, { role: 'quit' }],
    },
    { label: 'File', submenu: [...folders, { type: 'separator' }, { role: 'close' }] },
    { role: 'editMenu' },
    { role: 'viewMenu' },
    { role: 'windowMenu' },
  ];
}

export interface AboutInfo {
  appName: string;
  version: string;
  dataDir: string;
  logDir: string;
  databaseUrl: string | undefined;
}

/** Never shows a database password: only the host and database of a shared Postgres. */
export function aboutDetail(info: AboutInfo): string {
  const lines = [`Version ${info.version}`, `Data folder: ${info.dataDir}`, `Log folder: ${info.logDir}`];
  if (info.databaseUrl !== undefined) lines.push(`Database: ${redactDatabaseUrl(info.databaseUrl)}`);
  return lines.join('\n');
}

export function redactDatabaseUrl(databaseUrl: string): string {
  try {
    const url = new URL(databaseUrl);
    return `${url.protocol}//${url.host}${url.pathname}`;
  } catch {
    return '(unparsable database URL)';
  }
}
