/**
 * Search latency at 100k rows (issue 13, item 6): one `entries:list` page with a search, through the
 * API, on the embedded driver. The search matches id, title, error and result (store.ts).
 *
 *   npx tsx bench/search.ts [--rows 100000]
 *
 * Prints the median and p95 per kind of search: the page query alone, the match count alone, and the
 * whole entries:list call (both at once, plus the status counts) that the dashboard makes.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';
import { pct } from './stats';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '40' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-search-bench-'));

try {
  const c = await openCore({ dataDir, workers: 0 });
  await c.close();
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  // Like real data: uuid ids, varied titles, a timestamped result on completed entries and an HTTP
  // error on 1 in 97 (FAILED).
  await db.exec(`
    INSERT INTO entries (id, title, status, progress, result, error)
      SELECT lpad(to_hex(g), 8, '0') || '-' || md5(g::text),
             (ARRAY['Quarterly report', 'Reconcile invoices', 'Customer import', 'Backup check'])[1 + g % 4] || ' ' || g,
             CASE WHEN g % 97 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
             CASE WHEN g % 97 = 0 THEN 33 ELSE 100 END,
             CASE WHEN g % 97 = 0 THEN NULL ELSE 'Processed at 2026-11-30T08:00:00.000Z' END,
             CASE WHEN g % 97 = 0 THEN 'upstream answered 503 Service Unavailable' END
      FROM generate_series(1, ${rows}) g;
    INSERT INTO entry_counts (status, delta) SELECT status, count(*) FROM entries GROUP BY status;`);
  const sample = (await db.query<{ id: string }>(`SELECT id FROM entries ORDER BY id LIMIT 1 OFFSET ${Math.floor(rows / 2)}`)).rows[0]?.id ?? '';
  await db.close();

  const core = await openCore({ dataDir, workers: 0 });
  await core.runMaintenance();
  const searches: Record<string, string> = {
    'common word (title)': 'report',
    'error text 503': '503',
    'full id': sample,
    'id suffix …8': `…${sample.slice(-8)}`,
    'no match': 'zzzz-nothing',
  };
  console.log(`rows=${rows} runs=${runs}`);
  const ms = (xs: number[]) => `median ${pct(xs, 50).toFixed(2)} ms p95 ${pct(xs, 95).toFixed(2)} ms`;
  for (const [name, search] of Object.entries(searches)) {
    const call: number[] = [];
    const page: number[] = [];
    const count: number[] = [];
    let matched = '';
    for (let i = 0; i < runs; i++) {
      let t = performance.now();
      const r = await core.invoke('entries:list', { limit: 100, search });
      call.push(performance.now() - t);
      if (r.ok) matched = `${r.data.items.length} shown, ${r.data.matched?.count ?? '-'}${r.data.matched?.capped ? '+' : ''} match`;
      // The two queries of that call apart: the page, and the match count.
      t = performance.now();
      await core.store.list({ search, limit: 100 });
      page.push(performance.now() - t);
      t = performance.now();
      await core.store.countMatching({ search });
      count.push(performance.now() - t);
    }
    console.log(`${name.padEnd(22)} page ${ms(page)} | count ${ms(count)} | list call ${ms(call)}  (${matched})`);
  }
  await core.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
