/**
 * Export at 100k entries (issue 11, item 6): entries:export to a file, CSV and JSON, on the embedded
 * driver, as the app runs it (the chooser answers a temp path at once).
 *
 *   npm run bench:export [-- --rows 100000]
 *
 * Seeds the rows with one INSERT … SELECT (results of ~200 characters, an error on 1 in 97), opens a
 * core, then per format prints the time, the file size, the RSS before the export and the peak RSS
 * sampled every 20 ms during it. Streaming means the peak stays near the baseline whatever --rows is;
 * run it at two sizes to see that the growth is not proportional.
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const work = mkdtempSync(join(tmpdir(), 'entryflow-export-bench-'));
const dataDir = join(work, 'data');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  const c = await openCore({ dataDir, workers: 0 });
  await c.close();
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  await db.exec(`
    INSERT INTO entries (id, title, status, progress, result, error)
      SELECT lpad(to_hex(g), 8, '0') || '-' || md5(g::text),
             (ARRAY['Quarterly report, Q', 'Reconcile "invoices"', 'Customer import', '=Backup check'])[1 + g % 4] || ' ' || g,
             CASE WHEN g % 97 = 0 THEN 'FAILED' ELSE 'COMPLETED' END,
             CASE WHEN g % 97 = 0 THEN 33 ELSE 100 END,
             CASE WHEN g % 97 = 0 THEN NULL ELSE 'Processed at 2026-11-30T08:00:00.000Z; ' || repeat(md5(g::text), 5) END,
             CASE WHEN g % 97 = 0 THEN 'upstream answered 503 Service Unavailable' END
      FROM generate_series(1, ${rows}) g;
    INSERT INTO entry_counts (status, delta) SELECT status, count(*) FROM entries GROUP BY status;`);
  await db.close();

  let target = '';
  const core = await openCore({ dataDir, workers: 0, chooseExportPath: () => Promise.resolve(target) });
  await core.runMaintenance();
  console.log(`rows=${rows} node=${process.version}`);
  for (const format of ['csv', 'json'] as const) {
    target = join(work, `export.${format}`);
    globalThis.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    let peakHeap = process.memoryUsage().heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peak = Math.max(peak, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 20);
    const t0 = performance.now();
    const r = await core.invoke('entries:export', { format });
    const ms = performance.now() - t0;
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    console.log(
      `${format}: ${r.data.count} entries in ${(ms / 1000).toFixed(2)} s, file ${mb(statSync(target).size)}, ` +
        `RSS before ${mb(baseline)}, peak during ${mb(peak)} (+${mb(peak - baseline)}); JS heap peak ${mb(peakHeap)}`,
    );
  }
  await core.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
