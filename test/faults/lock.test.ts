/**
 * Case 5: the data-folder lock with real processes. The lock is held by the OS for a live process
 * and dropped when it dies: a live holder is respected and named; a SIGKILLed one frees the folder
 * at once, with no stale-lock timeout; and a lock file left behind never decides anything, even when
 * its pid now belongs to a live unrelated process or it names another host. (The race between
 * openers is lock-race.test.ts.)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { spawnChildCore } from './support/faults';
import { spawnLockChild } from './support/lock-children';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'entryflow-lock-'));
  roots.push(d);
  return d;
};

/** On Windows the holder's share-nothing handle refuses every reader of the lock file, by design. */
const readable = process.platform !== 'win32';
const writeLock = (dir: string, pid: number, host = hostname()) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host, since: new Date().toISOString() }));
const lockPid = (dir: string) => (JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number }).pid;
const lockedBy = (dir: string, pid: number): unknown =>
  expect.objectContaining({
    code: 'DATA_DIR_LOCKED',
    message: expect.stringMatching(new RegExp(`${dir.replace(/[\\^$.*+?()[\]{}|]/g, '\\$&')}.*${readable ? `pid ${pid}` : 'another Entryflow process'}.*close the other`, 'is')) as unknown,
  });

describe('data-folder lock with real processes', () => {
  it('respects a live holder process and names it, then takes over at once after it is SIGKILLed', async () => {
    const dir = newDir();
    const holder = await spawnLockChild();
    try {
      expect(await holder.ask('won', 'hold', dir)).toBe('won');
      expect(() => acquireDataDirLock(dir)).toThrow(lockedBy(dir, holder.pid));
      if (readable) expect(lockPid(dir)).toBe(holder.pid);
    } finally {
      await holder.kill();
    }
    // The first attempt after the exit succeeds: no waiting for anything to time out.
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOverStale).toBe(true);
    if (readable) expect(lockPid(dir)).toBe(process.pid);
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('respects a live core in another process, then takes over after it is SIGKILLed', async () => {
    const root = newDir();
    const dataDir = join(root, 'data');
    const child = spawnChildCore('open', dataDir);
    try {
      await child.waitForLine((l) => l === 'opened', 'the child core to open', 120_000);
      expect(() => acquireDataDirLock(dataDir)).toThrow(lockedBy(dataDir, child.proc.pid as number));
    } finally {
      await child.kill();
    }
    const lock = acquireDataDirLock(dataDir);
    expect(lock.tookOverStale).toBe(true);
    lock.release();
  });

  it('a lock file naming a live unrelated process, on this host or another, locks nobody out', () => {
    // Our parent is alive and is not an Entryflow process holding the folder: the case of a pid
    // reused after a crash (fast on Windows) and of a host renamed since (macOS does that).
    const cases = [
      { pid: process.ppid, host: hostname() },
      { pid: process.ppid, host: `renamed-${hostname()}` },
      { pid: 1, host: 'another-host.local' },
    ];
    for (const c of cases) {
      const dir = newDir();
      writeLock(dir, c.pid, c.host);
      const lock = acquireDataDirLock(dir);
      expect(lock.tookOverStale).toBe(true);
      if (readable) expect(lockPid(dir)).toBe(process.pid);
      lock.release();
    }
  });

  it('takes over an empty or garbled lock file (a crash while writing it)', () => {
    const dir = newDir();
    writeFileSync(join(dir, LOCK_FILE), '');
    const a = acquireDataDirLock(dir);
    expect(a.tookOverStale).toBe(true);
    a.release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    const b = acquireDataDirLock(dir);
    expect(b.tookOverStale).toBe(true);
    if (readable) expect(lockPid(dir)).toBe(process.pid);
    b.release();
  });

  it('on release, removes only a lock file it wrote', () => {
    const dir = newDir();
    const lock = acquireDataDirLock(dir);
    if (readable) {
      writeLock(dir, 1);
      lock.release();
      expect(lockPid(dir)).toBe(1);
    } else {
      // Nobody can even write it while we hold it.
      expect(() => writeLock(dir, 1)).toThrow(expect.objectContaining({ code: 'EBUSY' }));
      lock.release();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    }
  });

  it('is held against this process too, and free again as soon as it is released', () => {
    const dir = newDir();
    const first = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(dir)).toThrow(lockedBy(dir, process.pid));
    first.release();
    first.release();
    const again = acquireDataDirLock(dir);
    expect(again.tookOverStale).toBe(false);
    again.release();
  });

  it('covers every spelling of one folder (a symlink to it)', () => {
    const root = newDir();
    const dir = join(root, 'data');
    const link = join(root, 'link');
    mkdirSync(dir);
    // A junction needs no privilege on Windows; elsewhere the type is ignored.
    symlinkSync(dir, link, 'junction');
    const lock = acquireDataDirLock(dir);
    expect(() => acquireDataDirLock(link)).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED' }));
    lock.release();
    acquireDataDirLock(link).release();
  });

  it('never keeps a process alive on its own', () => {
    const dir = newDir();
    const mod = pathToFileURL(join(import.meta.dirname, '..', '..', 'src', 'main', 'core', 'data-dir-lock.ts')).href;
    // Takes the lock and returns: the process must exit by itself, still holding it.
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', `const m = await import(${JSON.stringify(mod)}); m.acquireDataDirLock(${JSON.stringify(dir)}); console.log('held');`], {
      cwd: join(import.meta.dirname, '..', '..'),
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect({ status: r.status, signal: r.signal, out: r.stdout.trim(), err: r.stderr }).toEqual({ status: 0, signal: null, out: 'held', err: '' });
    // Exiting dropped it.
    acquireDataDirLock(dir).release();
  });
});
