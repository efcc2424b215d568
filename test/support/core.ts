/**
 * Test helpers: a fresh data dir per test (a copy of the migrated template), cores that are always
 * closed after the test, and waiting on conditions instead of fixed sleeps.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, inject } from 'vitest';
import { openCore, type Core, type CoreOptions } from '../../src/main/core/index';
import type { Entry, EntryPage, Status } from '../../src/shared/contract';

const dirs: string[] = [];
const cores = new Set<Core>();

/** A new data dir holding a migrated, empty database. */
export function freshDataDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'entryflow-test-'));
  dirs.push(root);
  const dir = join(root, 'data');
  cpSync(inject('templateDataDir'), dir, { recursive: true });
  return dir;
}

/** Opens a core on a fresh copy (unless dataDir is given); closed automatically after the test. */
export async function openTestCore(options: CoreOptions = {}): Promise<Core & { dataDir: string }> {
  const dataDir = options.dataDir ?? freshDataDir();
  const core = await openCore({ workers: 0, stageDelayMs: 0, idlePollMs: 50, backoffBaseMs: 10, ...options, dataDir });
  track(core);
  return Object.assign(core, { dataDir });
}

export function track(core: Core): Core {
  cores.add(core);
  const close = core.close.bind(core);
  core.close = () => {
    cores.delete(core);
    return close();
  };
  return core;
}

afterEach(async () => {
  const open = [...cores];
  cores.clear();
  await Promise.all(open.map((c) => c.close()));
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

export async function ok<T>(p: Promise<{ ok: true; data: T } | { ok: false; error: { code: string; message: string } }>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(`expected ok, got ${r.error.code}: ${r.error.message}`);
  return r.data;
}

/** Every entry, walking all pages. */
export async function allEntries(core: Core, status?: Status): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: EntryPage = await ok(core.invoke('entries:list', { limit: 200, ...(cursor ? { cursor } : {}), ...(status ? { status } : {}) }));
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}
