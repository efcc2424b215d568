/**
 * Case 4: the disk holding the data folder fills up. A small tmpfs (root only) holds a copy of the
 * migrated template; a core with 2 workers runs on it; a filler file takes the remaining space.
 * Proves: creates answer UNAVAILABLE naming the full disk (no throw, no crash, no hang), nothing
 * stored before is lost, and once the filler is gone creates succeed again and the workers finish
 * every entry without a restart; a reopen afterwards still has every acknowledged entry.
 *
 * PGlite (0.5.17) survives ENOSPC in-process: Postgres raises an ordinary ERROR
 * ("could not extend file … No space left on device") and the instance stays usable, so the core
 * runs in this process rather than in a child.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, cpSync, mkdirSync, mkdtempSync, openSync, readdirSync, rmSync, statSync, statfsSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import type { Logger } from '../../src/main/core/logger';
import { allEntries, ok, waitFor } from '../support/core';
import { recordFigures } from './support/faults';

/** Every call must answer within this long, full disk or not. */
const CALL_BOUND_MS = 10_000;

function treeBytes(dir: string): number {
  let n = 0;
  for (const name of readdirSync(dir)) {
    const st = statSync(join(dir, name));
    n += st.isDirectory() ? treeBytes(join(dir, name)) : Math.ceil(st.size / 4096) * 4096;
  }
  return n;
}

