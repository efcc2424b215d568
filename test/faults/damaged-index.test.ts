/**
 * Issue 9, item 4: a folder that PGlite opens, but whose data fails a statement of the open itself —
 * here the rescue at open (store.rescueAtOpen) over an index file cut short (XX001). openCore must
 * turn that into DATA_DIR_UNUSABLE (so the startup dialog offers "Keep It Aside"), close the
 * database, release the folder's lock, and not mark as ready a folder that never opened fully.
 * Old main threw the raw DatabaseError and left the lock file and the ready marker behind.
 */
import { cpSync, existsSync, rmSync, statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, inject, it } from 'vitest';
import { LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { PGDATA_DIR, PGLITE_EXTENSIONS, READY_MARKER } from '../../src/main/core/drivers/embedded';
import { openCore } from '../../src/main/core/index';
import { canMoveAside } from '../../src/main/move-aside';
import { ok } from '../support/core';
import { recordFigures, tempDataDirs } from './support/faults';

const newDir = tempDataDirs('entryflow-damaged-index-');

/** A migrated folder with one entry locked by a run that never finished: the rescue at open must write it. */
async function folderWithLockedEntry(): Promise<string> {
  const dataDir = newDir();
  cpSync(inject('templateDataDir'), dataDir, { recursive: true });
  const core = await openCore({ dataDir, workers: 0 });
  try {
    await ok(core.invoke('entries:create', { title: 'was running when the app died' }));
    expect(await core.store.claim('a-run-that-died', 1)).toHaveLength(1);
  } finally {
    await core.close();
  }
  return dataDir;
}

/** The file of a relation, relative to pgdata, asked of the database itself. */
async function relationFile(dataDir: string, relation: string): Promise<string> {
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  try {
    const { rows } = await db.query<{ path: string }>('SELECT pg_relation_filepath($1) AS path', [relation]);
    return rows[0]?.path as string;
  } finally {
    await db.close();
  }
}

describe('a folder whose data fails a statement at open', () => {
  it('is DATA_DIR_UNUSABLE (offered to be kept aside), closed, unlocked, and not marked ready', async () => {
    const dataDir = await folderWithLockedEntry();
    const file = join(dataDir, PGDATA_DIR, await relationFile(dataDir, 'entries_claimable_idx'));
    const sizeBefore = statSync(file).size;
    // Cut short, as a crash of a file system that does not journal data may leave it.
    truncateSync(file, 0);
    // A folder whose first open never finished (the test template's first open wrote the marker).
    rmSync(join(dataDir, READY_MARKER));

    const attempt = () =>
      openCore({ dataDir, workers: 0 }).then(
        async (core) => {
          await core.close();
          return new Error('opened a folder with a truncated index');
        },
        (e: unknown) => e,
      );
    const err = (await attempt()) as { name?: string; code?: string; message?: string; cause?: unknown };
    const cause = err.cause as { code?: string; message?: string } | undefined;
    recordFigures('damagedIndexAtOpen', { sizeBefore, code: err.code, message: err.message, cause: { code: cause?.code, message: cause?.message } });

    expect(err).toMatchObject({ name: 'CoreError', code: 'DATA_DIR_UNUSABLE' });
    expect(cause?.code).toBe('XX001');
    expect(err.message).toContain(join(dataDir, PGDATA_DIR));
    expect(err.message).toMatch(/move the folder aside/i);
    expect(canMoveAside(err.code, undefined)).toBe(true);
    // The lock is released: no lock file, and a second open in this very process is not refused as locked.
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
    expect(existsSync(join(dataDir, READY_MARKER))).toBe(false);
    const again = (await attempt()) as { code?: string };
    expect(again.code).toBe('DATA_DIR_UNUSABLE');
    expect(existsSync(join(dataDir, LOCK_FILE))).toBe(false);
  });
});
