/**
 * macOS and Linux: powerMonitor 'shutdown' (shut down, restart, log-off). The core is closed at once
 * and Electron's quit is never held: on macOS a held before-quit cancels the log-off.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from './support/fake-electron-module';
import { bootAndWaitForCore, expectSessionEndHandled } from './support/session-end';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-shutdown-'));
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

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

describe('main process when the system shuts down (powerMonitor shutdown)', () => {
  it('closes the core without ever holding the quit, and exits 0', async () => {
    await bootAndWaitForCore(fake);
    fake.emitPower('shutdown');
    expect(fake.module.app.exit).not.toHaveBeenCalled();
    await expectSessionEndHandled(fake, dataDir);
  });
});