const template = inject('templateDataDir');
const root = mkdtempSync(join(tmpdir(), 'entryflow-diskfull-'));
const mnt = join(root, 'mnt');
mkdirSync(mnt);
// The copy plus ~8 MB for the core to work in before the filler takes the rest.
const sizeMb = Math.ceil(treeBytes(template) / 1048576) + 8;
let skipReason: string | null = null;
let mounted = false;
if (process.platform !== 'linux') skipReason = `tmpfs mounts need Linux (platform is ${process.platform})`;
else if (typeof process.getuid === 'function' && process.getuid() !== 0) skipReason = `mounting a tmpfs needs root (uid is ${process.getuid()})`;
else {
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeMb}m`, 'tmpfs', mnt], { stdio: 'pipe' });
    mounted = true;
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    skipReason = `mount -t tmpfs -o size=${sizeMb}m failed: ${(e.stderr?.toString() || e.message).trim()}`;
  }
}
if (skipReason) console.warn(`[entryflow] disk-full case SKIPPED: ${skipReason}`);

afterAll(() => {
  if (mounted) {
    try {
      execFileSync('umount', [mnt], { stdio: 'pipe' });
    } catch {
      // A core left open would keep it busy; a lazy unmount still frees the memory once it closes.
      execFileSync('umount', ['-l', mnt], { stdio: 'pipe' });
    }
  }
  rmSync(root, { recursive: true, force: true });
});

function bounded<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, rej) => (timer = setTimeout(() => rej(new Error(`${what} did not answer within ${CALL_BOUND_MS} ms`)), CALL_BOUND_MS))),
  ]);
}

/** Writes until the file system refuses: 1 MiB blocks, then 4 KiB ones for the tail. */
function fill(path: string): number {
  const fd = openSync(path, 'w');
  let written = 0;
  try {
    for (const size of [1 << 20, 4096]) {
      const buf = Buffer.alloc(size, 0x5a);
      try {
        for (;;) written += writeSync(fd, buf);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOSPC') throw err;
      }
    }
  } finally {
    closeSync(fd);
  }
  return written;
}

describe('disk full', () => {
  const test = skipReason ? it.skip : it;
  test('creates answer UNAVAILABLE, nothing is lost, work resumes once space returns', async () => {
    const dataDir = join(mnt, 'data');
    cpSync(template, dataDir, { recursive: true });
    const dbErrors: string[] = [];
    const logger: Logger = {
      debug() {},
      info() {},
      warn() {},
      error(_m, fields) {
        if (typeof fields?.error === 'string') dbErrors.push(fields.error);
      },
    };
    const opts = { dataDir, workers: 2, stageDelayMs: 0, idlePollMs: 20, backoffBaseMs: 10, logger };
    let core: Core | null = await openCore(opts);
    try {
      let storeErrors = 0;
      core.events.on('storeError', () => storeErrors++);
      const acked: string[] = [];
      for (let i = 0; i < 30; i++) acked.push((await ok(core.invoke('entries:create', { title: `before fill ${i}` }))).id);
      const c0 = core;
      await waitFor(async () => (await ok(c0.invoke('entries:stats', {}))).counts.COMPLETED === 30, 'the first 30 entries to complete', 60_000);

      // Work in hand when the disk fills: 100 more entries, and the fill follows at once (it is
      // synchronous, so the workers cannot finish them first).
      for (let i = 0; i < 100; i++) acked.push((await ok(core.invoke('entries:create', { title: `pending ${i}` }))).id);
      const fillerPath = join(mnt, 'filler');
      const fillerBytes = fill(fillerPath);
      const freeAfterFill = statfsSync(mnt).bavail * statfsSync(mnt).bsize;

      // Creates still fit into free space inside pages Postgres already has; keep going until refused.
      let acceptedAfterFill = 0;
      let firstRefusal: { code: string; message: string } | null = null;
      const callMs: number[] = [];
      for (let i = 0; i < 5000 && firstRefusal === null; i++) {
        const t = performance.now();
        const r = await bounded(core.invoke('entries:create', { title: `during fill ${i} ${'x'.repeat(150)}` }), 'create on a full disk');
        callMs.push(performance.now() - t);
        if (r.ok) {
          acked.push(r.data.id);
          acceptedAfterFill++;
        } else firstRefusal = r.error;
      }
      expect(firstRefusal, 'a create was refused within 5000 tries of a full disk').not.toBeNull();
      expect(firstRefusal?.code).toBe('UNAVAILABLE');
      expect(firstRefusal?.message).toMatch(/disk|space/i);

      // Every further create is refused the same way, promptly.
      const refusals: string[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const r = await bounded(core.invoke('entries:create', { title: `still full ${i}` }), 'create on a full disk');
        callMs.push(performance.now() - t);
        if (r.ok) acked.push(r.data.id);
        else refusals.push(r.error.code);
      }
      expect(refusals.every((c) => c === 'UNAVAILABLE')).toBe(true);

      // Reads still work on a full disk, and everything acknowledged is there.
      const duringFull = new Set((await bounded(allEntries(core), 'list on a full disk')).map((e) => e.id));
      expect(acked.filter((id) => !duringFull.has(id))).toEqual([]);
      // Give the workers a moment on the full disk: their writes fail and they retry, without dying.
      const c1 = core;
      await waitFor(() => storeErrors > 0 || undefined, 'a worker store error on the full disk', 15_000);
      const statsFull = await bounded(ok(c1.invoke('entries:stats', {})), 'stats on a full disk');

      // Space returns: creates succeed again and the same core's workers finish everything.
      rmSync(fillerPath);
      const spaceBack = performance.now();
      const after = await waitFor(async () => {
        const r = await bounded(c1.invoke('entries:create', { title: 'after space returned' }), 'create after space returned');
        return r.ok ? r.data : undefined;
      }, 'a create to succeed after space returned', 30_000);
      acked.push(after.id);
      await waitFor(async () => (await ok(c1.invoke('entries:stats', {}))).counts.COMPLETED === acked.length, 'every entry to complete after space returned', 60_000);
      const recoverMs = performance.now() - spaceBack;
      const final = await ok(c1.invoke('entries:stats', {}));
      expect(final.total).toBe(acked.length);
      expect(final.counts.FAILED).toBe(0);

      // A reopen still has every acknowledged entry.
      await core.close();
      core = null;
      core = await openCore({ ...opts, workers: 0 });
      const reopened = new Set((await allEntries(core)).map((e) => e.id));
      expect(acked.filter((id) => !reopened.has(id))).toEqual([]);

      const figures = {
        tmpfsMb: sizeMb,
        fillerMb: Math.round(fillerBytes / 1048576),
        freeAfterFillBytes: freeAfterFill,
        acceptedAfterFill,
        refusal: firstRefusal,
        rawErrors: [...new Set(dbErrors)].slice(0, 5),
        workerStoreErrorsWhileFull: storeErrors,
        statsWhileFull: statsFull.counts,
        slowestCallMs: Math.round(Math.max(...callMs)),
        recoverAfterSpaceMs: Math.round(recoverMs),
        acked: acked.length,
      };
      console.log('[disk-full]', JSON.stringify(figures));
      recordFigures('diskFull', figures);
    } finally {
      await core?.close();
    }
  });
});
