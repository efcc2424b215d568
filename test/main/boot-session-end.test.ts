/**
 * Windows: the window's 'session-end' (shut down, restart, log-off). before-quit never fires there,
 * so this is the only chance to close the core; nothing here may hold the OS up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { FakeElectron } from './support/fake-electron-module';
import { bootAndWaitForCore, expectSessionEndHandled } from './support/session-end';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-session-end-'));
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

describe('main process when Windows ends the session (session-end)', () => {
  it('closes the core without ever holding the quit, and exits 0', async () => {
    const window = await bootAndWaitForCore(fake);
    window.emit('session-end', { reasons: ['logoff'], preventDefault: vi.fn() });
    expect(fake.module.app.exit).not.toHaveBeenCalled();
    await expectSessionEndHandled(fake, dataDir);
  });
});
