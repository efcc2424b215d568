/**
 * Case 5: the data-folder lock with real processes. A lock naming a pid that has exited is taken
 * over; a lock held by a live process (a real child holding it) is respected and named.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { acquireDataDirLock, LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { spawnChildCore } from './support/faults';

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});
const newDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'entryflow-lock-'));
  roots.push(d);
  return d;
};

/** A real process that stays alive until killed; resolves once it runs. */
async function liveProcess() {
  const proc = spawn(process.execPath, ['-e', 'process.stdout.write("up"); setInterval(() => {}, 1000)'], { stdio: ['ignore', 'pipe', 'ignore'] });
  await new Promise<void>((r) => proc.stdout.once('data', () => r()));
  return {
    pid: proc.pid as number,
    async kill() {
      proc.kill('SIGKILL');
      if (proc.exitCode === null && proc.signalCode === null) await new Promise((r) => proc.once('exit', r));
    },
  };
}
const writeLock = (dir: string, pid: number) => writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid, host: hostname(), since: new Date().toISOString() }));

describe('data-folder lock with real processes', () => {
  it('respects a live holder, then takes over once it is killed', async () => {
    const dir = newDir();
    const holder = await liveProcess();
    writeLock(dir, holder.pid);
    expect(() => acquireDataDirLock(dir)).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`pid ${holder.pid}`) as unknown }));
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: holder.pid });
    await holder.kill();
    const lock = acquireDataDirLock(dir);
    expect(lock.tookOverStale).toBe(true);
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid });
    lock.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('respects a live core in another process, then takes over after it is SIGKILLed', async () => {
    const root = newDir();
    const dataDir = join(root, 'data');
    const child = spawnChildCore('open', dataDir);
    try {
      await child.waitForLine((l) => l === 'opened', 'the child core to open', 120_000);
      expect(() => acquireDataDirLock(dataDir)).toThrow(expect.objectContaining({ code: 'DATA_DIR_LOCKED', message: expect.stringContaining(`pid ${child.proc.pid}`) as unknown }));
    } finally {
      await child.kill();
    }
    const lock = acquireDataDirLock(dataDir);
    expect(lock.tookOverStale).toBe(true);
    lock.release();
  });

  it('takes over an empty or garbled lock file (a crash between create and write)', () => {
    const dir = newDir();
    writeFileSync(join(dir, LOCK_FILE), '');
    const a = acquireDataDirLock(dir);
    expect(a.tookOverStale).toBe(true);
    a.release();
    writeFileSync(join(dir, LOCK_FILE), '{"pid":');
    const b = acquireDataDirLock(dir);
    expect(b.tookOverStale).toBe(true);
    b.release();
  });

  it('never removes a successor lock on release', () => {
    const dir = newDir();
    const lock = acquireDataDirLock(dir);
    writeLock(dir, 1);
    lock.release();
    expect(JSON.parse(readFileSync(join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: 1 });
  });
});
