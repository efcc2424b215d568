/**
 * First launch from the build-time template (scripts/make-template.ts): a brand-new data folder is
 * made from it instead of initdb, migrates and works; a reopen never touches the template; a
 * missing or damaged template falls back to initdb. The shipped template is a folder; most cases
 * here use a .tar.gz of one, which the core reads too (the packaged case uses the folder).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PGDATA_DIR, READY_MARKER, TEMPLATE_SIZES_FILE } from '../../src/main/core/drivers/embedded';
import type { Logger } from '../../src/main/core/index';
import { makeTemplate } from '../../scripts/make-template';
import { allEntries, ok, openTestCore, waitFor } from '../support/core';

let root: string;
let archive: string;
let n = 0;

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'entryflow-template-test-'));
  archive = join(root, 'pgdata-template.tar.gz');
  await makeTemplate(archive);
}, 60_000);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const newDataDir = (): string => join(root, `data-${++n}`);
const WAL_SEGMENT = 16 * 1024 * 1024;

function recordingLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug() {}, info() {}, error() {}, warn: (m) => void warnings.push(m) };
}

async function createAndProcess(core: Awaited<ReturnType<typeof openTestCore>>, title: string): Promise<void> {
  const { id } = await ok(core.invoke('entries:create', { title }));
  await waitFor(async () => (await allEntries(core, 'COMPLETED')).some((e) => e.id === id), `${title} to complete`);
}

describe('first launch from the template', () => {
  it('unpacks the template into a new data folder, migrates and processes entries; a reopen is "existing"', async () => {
    const dataDir = newDataDir();
    const core = await openTestCore({ dataDir, template: archive, workers: 2 });
    expect(core.createdFrom).toBe('template');
    expect(existsSync(join(dataDir, READY_MARKER))).toBe(true);
    await createAndProcess(core, 'from the template');
    await core.close();

    const again = await openTestCore({ dataDir, template: archive, workers: 2 });
    expect(again.createdFrom).toBe('existing');
    expect((await allEntries(again)).map((e) => e.title)).toEqual(['from the template']);
    await createAndProcess(again, 'after reopen');
  }, 60_000);

  it('tells onNewDataFolder, before the open completes, that a new folder holds no database; never for an existing one', async () => {
    const dataDir = newDataDir();
    const told: string[] = [];
    let opened = false;
    // Called while opening, before the database exists: what lets main answer the first list early.
    const opening = openTestCore({
      dataDir,
      template: archive,
      workers: 0,
      onNewDataFolder: () => told.push(`new, pgdata ${existsSync(join(dataDir, PGDATA_DIR)) ? 'exists' : 'absent'}, ${opened ? 'open' : 'opening'}`),
    });
    const core = await opening;
    opened = true;
    expect(told).toEqual(['new, pgdata absent, opening']);
    expect(core.createdFrom).toBe('template');
    expect(await ok(core.invoke('entries:list', {}))).toMatchObject({ items: [] });
    await core.close();

    const again = await openTestCore({ dataDir, template: archive, workers: 0, onNewDataFolder: () => told.push('again') });
    expect(again.createdFrom).toBe('existing');
    await again.close();
    expect(told).toEqual(['new, pgdata absent, opening']);
  }, 60_000);

  it('also uses an empty pgdata folder left by an earlier attempt (a folder with files is "existing", above)', async () => {
    const dataDir = newDataDir();
    mkdirSync(join(dataDir, PGDATA_DIR), { recursive: true });
    const core = await openTestCore({ dataDir, template: archive });
    expect(core.createdFrom).toBe('template');
  }, 60_000);

  it('a template made by an older migration set is upgraded by the usual migrations', async () => {
    // Only the first migration applied (as scripts/make-migration-fixture.ts does).
    const old = join(root, 'drizzle-0000');
    mkdirSync(join(old, 'meta'), { recursive: true });
    cpSync(join('drizzle', '0000_init.sql'), join(old, '0000_init.sql'));
    const journal = JSON.parse(readFileSync(join('drizzle', 'meta', '_journal.json'), 'utf8')) as { entries: { tag: string }[] };
    writeFileSync(join(old, 'meta', '_journal.json'), JSON.stringify({ ...journal, entries: journal.entries.filter((e) => e.tag === '0000_init') }));
    const oldArchive = join(root, 'old-template.tar.gz');
    await makeTemplate(oldArchive, old);

    const core = await openTestCore({ dataDir: newDataDir(), template: oldArchive, workers: 2 });
    expect(core.createdFrom).toBe('template');
    await createAndProcess(core, 'upgraded');
    expect((await allEntries(core)).map((e) => e.title)).toEqual(['upgraded']);
  }, 90_000);
});

/** Copies as electron-builder's extraResources does: files one by one; no empty folders, no .gitkeep/.DS_Store. */
function copyFilesOnly(from: string, to: string): number {
  let emptyDirsDropped = 0;
  const walk = (rel: string) => {
    const entries = readdirSync(join(from, rel), { withFileTypes: true });
    if (entries.length === 0) emptyDirsDropped++;
    for (const d of entries) {
      const path = join(rel, d.name);
      if (d.isDirectory()) walk(path);
      else if (d.name !== '.gitkeep' && d.name !== '.DS_Store') {
        mkdirSync(join(to, rel), { recursive: true });
        copyFileSync(join(from, path), join(to, path));
      }
    }
  };
  walk('');
  return emptyDirsDropped;
}

