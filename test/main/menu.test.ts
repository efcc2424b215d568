import type { MenuItemConstructorOptions } from 'electron';
import { describe, expect, it, vi } from 'vitest';
import { aboutDetail, buildMenuTemplate, redactDatabaseUrl } from '../../src/main/menu';

function flatten(items: MenuItemConstructorOptions[]): MenuItemConstructorOptions[] {
  return items.flatMap((item) => [item, ...(Array.isArray(item.submenu) ? flatten(item.submenu) : [])]);
}

const actions = () => ({
  about: vi.fn(),
  openDataFolder: vi.fn(),
  openLogFolder: vi.fn(),
  checkForUpdates: vi.fn(),
  setAutomaticUpdates: vi.fn<(enabled: boolean) => void>(),
});
const state = { automaticUpdates: true };

describe('application menu', () => {
  it.each(['linux', 'win32', 'darwin'] as const)('on %s has About, Open Data Folder and Quit wired to actions', (platform) => {
    const a = actions();
    const items = flatten(buildMenuTemplate(platform, 'Entryflow', a, state));
    const byLabel = (label: string) => items.find((i) => i.label === label);
    byLabel('About Entryflow')?.click?.(undefined as never, undefined, undefined as never);
    byLabel('Open Data Folder')?.click?.(undefined as never, undefined, undefined as never);
    byLabel('Open Log Folder')?.click?.(undefined as never, undefined, undefined as never);
    expect(a.about).toHaveBeenCalledOnce();
    expect(a.openDataFolder).toHaveBeenCalledOnce();
    expect(a.openLogFolder).toHaveBeenCalledOnce();
    expect(items.some((i) => i.role === 'quit')).toBe(true);
  });

  it.each(['linux', 'win32', 'darwin'] as const)('on %s offers Check for Updates… and a checkbox that reports its new state', (platform) => {
    const a = actions();
    for (const automaticUpdates of [true, false]) {
      const items = flatten(buildMenuTemplate(platform, 'Entryflow', a, { automaticUpdates }));
      const check = items.find((i) => i.label === 'Check for Updates…');
      const toggle = items.find((i) => i.label === 'Check for Updates Automatically');
      expect(toggle).toMatchObject({ type: 'checkbox', checked: automaticUpdates });
      check?.click?.(undefined as never, undefined, undefined as never);
      // Electron flips the checkbox before it calls click; the action receives the new state.
      toggle?.click?.({ checked: !automaticUpdates } as never, undefined, undefined as never);
    }
    expect(a.checkForUpdates).toHaveBeenCalledTimes(2);
    expect(a.setAutomaticUpdates.mock.calls).toEqual([[false], [true]]);
  });

  it('gives macOS the app menu first and the standard Edit and View menus', () => {
    const template = buildMenuTemplate('darwin', 'Entryflow', actions(), state);
    expect(template[0]?.label).toBe('Entryflow');
    expect(template.map((i) => i.role)).toEqual(expect.arrayContaining(['editMenu', 'viewMenu']));
  });

  it('does not offer View (and its dev tools / reload) outside macOS', () => {
    expect(buildMenuTemplate('linux', 'Entryflow', actions(), state).some((i) => i.role === 'viewMenu')).toBe(false);
  });
});

describe('about text', () => {
  it('names version, data folder and log folder', () => {
    const text = aboutDetail({ appName: 'Entryflow', version: '1.2.3', dataDir: '/d', logDir: '/l', databaseUrl: undefined });
    expect(text).toContain('1.2.3');
    expect(text).toContain('Data folder: /d');
    expect(text).toContain('Log folder: /l');
  });

  it('never shows a database password', () => {
    expect(redactDatabaseUrl('postgres://user:s3cret@db.local:5432/entryflow')).toBe('postgres://db.local:5432/entryflow');
    const text = aboutDetail({ appName: 'E', version: '1', dataDir: '/d', logDir: '/l', databaseUrl: 'postgres://u:s3cret@h/db' });
    expect(text).not.toContain('s3cret');
  });
});
