/**
 * Case 3: a damaged or foreign data folder. openCore must reject with DATA_DIR_UNUSABLE naming the
 * folder and the way out, keep the process alive, change nothing in the folder (hashed before and
 * after) and release its lock file.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, inject, it } from 'vitest';
import { openCore } from '../../src/main/core/index';
import { LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { PGDATA_DIR } from '../../src/main/core/drivers/embedded';
import { FAULT_SEED, hashTree, recordFigures, seededRandom, tempDataDirs } from './support/faults';

const newDir = tempDataDirs('entryflow-damaged-');
function copyOfTemplate(): string {
  const dir = newDir();
  cpSync(inject('templateDataDir'), dir, { recursive: true });
  return dir;
}

const rand = seededRandom(FAULT_SEED);
function scribble(path: string, at: number, length: number): void {
  const bytes = Buffer.from(Array.from({ length }, () => Math.floor(rand() * 256)));
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, bytes, 0, length, at);
  } finally {
    closeSync(fd);
  }
}
/** The biggest file under dir/sub: a table or catalog heap worth damaging. */
function biggestFile(dir: string): string {
  const files = readdirSync(dir).map((n) => join(dir, n)).filter((p) => statSync(p).isFile());
  return files.sort((a, b) => statSync(b).size - statSync(a).size)[0] as string;
}

const damages: { name: string; damage: (pgdata: string) => void }[] = [
  { name: 'pg_control truncated', damage: (p) => truncateSync(join(p, 'global', 'pg_control'), 100) },
  { name: 'pg_control overwritten with random bytes', damage: (p) => scribble(join(p, 'global', 'pg_control'), 0, 512) },
  { name: 'WAL segment truncated to nothing', damage: (p) => {
    const wal = readdirSync(join(p, 'pg_wal')).filter((n) => /^[0-9A-F]{24}$/.test(n));
    for (const w of wal) truncateSync(join(p, 'pg_wal', w), 0);
  } },
  { name: 'random bytes over the biggest catalog file', damage: (p) => {
    const dbs = readdirSync(join(p, 'base'));
    const db = join(p, 'base', dbs.sort().at(-1) as string);
    const f = biggestFile(db);
    for (let off = 0; off < statSync(f).size; off += 8192) scribble(f, off, 64);
  } },
  { name: 'PG_VERSION from another Postgres (15)', damage: (p) => writeFileSync(join(p, 'PG_VERSION'), '15\n') },
  { name: 'PG_VERSION from a future Postgres (99)', damage: (p) => writeFileSync(join(p, 'PG_VERSION'), '99\n') },
  { name: 'unrelated files where the database should be', damage: (p) => {
    rmSync(p, { recursive: true });
    mkdirSync(join(p, 'photos'), { recursive: true });
    writeFileSync(join(p, 'photos', 'cat.jpg'), 'not a database');
    writeFileSync(join(p, 'thesis.docx'), 'my thesis');
  } },
];

describe('a damaged or foreign data folder', () => {
  const outcomes: { damage: string; code: string; message: string }[] = [];
  afterAll(() => recordFigures('damagedDataDir', { cases: outcomes }));

  for (const d of damages) {
    const { name } = d;
    it(`refuses: ${name}`, async () => {
      const dir = copyOfTemplate();
      const pgdata = join(dir, PGDATA_DIR);
      d.damage(pgdata);
      const before = hashTree(pgdata);
      const err: unknown = await openCore({ dataDir: dir, workers: 0 }).then(
        async (core) => {
          await core.close();
          return new Error('opened a damaged folder');
        },
        (e: unknown) => e,
      );
      const e = err as { code?: string; message?: string };
      outcomes.push({ damage: name, code: String(e.code), message: String(e.message) });
      expect(e).toMatchObject({ code: 'DATA_DIR_UNUSABLE' });
      expect(e.message).toContain(pgdata);
      expect(e.message).toMatch(/move (it|the folder) aside/i);
      expect(hashTree(pgdata)).toBe(before);
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
    });
  }
});
