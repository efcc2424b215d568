/**
 * Upgrades: a data dir written by the first release (only drizzle/0000_init.sql applied; see
 * scripts/make-migration-fixture.ts) opens with today's code, keeps every row, gets exact counts
 * from the 0002 backfill, and works. Re-opening is a no-op. And drizzle/ matches schema.ts.
 */
import { execFile } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it } from 'vitest';
import { STATUSES, type StatusCounts } from '../../src/shared/contract';
import type { Core } from '../../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../../src/main/core/drivers/embedded';
import { FIXTURE_ENTRIES, FIXTURE_FILE } from '../fixtures/data-dir-v0000';
import { allEntries, ok, openTestCore, waitFor } from '../support/core';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const roots: string[] = [];

afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

function tempRoot(prefix: string): string {
  const r = mkdtempSync(join(tmpdir(), prefix));
  roots.push(r);
  return r;
}

/** Restores the v0000 fixture as `<dataDir>/pgdata`, the layout the core expects. */
async function restoreFixture(): Promise<string> {
  const dataDir = join(tempRoot('entryflow-migrate-'), 'data');
  mkdirSync(join(dataDir, PGDATA_DIR), { recursive: true });
  const blob = new Blob([readFileSync(join(ROOT, 'test', 'fixtures', FIXTURE_FILE))]);
  const pg = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), loadDataDir: blob, extensions: PGLITE_EXTENSIONS });
  // Proof the fixture really is a v0000 database: no counts table yet, one migration applied.
  const tables = await pg.query<{ t: string }>(`SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`);
  expect(tables.rows.map((r) => r.t)).toEqual(['entries', 'entry_events']);
  const applied = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
  expect(applied.rows[0]?.n).toBe(1);
  await pg.close();
  return dataDir;
}

function fixtureCounts(): StatusCounts {
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const e of FIXTURE_ENTRIES) c[e.status]++;
  return c;
}

async function expectFixtureIntact(core: Core): Promise<void> {
  for (const f of FIXTURE_ENTRIES) {
    const e = await ok(core.invoke('entries:get', { id: f.id }));
    expect(e, f.id).toMatchObject({
      id: f.id,
      title: f.title,
      status: f.status,
      progress: f.progress,
      result: f.result,
      error: f.error,
      attempts: f.attempts,
      createdAt: f.createdAt,
      updatedAt: f.updatedAt,
      // The lock a crashed run left behind is released at open; no other lock exists.
      lockedBy: null,
      lockedAt: null,
    });
    const transitions = e.events.filter((ev) => ev.from !== ev.to);
    expect(transitions.map((ev) => ev.to), f.id).toEqual(f.history);
    const notes = e.events.filter((ev) => ev.from === ev.to);
    if (f.lockedBy !== null) {
      expect(notes.map((n) => [n.workerId, n.message])).toContainEqual([f.lockedBy, expect.stringContaining('lock released at startup')]);
    } else {
      expect(notes).toEqual([]);
    }
  }
}

