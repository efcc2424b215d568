/**
 * A core that cannot open must produce a dialog naming the reason and the data folder, and a
 * non-zero exit: never a silent exit or a blank window. The window is already up by then (it opens
 * while the core does), so its calls must say why nothing works. Here the data folder is locked by
 * another open core, exactly as when a second Entryflow process already works it.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import { ipcChannelName } from '../../src/shared/channels';
import type { Envelope } from '../../src/shared/contract';
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
  it('shows the reason and the data folder, tells the open window why, and exits 1', async () => {
    holder = await openCore({ dataDir, workers: 0 });
    await import('../../src/main/index');
    // While the dialog is up, the window (already open) polls: its calls must name the reason.
    let whileDialogOpen: Promise<Envelope<unknown> | undefined> | undefined;
    fake.module.dialog.showMessageBox.mockImplementationOnce(() => {
      const window = FakeBrowserWindow.created[0];
      const ours = { sender: { id: window?.webContents.id }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };
      whileDialogOpen = fake.ipcHandlers.get(ipcChannelName('entries:list'))?.(ours, {});
      return Promise.resolve({ response: 0, checkboxChecked: false });
    });
    fake.ready();
    expect(await fake.exited).toBe(1);

    expect(fake.module.dialog.showMessageBox).toHaveBeenCalledOnce();
    const [options] = fake.module.dialog.showMessageBox.mock.calls[0] as unknown as [{ type: string; detail: string }];
    expect(options.type).toBe('error');
    expect(options.detail).toContain('DATA_DIR_LOCKED');
    expect(options.detail).toContain(dataDir);

    expect(FakeBrowserWindow.created).toHaveLength(1);
    const answer = await whileDialogOpen;
    expect(answer).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(answer !== undefined && !answer.ok && answer.error.message).toContain('DATA_DIR_LOCKED');
  });
});
