import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/main/core/index';
import { LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { freshDataDir, ok, openTestCore, track } from '../support/core';
import { spawnLockChild } from '../faults/support/lock-children';

/** On Windows the holder's share-nothing handle refuses every reader of the lock file, by design. */
const readable = process.platform !== 'win32';

describe('one process per data dir', () => {
  it('refuses a second opener with DATA_DIR_LOCKED while the first works on', async () => {
    const first = await openTestCore({ workers: 1 });
    await expect(openCore({ dataDir: first.dataDir, workers: 0 })).rejects.toMatchObject({
      code: 'DATA_DIR_LOCKED',
      message: expect.stringContaining(first.dataDir) as unknown,
    });
    const e = await ok(first.invoke('entries:create', { title: 'still working' }));
    const list = await ok(first.invoke('entries:list', {}));
    expect(list.items.map((x) => x.id)).toContain(e.id);
    await first.close();
    expect(existsSync(join(first.dataDir, LOCK_FILE))).toBe(false);
    // After a clean close the folder opens again.
    const again = track(await openCore({ dataDir: first.dataDir, workers: 0 }));
    expect((await ok(again.invoke('entries:get', { id: e.id }))).title).toBe('still working');
  });

  it('takes over a stale lock file left by a dead process', async () => {
    const dir = freshDataDir();
    const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    const deadPid = Number(child.stdout.toString());
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: deadPid, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
    const core = await openTestCore({ dataDir: dir });
    if (readable) expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await ok(core.invoke('entries:create', { title: 'after takeover' }));
  });

  it('opens over a lock file naming a live process that does not hold the lock (a reused pid, a renamed host)', async () => {
    // Our parent is alive and holds nothing here; pid 1 is alive on Unix. Only the OS lock decides.
    for (const owner of [{ pid: process.ppid, host: hostname() }, { pid: 1, host: 'another-host.local' }]) {
      const dir = freshDataDir();
      writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ ...owner, since: '2020-01-01T00:00:00.000Z' }));
      const core = await openTestCore({ dataDir: dir });
      await ok(core.invoke('entries:create', { title: 'not locked out' }));
      await core.close();
    }
  });

  it('refuses while another live process holds the lock, and names it', async () => {
    const dir = freshDataDir();
    const holder = await spawnLockChild();
    try {
      expect(await holder.ask('won', 'hold', dir)).toBe('won');
      const err: unknown = await openCore({ dataDir: dir, workers: 0 }).then(
        async (core) => {
          await core.close();
          return new Error('opened a folder another process holds');
        },
        (e: unknown) => e,
      );
      expect(err).toMatchObject({ code: 'DATA_DIR_LOCKED' });
      const { message } = err as Error;
      expect(message).toContain(dir);
      expect(message).toContain(readable ? `pid ${holder.pid}` : 'another Entryflow process');
      expect(message).toMatch(/close the other/i);
    } finally {
      await holder.kill();
    }
  });

  it('refuses a non-empty folder that is not an Entryflow database, changing nothing', async () => {
    const dir = join(freshDataDir(), '..', 'foreign');
    mkdirSync(join(dir, 'pgdata'), { recursive: true });
    writeFileSync(join(dir, 'pgdata', 'notes.txt'), 'my thesis');
    await expect(openCore({ dataDir: dir })).rejects.toMatchObject({ code: 'DATA_DIR_UNUSABLE' });
    expect(readFileSync(join(dir, 'pgdata', 'notes.txt'), 'utf8')).toBe('my thesis');
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });
});
