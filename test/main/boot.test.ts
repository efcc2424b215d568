/**
 * Boots the real main entry (src/main/index.ts) in Node against a real core, with only Electron
 * faked: proves the boot order, that IPC reaches the core through the sender check, and that quit
 * closes the core (its data-dir lock is free afterwards) before exiting 0.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openCore } from '../../src/main/core/index';
import { CHANNELS, ipcChannelName } from '../../src/shared/channels';
import type { FakeElectron } from './support/fake-electron-module';
import { FakeBrowserWindow } from './support/fake-window';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-'));
const dataDir = join(work, 'data');
process.env.ENTRYFLOW_DATA_DIR = dataDir;

const fake: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { createFakeElectron: create } = await import('./support/fake-electron-module');
  Object.assign(fake, create({ userData: join(work, 'profile'), appPath: root }));
  return fake.module;
});
vi.mock('electron-log/main', async () => {
  const { createFakeLog: create } = await import('./support/fake-electron-module');
  return { default: create() };
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('main process boot (Electron faked, core real)', () => {
  it('opens the core, registers every handler, then creates the window on our page with the CJS preload', async () => {
    await import('../../src/main/index');
    expect(fake.module.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();
    expect(fake.steps).toEqual([]);
    fake.ready();
    await vi.waitFor(() => {
      expect(FakeBrowserWindow.created).toHaveLength(1);
    }, 30_000);

    const ipcSteps = CHANNELS.map((c) => `ipc:${ipcChannelName(c)}`);
    expect(fake.steps).toEqual([...ipcSteps, 'protocol', 'window']);
    const window = FakeBrowserWindow.created[0];
    expect(window?.options.webPreferences?.preload).toBe(join(root, 'src', 'preload', 'index.cjs'));
    expect(window?.loaded).toEqual(['app://entryflow/index.html']);
  });

  it('answers our window through the real core and refuses any other sender', async () => {
    const window = FakeBrowserWindow.created[0];
    const handler = fake.ipcHandlers.get(ipcChannelName('entries:create'));
    const ours = { sender: { id: window?.webContents.id }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };
    const created = await handler?.(ours, { title: 'booted' });
    expect(created).toMatchObject({ ok: true, data: { title: 'booted', status: 'CREATED' } });

    const invalid = await handler?.(ours, { title: '' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const stranger = { sender: { id: 999 }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };
    expect(await handler?.(stranger, { title: 'nope' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('on quit closes the core before exiting 0, and releases the data folder', async () => {
    const event = { preventDefault: vi.fn() };
    fake.emitApp('before-quit', event);
    expect(event.preventDefault).toHaveBeenCalledOnce();
    expect(await fake.exited).toBe(0);

    // Only possible if the first core released its lock and closed PGlite.
    const again = await openCore({ dataDir, workers: 0 });
    const list = await again.invoke('entries:list', {});
    await again.close();
    expect(list).toMatchObject({ ok: true, data: { items: [{ title: 'booted' }] } });
  });
});