describe('upgrading a v0000 data dir', () => {
  it('keeps every entry, backfills exact counts, applies every migration, and accepts new entries', async () => {
    const dataDir = await restoreFixture();
    const core = await openTestCore({ dataDir, workers: 0 });
    await expectFixtureIntact(core);

    const expected = fixtureCounts();
    expect(expected).toEqual({ CREATED: 2, STAGE_1: 1, STAGE_2: 1, COMPLETED: 2, FAILED: 1, CANCELLED: 0 });
    // An upgrade deletes no one's history: retention starts at "never" where entries already exist
    // (a new install gets 30 days), so the old finished entries below survive maintenance.
    expect((await ok(core.invoke('queue:state', {}))).retentionDays).toBeNull();
    const page = await ok(core.invoke('entries:list', {}));
    expect(page.counts).toEqual(expected);
    expect(page.items.map((e) => e.id)).toEqual(FIXTURE_ENTRIES.map((e) => e.id).reverse());
    expect((await ok(core.invoke('entries:stats', {}))).total).toBe(FIXTURE_ENTRIES.length);
    for (const status of STATUSES) expect(await allEntries(core, status)).toHaveLength(expected[status]);

    const created = await ok(core.invoke('entries:create', { title: 'made after the upgrade' }));
    const after = await ok(core.invoke('entries:list', {}));
    expect(after.items[0]?.id).toBe(created.id);
    expect(after.counts).toEqual({ ...expected, CREATED: expected.CREATED + 1 });
    // Counts survive maintenance folding the log.
    await core.runMaintenance();
    expect((await ok(core.invoke('entries:list', {}))).counts).toEqual({ ...expected, CREATED: expected.CREATED + 1 });
    await core.close();

    // The database itself: every migration recorded, and the storage parameter 0009 sets (0003 set 70).
    const pg = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
    try {
      const journal = JSON.parse(readFileSync(join(ROOT, 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: { when: number }[] };
      const applied = await pg.query<{ created_at: string }>(`SELECT created_at::text FROM drizzle.__drizzle_migrations ORDER BY id`);
      expect(applied.rows.map((r) => Number(r.created_at))).toEqual(journal.entries.map((e) => e.when));
      const opts = await pg.query<{ reloptions: string[] | null }>(`SELECT reloptions FROM pg_class WHERE relname = 'entries'`);
      expect(opts.rows[0]?.reloptions).toContain('fillfactor=40');
    } finally {
      await pg.close();
    }
  });

  it('with workers, the fixture’s unfinished entries complete; finished and failed ones are left alone', async () => {
    const dataDir = await restoreFixture();
    const core = await openTestCore({ dataDir, workers: 2, stageDelayMs: 0 });
    const active = FIXTURE_ENTRIES.filter((e) => !['COMPLETED', 'FAILED'].includes(e.status));
    expect(active.length).toBe(4);
    const total = FIXTURE_ENTRIES.length;
    const done = await waitFor(async () => {
      const page = await ok(core.invoke('entries:list', {}));
      return page.counts.COMPLETED === total - 1 && page.items.every((e) => e.lockedBy === null) ? page : undefined;
    }, 'the fixture’s unfinished entries to complete');
    expect(done.counts).toEqual({ CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: total - 1, FAILED: 1, CANCELLED: 0 });

    for (const f of active) {
      const e = await ok(core.invoke('entries:get', { id: f.id }));
      expect(e).toMatchObject({ status: 'COMPLETED', progress: 100, title: f.title, createdAt: f.createdAt });
      expect(e.result).toContain(f.title);
      // Each stage exactly once, continuing from where the old run stopped.
      expect(e.events.filter((ev) => ev.from !== ev.to).map((ev) => ev.to)).toEqual(['CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED']);
    }
    for (const f of FIXTURE_ENTRIES.filter((e) => e.status === 'COMPLETED' || e.status === 'FAILED')) {
      const e = await ok(core.invoke('entries:get', { id: f.id }));
      expect(e).toMatchObject({ status: f.status, result: f.result, error: f.error, updatedAt: f.updatedAt });
    }

    // The old FAILED entry can be retried and then completes too.
    const failed = FIXTURE_ENTRIES.find((e) => e.status === 'FAILED');
    await ok(core.invoke('entries:retry', { id: failed?.id ?? '' }));
    await waitFor(async () => {
      const e = await ok(core.invoke('entries:get', { id: failed?.id ?? '' }));
      return e.status === 'COMPLETED' && e.lockedBy === null;
    }, 'the retried entry to complete');
    expect((await ok(core.invoke('entries:list', {}))).counts).toEqual({ CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: total, FAILED: 0, CANCELLED: 0 });
  });

  it('opening an already-migrated data dir again is a no-op that keeps data and counts', async () => {
    const dataDir = await restoreFixture();
    const first = await openTestCore({ dataDir, workers: 0 });
    const created = await ok(first.invoke('entries:create', { title: 'between opens' }));
    const before = await ok(first.invoke('entries:list', { limit: 200 }));
    await first.close();

    for (let i = 0; i < 2; i++) {
      const again = await openTestCore({ dataDir, workers: 0 });
      const page = await ok(again.invoke('entries:list', { limit: 200 }));
      // Same rows, same values; the counts are not backfilled a second time.
      expect(page).toEqual(before);
      expect(page.counts.CREATED).toBe(fixtureCounts().CREATED + 1);
      expect(page.items[0]?.id).toBe(created.id);
      await expectFixtureIntact(again);
      await again.close();
    }
    const pg = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
    try {
      const journal = JSON.parse(readFileSync(join(ROOT, 'drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: unknown[] };
      const applied = await pg.query<{ n: number }>(`SELECT count(*)::int AS n FROM drizzle.__drizzle_migrations`);
      // Each migration once, however often the folder is opened.
      expect(applied.rows[0]?.n).toBe(journal.entries.length);
    } finally {
      await pg.close();
    }
  });
});

describe('drizzle/ is in sync with schema.ts', () => {
  /** Runs drizzle-kit generate against a copy of drizzle/, so the repo's folder is never written. */
  async function generate(schemaSource: string | null): Promise<{ output: string; added: string[] }> {
    const work = tempRoot('entryflow-drift-');
    cpSync(join(ROOT, 'drizzle'), join(work, 'drizzle'), { recursive: true });
    let schema = relative(work, join(ROOT, 'src', 'main', 'core', 'schema.ts'));
    if (schemaSource !== null) {
      // drizzle-orm must resolve from the copied schema too.
      symlinkSync(join(ROOT, 'node_modules'), join(work, 'node_modules'), 'junction');
      writeFileSync(join(work, 'schema.ts'), schemaSource);
      schema = 'schema.ts';
    }
    const before = new Set(readdirSync(join(work, 'drizzle')));
    // drizzle-kit prefixes "./" to --out and --schema, so both are relative to its working directory.
    const { stdout, stderr } = await run(join(ROOT, 'node_modules', '.bin', 'drizzle-kit'), ['generate', '--dialect', 'postgresql', '--schema', schema, '--out', 'drizzle'], {
      cwd: work,
      env: { ...process.env, NO_COLOR: '1', FORCE_COLOR: '0' },
      timeout: 60_000,
    });
    const added = readdirSync(join(work, 'drizzle')).filter((f) => !before.has(f));
    return { output: `${stdout}\n${stderr}`, added };
  }

  it('drizzle-kit generate finds no schema changes', async () => {
    const { output, added } = await generate(null);
    expect(added, output).toEqual([]);
    expect(output).toContain('No schema changes');
  });

  it('would notice a change (control: the check above can fail)', async () => {
    const source = readFileSync(join(ROOT, 'src', 'main', 'core', 'schema.ts'), 'utf8');
    const changed = source.replace("title: text('title').notNull(),", "title: text('title').notNull(),\n    note: text('note'),");
    expect(changed).not.toBe(source);
    const { output, added } = await generate(changed);
    expect(output).not.toContain('No schema changes');
    expect(added.filter((f) => f.endsWith('.sql'))).toHaveLength(1);
  });
});
