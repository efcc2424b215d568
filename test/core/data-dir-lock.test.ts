import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/main/core/index';
import { LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { freshDataDir, ok, openTestCore, track } from '../support/core';

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
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    await ok(core.invoke('entries:create', { title: 'after takeover' }));
  });

  it('respects a lock held by a live process and names it', async () => {
    const dir = freshDataDir();
    // pid 1 is always alive.
    writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: 1, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
    await expect(openCore({ dataDir: dir })).rejects.toMatchObject({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining('pid 1') as unknown });
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 1 });
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
