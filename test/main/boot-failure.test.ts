/**
 * A core that cannot open must produce a dialog naming the reason and the data folder, and a
 * non-zero exit: never a silent exit or a blank window. Here the data folder is locked by another
 * open core, exactly as when a second Entryflow process already works it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import type { FakeElectron } from './support/fake-electron-module';
import { FakeBrowserWindow } from './support/fake-window';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-fail-'));
const dataDir = join(work, 'data');
process.env.ENTRYFLOW_DATA_DIR = dataDir;

const fake: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./support/fake-electron-module');
  Object.assign(fake, createFakeElectron({ userData: join(work, 'profile'), appPath: root }));
  return fake.module;
});
vi.mock('electron-log/main', async () => {
  const { createFakeLog } = await import('./support/fake-electron-module');
  return { default: createFakeLog() };
});

let holder: Core | undefined;
afterAll(async () => {
  await holder?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('main process boot when the core cannot open', () => {
  it('shows the reason and the data folder, opens no window, and exits 1', async () => {
    holder = await openCore({ dataDir, workers: 0 });
    await import('../../src/main/index');
    fake.ready();
    expect(await fake.exited).toBe(1);

    expect(fake.module.dialog.showMessageBox).toHaveBeenCalledOnce();
    const [options] = fake.module.dialog.showMessageBox.mock.calls[0] as unknown as [{ type: string; detail: string }];
    expect(options.type).toBe('error');
    expect(options.detail).toContain('DATA_DIR_LOCKED');
    expect(options.detail).toContain(dataDir);
    expect(FakeBrowserWindow.created).toHaveLength(0);
    expect(fake.ipcHandlers.size).toBe(0);
  });
});
