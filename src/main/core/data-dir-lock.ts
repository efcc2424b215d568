/**
 * One process per data dir. PGlite takes no cross-process lock, and two processes writing one data
 * dir corrupt it silently, so opening takes an exclusive lock first.
 *
 * The lock is a primitive the OS holds for the process and drops when the process dies, however it
 * dies. A crash therefore never locks the user out, and no guess about a pid or a host name (pids
 * are reused, hosts are renamed) decides anything. A lock file with create/check/unlink steps cannot
 * do this: two openers that both judge a lock stale both "take it over".
 *
 *   Linux          listen on an abstract-namespace Unix socket named from the folder's dev:ino. The
 *                  kernel binds atomically; a second binder gets EADDRINUSE. Caveat: the abstract
 *                  namespace is per network namespace (containers sharing a volume do not see it).
 *   macOS / BSD    open the lock file with O_EXLOCK|O_NONBLOCK: open(2) takes flock() atomically and
 *                  fails EWOULDBLOCK while another open file holds it.
 *   Windows        open the lock file share-nothing (libuv's UV_FS_O_EXLOCK); a second open fails with
 *                  a sharing violation (EBUSY) until the holder's handle closes.
 *
 * `entryflow.lock` says who holds the lock (pid, host, since), for the DATA_DIR_LOCKED message only.
 * It is written after the OS lock is held; a leftover one (dead pid, reused pid, other host) means
 * nothing. A lock held by our own process is respected too: opening a folder twice is a bug.
 */
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, existsSync, fstatSync, ftruncateSync, openSync, readFileSync, readSync, renameSync, statSync, unlinkSync, writeFileSync, writeSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
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
  /**
   * True when a lock file from an earlier process was present. Informational only: its holder is
   * gone (the OS lock was free), so anything it locked inside the folder is ours to release.
   */
  readonly tookOverStale: boolean;
  /** Drops the lock; idempotent. Removes the lock file only if it still names us. */
  release(): void;
}

/** What a platform's primitive gives once it is held. */
interface HeldLock {
  /** Whether the lock file existed before we wrote it. */
  readonly foundFile: boolean;
  /** Replaces the lock file's contents with `text`. */
  writeInfo(text: string): void;
  /** Drops the OS lock, removing the lock file first if it still holds `ours`. */
  release(ours: string): void;
}

/** The one place that picks the platform's primitive. Null: another process (or this one) holds it. */
function takeOsLock(dataDir: string, file: string): HeldLock | null {
  switch (process.platform) {
    case 'linux':
    case 'android':
      return socketLock(dataDir, file);
    case 'darwin':
    case 'freebsd':
    case 'openbsd':
    case 'netbsd':
      return flockLock(file);
    case 'win32':
      return shareNothingLock(file);
    default:
      throw new Error(`no exclusive-lock primitive is known on ${process.platform}`);
  }
}

// ---- Linux: an abstract Unix socket --------------------------------------------------------------

/** Listens on `name` now, or returns null. Outside a cluster worker, net binds synchronously. */
function listenNow(name: string): Server | null {
  // Connections would only come from someone probing the name: nothing to say to them.
  const server = createServer((socket) => socket.destroy());
  // A failed bind is reported on the next tick (`listening` already says so), and a listening
  // server's accept errors must not crash the app: the lock holds as long as the handle is open.
  server.on('error', () => undefined);
  server.listen(name);
  if (!server.listening) return null;
  // The lock must never keep a process alive that has nothing else to do.
  server.unref();
  return server;
}

function socketLock(dataDir: string, file: string): HeldLock | null {
  // dev:ino, not the path: symlinks and other spellings of one folder must share one lock.
  const st = statSync(dataDir, { bigint: true });
  const key = createHash('sha256').update(`${st.dev}:${st.ino}`).digest('hex');
  const server = listenNow(`\0entryflow-datadir-${key}`);
  if (server === null) {
    // Tell "the name is taken" from "this system refuses local sockets" (e.g. a sandbox): the second
    // must not be reported as another Entryflow process forever.
    const probe = listenNow(`\0entryflow-probe-${randomBytes(8).toString('hex')}`);
    if (probe === null) throw new Error('this system refused a local socket, so no other process can be kept out of the folder');
    probe.close();
    return null;
  }
  const foundFile = existsSync(file);
  return {
    foundFile,
    writeInfo(text) {
      // Write-then-rename: a reader sees the old file or the new one, never an empty one. One temp
      // name suffices because only the lock holder writes it.
      const tmp = `${file}.tmp`;
      writeFileSync(tmp, text);
      renameSync(tmp, file);
    },
    release(ours) {
      // Still holding the lock, so no successor can have written the file yet.
      if (readText(file) === ours) removeQuietly(file);
      server.close();
    },
  };
}

// ---- macOS / BSD: flock taken by open(2) ---------------------------------------------------------

/** O_EXLOCK on macOS, FreeBSD, OpenBSD and NetBSD; Node does not export it. */
const O_EXLOCK = 0x20;

