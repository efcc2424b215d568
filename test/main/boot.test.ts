/**
 * Boots the real main entry (src/main/index.ts) in Node against a real core, with only Electron
 * faked: proves the boot order (handlers and window before the core has opened), that a call made
 * while the core opens waits for it, that a second launch focuses the window, that IPC reaches the
 * core through the sender check, and that quit closes the core (its data-dir lock is free
 * afterwards) before exiting 0.
 *
 * openCore is the real one behind a gate the test opens, so "the core has not opened yet" is a
 * state the test holds, not a race it hopes to win.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import type { Envelope } from '../../src/shared/contract';
import { openCore } from '../../src/main/core/index';
import { CHANGE_EVENT, CHANNELS, ipcChannelName } from '../../src/shared/channels';
import { FakeNotification, type FakeElectron } from './support/fake-electron-module';
import { FakeBrowserWindow } from './support/fake-window';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-'));
const dataDir = join(work, 'data');
process.env.ENTRYFLOW_DATA_DIR = dataDir;

const fake: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
const gate = vi.hoisted(() => {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
});

vi.mock('electron', async () => {
  const { createFakeElectron: create } = await import('./support/fake-electron-module');
  Object.assign(fake, create({ userData: join(work, 'profile'), appPath: root }));
  return fake.module;
});
vi.mock('electron-log/main', async () => {
  const { createFakeLog: create } = await import('./support/fake-electron-module');
  return { default: create() };
});
// The real core, opened only once the test lets it; the boot records when it asked and when it got it.
vi.mock('../../src/main/core/index', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/main/core/index')>();
  return {
    ...real,
    openCore: async (options: Parameters<typeof real.openCore>[0]) => {
      fake.steps.push('core:opening');
      await gate.opened;
      // One quick stage that fails titles starting "fail" at their first attempt, so a failure
      // notification can be clicked; the boot itself is main's own.
      const core = await real.openCore({
        ...options,
        maxAttempts: 1,
        pipeline: [{ name: 'fails "fail…" titles', run: ({ entry }) => (entry.title.startsWith('fail') ? Promise.reject(new Error('failed on purpose')) : Promise.resolve()) }],
      });
      fake.steps.push('core:open');
      return core;
    },
  };
});

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

const ours = () => ({ sender: { id: FakeBrowserWindow.created[0]?.webContents.id }, senderFrame: { url: 'app://entryflow/index.html', parent: null } });

describe('main process boot (Electron faked, core real)', () => {
  it('registers every handler and creates the window on our page before the core has opened', async () => {
    await import('../../src/main/index');
    expect(fake.module.protocol.registerSchemesAsPrivileged).toHaveBeenCalledOnce();
    expect(fake.steps).toEqual([]);
    fake.ready();
    await vi.waitFor(() => {
      expect(fake.steps).toContain('core:opening');
    });

    const ipcSteps = CHANNELS.map((c) => `ipc:${ipcChannelName(c)}`);
    // The window exists while the core is still opening (the gate is shut).
    expect(fake.steps).toEqual([...ipcSteps, 'protocol', 'window', 'core:opening']);
    expect(FakeBrowserWindow.created).toHaveLength(1);
    const window = FakeBrowserWindow.created[0];
    expect(window?.options.webPreferences?.preload).toBe(join(root, 'src', 'preload', 'index.cjs'));
    expect(window?.loaded).toEqual(['app://entryflow/index.html']);
  });

  it('brings the window forward when Entryflow is launched again, even while the core opens', () => {
    const window = FakeBrowserWindow.created[0];
    if (window === undefined) throw new Error('no window');
    window.minimized = true;
    fake.emitApp('second-instance', {}, [], root);
    expect(window.minimized).toBe(false);
    expect(window.shown).toBe(true);
    expect(window.focused).toBe(1);
  });

  it('holds a call the page makes while the core opens, and answers it from the core once open', async () => {
    const create = fake.ipcHandlers.get(ipcChannelName('entries:create'));
    let answer: Envelope<unknown> | undefined;
    const early = create?.(ours(), { title: 'booted' }).then((envelope) => (answer = envelope));
    // Give the handler every chance to answer early: it must not, the core is not open.
    await new Promise((r) => setImmediate(r));
    expect(answer).toBeUndefined();
    expect(fake.steps).not.toContain('core:open');

    gate.open();
    await early;
    expect(fake.steps.at(-1)).toBe('core:open');
    expect(answer).toMatchObject({ ok: true, data: { title: 'booted', status: 'CREATED' } });
    // The create reached the window as a change notice, on its webContents only.
    await vi.waitFor(() => {
      expect(FakeBrowserWindow.created[0]?.webContents.sent).toContainEqual({ channel: CHANGE_EVENT, payload: { entries: true, queue: false } });
    });
  });

  it('answers our window through the real core and refuses any other sender', async () => {
    const handler = fake.ipcHandlers.get(ipcChannelName('entries:create'));
    const invalid = await handler?.(ours(), { title: '' });
    expect(invalid).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });

    const stranger = { sender: { id: 999 }, senderFrame: { url: 'app://entryflow/index.html', parent: null } };
    expect(await handler?.(stranger, { title: 'nope' })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
  });

  it('a click on a failure notification brings the window forward and asks the page to show that entry', async () => {
    const window = FakeBrowserWindow.created[0];
    if (window === undefined) throw new Error('no window');
    const created = await fake.ipcHandlers.get(ipcChannelName('entries:create'))?.(ours(), { title: 'fail on purpose' });
    if (!created?.ok) throw new Error('create failed');
    const { id } = created.data as { id: string };
    // The fake window is never focused, so the failure is notified.
    const notice = await vi.waitFor(
      () => {
        const shown = FakeNotification.shown.find((n) => n.options.title.includes('fail on purpose'));
        if (!shown) throw new Error('no notification yet');
        return shown;
      },
      { timeout: 10_000 },
    );
    window.minimized = true;
    const focused = window.focused;
    notice.listeners.get('click')?.();
    expect([window.minimized, window.focused]).toEqual([false, focused + 1]);
    expect(window.webContents.sent.at(-1)).toEqual({ channel: CHANGE_EVENT, payload: { entries: true, queue: false, open: id } });

    const deleted = await fake.ipcHandlers.get(ipcChannelName('entries:delete'))?.(ours(), { id });
    expect(deleted).toMatchObject({ ok: true });
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
