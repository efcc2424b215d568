/**
 * What an embedded open leaves until after the first answer (index.ts, afterOpen): planner
 * statistics are gathered once the first entries:list is answered — or after afterOpenWaitMs when
 * nobody lists — and maintenance starts after them. A close before then skips them. Checked on the
 * folder itself: ANALYZE is what sets pg_class.reltuples, which creates alone never do.
 */
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { describe, expect, it } from 'vitest';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../../src/main/core/drivers/embedded';
import { ok, openTestCore } from '../support/core';

const SEEDED = 25;
/** Long enough that only a list (or a close) can end the wait within a test. */
const NEVER = 600_000;

async function entriesReltuples(dataDir: string): Promise<number> {
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  try {
    const [row] = (await db.query<{ n: number }>(`SELECT reltuples::float8 AS n FROM pg_class WHERE relname = 'entries'`)).rows;
    return row?.n ?? Number.NaN;
  } finally {
    await db.close();
  }
}

/** A closed folder holding SEEDED entries whose statistics were never gathered. */
async function seededFolder(): Promise<string> {
  const core = await openTestCore({ afterOpenWaitMs: NEVER });
  for (let i = 0; i < SEEDED; i++) await ok(core.invoke('entries:create', { title: `seed ${i}` }));
  await core.close();
  expect(await entriesReltuples(core.dataDir)).not.toBe(SEEDED);
  return core.dataDir;
}

describe('work deferred past an open', () => {
  it('gathers planner statistics once the first list is answered, not before', async () => {
    const dataDir = await seededFolder();
    const core = await openTestCore({ dataDir, afterOpenWaitMs: NEVER });
    let settled = false;
    void core.afterOpen.then(() => (settled = true));
    // Other calls do not end the wait: only the window's first data does.
    await ok(core.invoke('entries:stats', {}));
    await ok(core.invoke('queue:state', {}));
    await new Promise((r) => setImmediate(r));
    expect(settled).toBe(false);
    const page = await ok(core.invoke('entries:list', { limit: 10 }));
    expect(page.items).toHaveLength(10);
    await core.afterOpen;
    await core.close();
    expect(await entriesReltuples(dataDir)).toBe(SEEDED);
  });

  it('gathers them after afterOpenWaitMs when nobody lists (the CLI, a worker), then starts maintenance', async () => {
    const dataDir = await seededFolder();
    const core = await openTestCore({ dataDir, afterOpenWaitMs: 1 });
    const ticked = new Promise<void>((resolve) => core.events.once('maintenance', () => resolve()));
    await core.afterOpen;
    await ticked;
    await core.close();
    expect(await entriesReltuples(dataDir)).toBe(SEEDED);
  });

  it('a close before the first list skips them and still closes the folder cleanly', async () => {
    const dataDir = await seededFolder();
    const core = await openTestCore({ dataDir, afterOpenWaitMs: NEVER });
    await core.close();
    await core.afterOpen;
    expect(await entriesReltuples(dataDir)).not.toBe(SEEDED);
    // The folder reopens as an existing database with every entry.
    const again = await openTestCore({ dataDir });
    expect(again.createdFrom).toBe('existing');
    expect((await ok(again.invoke('entries:list', { limit: 100 }))).items).toHaveLength(SEEDED);
  });
});