function flockLock(file: string): HeldLock | null {
  const flags = constants.O_RDWR | constants.O_CREAT | constants.O_NONBLOCK | O_EXLOCK;
  // A releaser unlinks the file while holding it, so an open that resolved the name just before can
  // lock the unlinked file once it is closed. Such a lock guards nothing: drop it and open again.
  for (let attempt = 0; attempt < 10; attempt++) {
    const foundFile = existsSync(file);
    let fd: number;
    try {
      fd = openSync(file, flags, 0o644);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EWOULDBLOCK' || code === 'EAGAIN') return null;
      throw err;
    }
    if (isFileAt(fd, file)) {
      return fdLock(fd, foundFile, (ours) => {
        // Unlinked while still held, so no successor's file is ever removed (unless someone deleted
        // ours by hand and a successor made a new one: hence the check that it is still ours).
        if (readFd(fd) === ours && isFileAt(fd, file)) removeQuietly(file);
        closeSync(fd);
      });
    }
    closeSync(fd);
  }
  // The file kept being replaced under us: other processes are taking and dropping the lock.
  return null;
}

function isFileAt(fd: number, file: string): boolean {
  try {
    const a = fstatSync(fd, { bigint: true });
    const b = statSync(file, { bigint: true });
    return a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

// ---- Windows: a share-nothing handle ---------------------------------------------------------------

/** libuv's UV_FS_O_EXLOCK on Windows: CreateFileW with share mode 0. Node does not export it. */
const UV_FS_O_EXLOCK = 0x10000000;

function shareNothingLock(file: string): HeldLock | null {
  const flags = constants.O_RDWR | constants.O_CREAT | UV_FS_O_EXLOCK;
  for (let attempt = 0; ; attempt++) {
    const foundFile = existsSync(file);
    try {
      const fd = openSync(file, flags, 0o644);
      return fdLock(fd, foundFile, (ours) => {
        const mine = readFd(fd) === ours;
        // Deleting needs a second handle, which our share-nothing one refuses: close first. If a
        // successor opened it in between, its handle refuses the delete and its file stays.
        closeSync(fd);
        if (mine) removeQuietly(file);
      });
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'EBUSY') return null;
      // A file a releaser is deleting refuses opens (EPERM) until its last handle closes: moments.
      if ((code === 'EPERM' || code === 'EACCES') && attempt < 20) {
        pauseMs(10);
        continue;
      }
      throw err;
    }
  }
}

function pauseMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

// ---- shared by the file-handle primitives -----------------------------------------------------------

function fdLock(fd: number, foundFile: boolean, release: (ours: string) => void): HeldLock {
  return {
    foundFile,
    writeInfo(text) {
      // Through the locked handle: on Windows nothing else may open the file. Over the old text,
      // padded with spaces JSON ignores, then cut to length: a reader on macOS sees the old text
      // or the new, never an empty or half-old file.
      const body = Buffer.from(text);
      const buf = Buffer.alloc(Math.max(fstatSync(fd).size, body.length), ' ');
      body.copy(buf);
      writeSync(fd, buf, 0, buf.length, 0);
      ftruncateSync(fd, body.length);
    },
    release,
  };
}

function readFd(fd: number): string {
  const buf = Buffer.alloc(fstatSync(fd).size);
  const n = buf.length === 0 ? 0 : readSync(fd, buf, 0, buf.length, 0);
  return buf.subarray(0, n).toString('utf8');
}

function readText(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function removeQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    /* gone already, or (Windows) a successor holds it */
  }
}

/** Who the lock file says holds the lock, if it can be read and parsed. */
function readOwner(file: string): LockOwner | null {
  // On Windows the holder's handle refuses every reader, and a reader's handle would make an
  // acquirer's share-nothing open fail: never read it there.
  if (process.platform === 'win32') return null;
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object' && 'pid' in parsed && typeof parsed.pid === 'number') {
      const p = parsed as Partial<LockOwner>;
      return { pid: parsed.pid, host: typeof p.host === 'string' ? p.host : '', since: typeof p.since === 'string' ? p.since : '' };
    }
    return null;
  } catch {
    return null;
  }
}

function lockedError(dataDir: string, file: string): CoreError {
  const owner = readOwner(file);
  const who = owner === null ? 'another Entryflow process' : `another Entryflow process (pid ${owner.pid} on ${owner.host || 'an unknown host'}, since ${owner.since || 'an unknown time'})`;
  return new CoreError(
    'DATA_DIR_LOCKED',
    `The data folder ${dataDir} is in use by ${who}. Close the other Entryflow window or process (check other users' sessions too) and try again, or choose another data folder.`,
  );
}

export function acquireDataDirLock(dataDir: string): DataDirLock {
  const path = join(dataDir, LOCK_FILE);
  let held: HeldLock | null;
  try {
    held = takeOsLock(dataDir, path);
  } catch (err) {
    // Not "someone holds it" but "it cannot be taken here" (no permission, a file system without
    // locks): say which folder and what to check, and keep the OS error as the cause.
    throw new Error(`Cannot lock the data folder ${dataDir}: ${(err as Error).message}. Entryflow needs a folder on a local disk that it can write to.`, { cause: err });
  }
  if (held === null) throw lockedError(dataDir, path);
  const owner: LockOwner = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const ours = JSON.stringify(owner);
  try {
    held.writeInfo(ours);
  } catch (err) {
    held.release(ours);
    throw new Error(`Cannot write the lock file ${path}: ${(err as Error).message}. Check that the data folder is writable and the disk is not full.`, { cause: err });
  }
  let released = false;
  return {
    path,
    tookOverStale: held.foundFile,
    release() {
      if (released) return;
      released = true;
      held.release(ours);
    },
  };
}
