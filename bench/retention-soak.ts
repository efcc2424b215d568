/**
 * Retention soak (issue 11, item 5): steady load on an on-disk data folder with retention on, the
 * folder's size sampled over time. With retention working the size levels off: entries past the
 * retention are deleted with their events, VACUUM makes their space reusable, and new rows fill it.
 *
 *   npm run soak:retention -- [--minutes 10] [--rate 40] [--retention-s 60] [--workers 4]
 *                             [--sample-s 15] [--data-dir DIR] [--json]
 *
 * Time is the trick: retention is set to its minimum (1 day) and the core is given a clock one day
 * minus --retention-s ahead, so the cutoff (clock.now() − 1 day) trails real time by --retention-s.
 * Nothing else reads that clock's wall time in a way that matters here (schedules run on monotonic
 * time), so the run is a real-time soak with a retention of --retention-s seconds.
 *
 * Load: --rate creates per second through `invoke` (as the app does), processed by --workers loops
 * with the demo pipeline at stage delay 0. Prints one line per sample (elapsed, entries stored,
 * completed so far, pruned so far, folder MB) and, at the end, the growth of the folder over the
 * first and the last third of the run. Exit 0 when the last third grew less than 10% of the first
 * third's growth + 1 MB (levelled off), 1 otherwise.
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { openCore, type Clock } from '../src/main/core/index';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    rate: { type: 'string', default: '40' },
    'retention-s': { type: 'string', default: '60' },
    workers: { type: 'string', default: '4' },
    'sample-s': { type: 'string', default: '15' },
    'data-dir': { type: 'string' },
    json: { type: 'boolean', default: false },
  },
});
const minutes = Number(values.minutes);
const rate = Number(values.rate);
const retentionS = Number(values['retention-s']);
const workers = Number(values.workers);
const sampleS = Number(values['sample-s']);
const DAY = 24 * 3600_000;

function folderBytes(dir: string): number {
  let total = 0;
  for (const d of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, d.name);
    if (d.isDirectory()) total += folderBytes(p);
    else if (d.isFile()) total += statSync(p).size;
  }
  return total;
}

const mb = (b: number) => Math.round((b / 1048576) * 10) / 10;
const own = values['data-dir'] === undefined;
const dataDir = values['data-dir'] ?? join(mkdtempSync(join(tmpdir(), 'entryflow-retention-soak-')), 'data');
const clock: Clock = { now: () => Date.now() + DAY - retentionS * 1000, monotonic: () => performance.now() };

interface Sample {
  s: number;
  stored: number;
  completed: number;
  pruned: number;
  mb: number;
}

let code = 1;
try {
  const core = await openCore({ dataDir, workers, batchSize: 8, stageDelayMs: 0, clock });
  const set = await core.invoke('queue:update', { retentionDays: 1, paused: false });
  if (!set.ok) throw new Error(set.error.message);
  let completed = 0;
  let pruned = 0;
  core.events.on('transition', ({ entry }) => {
    if (entry.status === 'COMPLETED') completed++;
  });
  core.events.on('housekeeping', (h) => (pruned += h.pruned));

  const started = performance.now();
  const endAt = started + minutes * 60_000;
  const samples: Sample[] = [];
  const sample = async () => {
    const stats = await core.invoke('entries:stats', {});
    const s: Sample = { s: Math.round((performance.now() - started) / 1000), stored: stats.ok ? stats.data.total : -1, completed, pruned, mb: mb(folderBytes(dataDir)) };
    samples.push(s);
    if (!values.json) console.log(`${String(s.s).padStart(5)} s  stored ${String(s.stored).padStart(7)}  completed ${String(s.completed).padStart(8)}  pruned ${String(s.pruned).padStart(8)}  folder ${s.mb} MB`);
  };
  await sample();
  let nextSample = started + sampleS * 1000;
  let made = 0;
  while (performance.now() < endAt) {
    // Create at --rate on average, in small bursts every 100 ms.
    const due = Math.floor(((performance.now() - started) / 1000) * rate) - made;
    for (let i = 0; i < due; i++) await core.invoke('entries:create', { title: `soak ${made + i}` });
    made += Math.max(0, due);
    if (performance.now() >= nextSample) {
      nextSample += sampleS * 1000;
      await sample();
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  await sample();
  await core.close();

  const third = Math.max(1, Math.floor(samples.length / 3));
  const first = samples[third] as Sample;
  const start = samples[0] as Sample;
  const last = samples[samples.length - 1] as Sample;
  const lastThird = samples[samples.length - 1 - third] as Sample;
  const early = first.mb - start.mb;
  const late = last.mb - lastThird.mb;
  const levelled = late <= early * 0.1 + 1;
  const summary = { minutes, rate, retentionS, workers, created: made, completed, pruned, firstThirdGrowthMb: early, lastThirdGrowthMb: late, finalMb: last.mb, levelled };
  console.log(values.json ? JSON.stringify({ ...summary, samples }, null, 2) : `\n${JSON.stringify(summary)}`);
  code = levelled ? 0 : 1;
} finally {
  if (own) rmSync(join(dataDir, '..'), { recursive: true, force: true });
}
process.exit(code);
