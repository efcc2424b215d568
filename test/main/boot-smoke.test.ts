/**
 * Smoke mode (ENTRYFLOW_SMOKE_TEST=1) booted in Node with Electron faked and the core real: once the
 * page has loaded and the core has opened, the app creates an entry, reloads the page, and passes
 * only when the page has been answered a list holding that entry through the real IPC handler.
 * Then one JSON line, exit 0, no update check and no dialog. release.yml runs the same mode in the
 * packaged app on macOS and Windows (scripts/smoke-packaged.ts).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openCore } from '../../src/main/core/index';
import { ipcChannelName } from '../../src/shared/channels';
import type { SmokeResult } from '../../src/main/smoke';
import type { FakeElectron } from './support/fake-electron-module';
import { FakeBrowserWindow } from './support/fake-window';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-smoke-'));
const dataDir = join(work, 'data');
const resultFile = join(work, 'smoke.json');
process.env.ENTRYFLOW_DATA_DIR = dataDir;
process.env.ENTRYFLOW_SMOKE_TEST = '1';
process.env.ENTRYFLOW_SMOKE_RESULT = resultFile;

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

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('smoke mode (Electron faked, core real)', () => {
  it('passes only after the page has been sent the entry it created, then exits 0', async () => {
    const stdout = vi.spyOn(process.stdout, 'write');
    await import('../../src/main/index');
    fake.ready();
    await vi.waitFor(() => {
      expect(FakeBrowserWindow.created).toHaveLength(1);
    });
    const window = FakeBrowserWindow.created[0];
    if (window === undefined) throw new Error('no window');
    const list = fake.ipcHandlers.get(ipcChannelName('entries:list'));
    const ours = { sender: { id: window.webContents.id }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };

    // The page loads; the smoke then creates its entry and reloads the page.
    window.webContents.emit('did-finish-load');
    await vi.waitFor(() => {
      expect(window.webContents.reloads).toBe(1);
    }, 30_000);
    // Not passed yet: the page has not been answered a list holding the entry.
    expect(existsSync(resultFile)).toBe(false);
    expect(fake.module.app.exit).not.toHaveBeenCalled();

    // The reloaded page lists the entries, as its first render does.
    expect(await list?.(ours, {})).toMatchObject({ ok: true, data: { items: [{ title: expect.stringMatching(/^Smoke test /) as unknown }] } });
    expect(await fake.exited).toBe(0);

    const line = readFileSync(resultFile, 'utf8').trim();
    const result = JSON.parse(line) as SmokeResult;
    expect(result).toMatchObject({ smoke: 'passed', step: 'page', platform: process.platform, version: '0.0.0-test' });
    expect(stdout).toHaveBeenCalledWith(`${line}\n`);
    expect(fake.module.dialog.showMessageBox).not.toHaveBeenCalled();

    // The entry the smoke created is in the data folder, and the folder was released at exit.
    const again = await openCore({ dataDir, workers: 0 });
    const listed = await again.invoke('entries:list', {});
    await again.close();
    expect(listed).toMatchObject({ ok: true, data: { items: [{ id: result.entryId }] } });
  });
});
