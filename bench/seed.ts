/**
 * Seeding a bench's data folder at SQL speed: through the API, 100,000 entries would take minutes,
 * and what a bench measures is the reading, not the writing.
 */
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { openCore } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';

/**
 * A new data folder at the current schema (a core opened and closed on it), then each script run in
 * it, in order (apart, as VACUUM cannot run in the transaction of a multi-statement script).
 */
export async function seedFolder(dataDir: string, ...scripts: string[]): Promise<void> {
  const core = await openCore({ dataDir, workers: 0 });
  await core.close();
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  try {
    for (const script of scripts) await db.exec(script);
  } finally {
    await db.close();
  }
}

/**
 * `rows` finished entries like real data, with their counts: UUID-like ids, four kinds of title, a
 * result on completed entries and an HTTP error on 1 in 97 (FAILED). `titles` and `result` (an SQL
 * expression of the row number `g`) let a bench vary the text it reads.
 */
export function finishedEntriesSql(rows: number, opts: { titles: readonly string[]; result: string }): string {
  const titles = opts.titles.map((t) => `'${t.replaceAll("'", "''")}'`).join(', ');
  return `
    INSERT INTO entries (id, title, status, progress, result, error)
      SELECT lpad(to_hex(g), 8, '0') || '-' || md5(g::text),
             (ARRAY[${titles}])[1 + g % ${opts.titles.length}] || ' ' || g,
             CASE WHEN g % 97 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
             CASE WHEN g % 97 = 0 THEN 33 ELSE 100 END,
             CASE WHEN g % 97 = 0 THEN NULL ELSE ${opts.result} END,
             CASE WHEN g % 97 = 0 THEN 'upstream answered 503 Service Unavailable' END
      FROM generate_series(1, ${rows}) g;
    INSERT INTO entry_counts (status, delta) SELECT status, count(*) FROM entries GROUP BY status;`;
}
