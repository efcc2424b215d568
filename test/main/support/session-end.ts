/**
 * The shared body of the two OS-session-end boot tests (macOS/Linux powerMonitor 'shutdown',
 * Windows 'session-end'): boot the real main entry with a real core, let the OS end the session,
 * and check that Electron's quit is never held from then on and that the core is closed (its data
 * folder lock released) before the exit.
 */
import { expect, vi } from 'vitest';
import { openCore } from '../../../src/main/core/index';
import { ipcChannelName } from '../../../src/shared/channels';
import type { FakeElectron } from './fake-electron-module';
import { FakeBrowserWindow } from './fake-window';

export async function bootAndWaitForCore(fake: FakeElectron): Promise<FakeBrowserWindow> {
  await import('../../../src/main/index');
  fake.ready();
  await vi.waitFor(() => {
    expect(FakeBrowserWindow.created).toHaveLength(1);
  });
  const window = FakeBrowserWindow.created[0];
  if (window === undefined) throw new Error('no window');
  // Waits for the core to open: stats, not the list (on a first launch the opening core answers the
  // list's first page itself, before it is open) and not a create (no stage in flight at the close).
  const stats = fake.ipcHandlers.get(ipcChannelName('entries:stats'));
  const ours = { sender: { id: window.webContents.id }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };
  expect(await stats?.(ours, {})).toMatchObject({ ok: true });
  return window;
}

export async function expectSessionEndHandled(fake: FakeElectron, dataDir: string): Promise<void> {
  // The OS's own quit that follows (macOS before-quit during a log-off) must go through.
  const beforeQuit = { preventDefault: vi.fn() };
  fake.emitApp('before-quit', beforeQuit);
  expect(beforeQuit.preventDefault).not.toHaveBeenCalled();

  expect(await fake.exited).toBe(0);
  // Only possible once the core has closed PGlite and released the folder lock.
  const again = await openCore({ dataDir, workers: 0 });
  await again.close();
}
