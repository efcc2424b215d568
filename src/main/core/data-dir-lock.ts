/**
 * One process per data dir. PGlite takes no cross-process lock, and two processes writing one data
 * dir corrupt it silently, so opening takes an exclusive lock file beside (not inside) the PGlite files.
 *
 * A lock whose pid is no longer alive on this host is stale (the app was killed) and is taken over.
 * A lock held by a live pid, including our own process, is respected.
 */
import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { CoreError } from './errors';

export const LOCK_FILE = 'entryflow.lock';

interface LockOwner {
  pid: number;
  host: string;
  since: string;
}

export interface DataDirLock {
  readonly path: string;
  /** True when the lock was taken over from a dead process: its entries' locks are ours to release. */
  readonly tookOverStale: boolean;
  release(): void;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the pid exists but belongs to someone else, so it is alive.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readOwner(path: string): LockOwner | null {
  try {
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'pid' in parsed && typeof parsed.pid === 'number') {
      const p = parsed as Partial<LockOwner>;
      return { pid: parsed.pid, host: typeof p.host === 'string' ? p.host : '', since: typeof p.since === 'string' ? p.since : '' };
    }
    return null;
  } catch {
    return null;
  }
}

function tryCreate(path: string): boolean {
  try {
    const fd = openSync(path, 'wx');
    try {
      const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
      writeSync(fd, JSON.stringify(owner));
    } finally {
      closeSync(fd);
    }
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  let tookOverStale = false;
  for (let attempt = 0; attempt < 3; attempt++) {
    if (tryCreate(path)) {
      let released = false;
      return {
        path,
        tookOverStale,
        release() {
          if (released) return;
          released = true;
          // Only remove the file if it is still ours (never delete a successor's lock).
          if (readOwner(path)?.pid === process.pid) {
            try {
              unlinkSync(path);
            } catch {
              /* already gone */
            }
          }
        },
      };
    }
    const owner = readOwner(path);
    const stale = owner === null ? false : owner.host === hostname() && !isAlive(owner.pid);
    if (owner === null) {
      // Unreadable: maybe a writer is mid-write; give it a moment before judging it.
      const again = readOwner(path);
      if (again !== null) continue;
    }
    if (!stale && owner !== null) {
      throw new CoreError(
        'DATA_DIR_LOCKED',
        `The data folder ${dataDir} is in use by another Entryflow process (pid ${owner.pid} on ${owner.host}, since ${owner.since}). ` +
          'Close the other window or process, or choose another data folder.',
      );
    }
    // A dead owner, or a lock file with no readable owner: take it over.
    try {
      unlinkSync(path);
    } catch {
      /* someone else took it over first; the next tryCreate decides */
    }
    tookOverStale = true;
  }
  throw new CoreError('DATA_DIR_LOCKED', `Could not lock the data folder ${dataDir}: another process keeps taking the lock.`);
}
