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
import { openCore } from '../src/main/core/index';
import { finishedEntriesSql, seedFolder } from './seed';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' } } });
const rows = Number(values.rows);
const work = mkdtempSync(join(tmpdir(), 'entryflow-export-bench-'));
const dataDir = join(work, 'data');
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

try {
  // Titles with a comma, quotes and a leading '=' (CSV's hard cases), and a long result.
  await seedFolder(
    dataDir,
    finishedEntriesSql(rows, {
      titles: ['Quarterly report, Q', 'Reconcile "invoices"', 'Customer import', '=Backup check'],
      result: "'Processed at 2026-11-30T08:00:00.000Z; ' || repeat(md5(g::text), 5)",
    }),
  );

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