describe('the packaged template', () => {
  it('survives a files-only copy (what electron-builder does to extraResources): the first open still comes from it', async () => {
    const folder = join(root, 'template-folder');
    await makeTemplate(folder);
    const packaged = join(root, 'packaged-template');
    const dropped = copyFilesOnly(folder, packaged);
    // Postgres keeps empty folders (pg_notify, pg_tblspc, …): the copy really lost some.
    expect(dropped).toBeGreaterThan(0);
    expect(existsSync(join(packaged, 'pg_notify'))).toBe(false);
    const logger = recordingLogger();
    const core = await openTestCore({ dataDir: newDataDir(), template: packaged, logger, workers: 2 });
    expect(logger.warnings).toEqual([]);
    expect(core.createdFrom).toBe('template');
    await createAndProcess(core, 'from a packaged template');
  }, 90_000);
});

describe('what the template holds', () => {
  it('only the postgres database, and its WAL without the zero tail, which a first launch restores', async () => {
    const folder = join(root, 'template-contents');
    await makeTemplate(folder);
    expect(readdirSync(join(folder, 'base'))).toHaveLength(1);
    const sizes = JSON.parse(readFileSync(join(folder, TEMPLATE_SIZES_FILE), 'utf8')) as Record<string, number>;
    const wal = Object.keys(sizes).filter((f) => /^pg_wal\/[0-9A-F]{24}$/.test(f));
    expect(wal.length).toBeGreaterThan(0);
    for (const f of wal) {
      expect(sizes[f]).toBe(WAL_SEGMENT);
      expect(statSync(join(folder, f)).size).toBeLessThan(WAL_SEGMENT / 16);
    }
    const core = await openTestCore({ dataDir: newDataDir(), template: folder, workers: 2 });
    expect(core.createdFrom).toBe('template');
    const pgdata = join(core.dataDir, PGDATA_DIR);
    expect(existsSync(join(pgdata, TEMPLATE_SIZES_FILE))).toBe(false);
    for (const f of wal) expect(statSync(join(pgdata, f)).size).toBe(WAL_SEGMENT);
    await createAndProcess(core, 'from a trimmed template');
    await core.close();
    const again = await openTestCore({ dataDir: core.dataDir, workers: 2 });
    expect(again.createdFrom).toBe('existing');
    expect((await allEntries(again)).map((e) => e.title)).toEqual(['from a trimmed template']);
  }, 90_000);

  it('a sizes list that would cut a file is a damaged template: initdb instead', async () => {
    const folder = join(root, 'template-bad-sizes');
    await makeTemplate(folder);
    const sizesFile = join(folder, TEMPLATE_SIZES_FILE);
    const sizes = JSON.parse(readFileSync(sizesFile, 'utf8')) as Record<string, number>;
    writeFileSync(sizesFile, JSON.stringify({ ...sizes, PG_VERSION: 1 }));
    const logger = recordingLogger();
    const core = await openTestCore({ dataDir: newDataDir(), template: folder, logger });
    expect(core.createdFrom).toBe('initdb');
    expect(logger.warnings).toHaveLength(1);
  }, 90_000);
});

describe('falling back to initdb', () => {
  it('without a template', async () => {
    const logger = recordingLogger();
    const dataDir = newDataDir();
    const core = await openTestCore({ dataDir, template: join(root, 'missing.tar.gz'), logger, workers: 2 });
    expect(core.createdFrom).toBe('initdb');
    expect(logger.warnings).toEqual([]);
    await createAndProcess(core, 'initdb');
    await core.close();
    const again = await openTestCore({ dataDir, template: archive });
    expect(again.createdFrom).toBe('existing');
    expect((await allEntries(again)).map((e) => e.title)).toEqual(['initdb']);
  }, 60_000);

  it('with a damaged template: warns, starts from a clean folder, keeps data across reopen', async () => {
    const bad = join(root, 'corrupt.tar.gz');
    writeFileSync(bad, Buffer.from('this is not a gzipped tar of a data dir'));
    const logger = recordingLogger();
    const dataDir = newDataDir();
    const core = await openTestCore({ dataDir, template: bad, logger, workers: 2 });
    expect(core.createdFrom).toBe('initdb');
    expect(logger.warnings.some((w) => w.includes('template could not be loaded'))).toBe(true);
    expect(readdirSync(join(dataDir, PGDATA_DIR))).toContain('PG_VERSION');
    await createAndProcess(core, 'after a bad template');
    await core.close();
    const again = await openTestCore({ dataDir, template: bad });
    expect(again.createdFrom).toBe('existing');
    expect((await allEntries(again)).map((e) => e.title)).toEqual(['after a bad template']);
  }, 60_000);
});
