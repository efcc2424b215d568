/**
 * Search latency at 100k rows (issue 13, item 6): one `entries:list` page with a search, through the
 * API, on the embedded driver. The search matches id, title, error and result (store.ts).
 *
 *   npx tsx bench/search.ts [--rows 100000]
 *
 * Prints the median and p95 per kind of search: the page query alone, the match count alone, and the
 * whole entries:list call (both at once, plus the status counts) that the dashboard makes.
 */
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openCore } from '../src/main/core/index';
import { finishedEntriesSql, seedFolder } from './seed';
import { pct } from './stats';

const { values } = parseArgs({ options: { rows: { type: 'string', default: '100000' }, runs: { type: 'string', default: '40' } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-search-bench-'));

try {
  await seedFolder(
    dataDir,
    finishedEntriesSql(rows, {
      titles: ['Quarterly report', 'Reconcile invoices', 'Customer import', 'Backup check'],
      result: "'Processed at 2026-11-30T08:00:00.000Z'",
    }),
  );
  const core = await openCore({ dataDir, workers: 0 });
  // The seed's ids are its row numbers in hex, then md5 of the number.
  const middle = Math.floor(rows / 2);
  const sample = `${middle.toString(16).padStart(8, '0')}-${createHash('md5').update(String(middle)).digest('hex')}`;
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
