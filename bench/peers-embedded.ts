/**
 * `npm run bench:peers`: Entryflow against pg-boss 12 on PGlite on disk, side by side in one run,
 * each in the configuration a user gets by default and in its best documented one. N no-op jobs
 * are seeded first with nothing running; the drain is timed from the call that lets the workers go
 * until the last job is done. Rounds alternate between the systems; medians are printed with the
 * load average, then the three-stage pipeline (issue 12's target b). Asserts nothing.
 *
 *   npm run bench:peers -- [--jobs 5000] [--rounds 3]
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore, type CoreOptions } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';
import { loadAverage, median } from './stats';

const { values: args } = parseArgs({ options: { jobs: { type: 'string', default: '5000' }, rounds: { type: 'string', default: '3' } } });
const N = Number(args.jobs);
const ROUNDS = Number(args.rounds);
const root = mkdtempSync(join(tmpdir(), 'entryflow-peers-'));
let dirs = 0;
const newDir = () => join(root, `d${++dirs}`);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const noop = { name: 'noop', run: () => Promise.resolve() };

/** Seeds N entries paused, reopens with `options`, and times the drain from the resume. */
async function entryflow(options: CoreOptions, stages: 1 | 3): Promise<number> {
  const dataDir = newDir();
  const pipeline = stages === 1 ? [noop] : undefined;
  const seeder = await openCore({ dataDir, workers: 0, ...(pipeline ? { pipeline } : {}) });
  for (let i = 0; i < N; i++) await seeder.invoke('entries:create', { title: `job ${i}` });
  await seeder.invoke('queue:update', { paused: true });
  await seeder.runMaintenance();
  await seeder.close();
  const core = await openCore({ dataDir, stageDelayMs: 0, ...options, ...(pipeline ? { pipeline } : {}) });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    core.events.on('transition', ({ entry }) => {
      if (entry.status === 'COMPLETED' && ++done === N) resolve();
    });
  });
  const t0 = performance.now();
  await core.invoke('queue:update', { paused: false });
  await finished;
  const perSec = N / ((performance.now() - t0) / 1000);
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
  return perSec;
}

/**
 * pg-boss 12 on PGlite as its docs set it up: its `fromPglite` adapter, a queue, `insert` of the
 * jobs, then `work()`. Default: `work(name, handler)` with nothing else. Best: 16 local workers
 * fetching `batchSize` at a time and fetching again at once while batches come back full.
 */
async function pgBoss(work: { localConcurrency?: number; batchSize?: number; burstWhenBatchFull?: boolean }, maxSeconds = 600): Promise<number> {
  const { PgBoss, fromPglite } = await import('pg-boss');
  const dir = newDir();
  const pgdata = join(dir, PGDATA_DIR);
  mkdirSync(pgdata, { recursive: true });
  const db = await PGlite.create({ dataDir: pgdata, extensions: PGLITE_EXTENSIONS });
  const boss = new PgBoss({ backend: 'pglite', db: fromPglite(db), supervise: false, schedule: false });
  boss.on('error', (err) => console.log(`   pg-boss said: ${err.message}`));
  await boss.start();
  await boss.createQueue('bench');
  for (let i = 0; i < N; i += 1000) {
    await boss.insert('bench', Array.from({ length: Math.min(1000, N - i) }, (_, k) => ({ data: { i: i + k } })));
  }
  let done = 0;
  let t0 = 0;
  let box: NodeJS.Timeout | undefined;
  const finished = new Promise<void>((resolve) => {
    t0 = performance.now();
    // Its default fetches one job per poll (2 s): the rate is then taken over a time box, not N jobs.
    box = setTimeout(resolve, maxSeconds * 1000);
    void boss.work('bench', work, (batch) => {
      done += batch.length;
      if (done >= N) resolve();
      return Promise.resolve();
    });
  });
  await finished;
  clearTimeout(box);
  if (done < N) console.log(`   (pg-boss ${JSON.stringify(work)}: ${done} of ${N} jobs in the ${maxSeconds} s box)`);
  const perSec = done / ((performance.now() - t0) / 1000);
  await boss.stop({ graceful: false, close: false }).catch(() => undefined);
  await db.close();
  rmSync(dir, { recursive: true, force: true });
  return perSec;
}

interface Row {
  name: string;
  run: () => Promise<number>;
  samples: number[];
}

async function rounds(rows: Row[]): Promise<void> {
  for (let r = 0; r < ROUNDS; r++) {
    for (const row of r % 2 === 0 ? rows : [...rows].reverse()) {
      row.samples.push(await row.run());
      console.log(`   ${row.name}: ${f(row.samples.at(-1) ?? NaN, 1)}/s`);
    }
    console.log(`   round ${r + 1} of ${ROUNDS} done (load ${loadAverage()})`);
  }
  for (const row of rows) console.log(`   ${row.name.padEnd(64)} ${f(median(row.samples), 1).padStart(9)}/s  (${row.samples.map((x) => f(x, 1)).join(', ')})`);
}

async function main() {
  console.log(`Entryflow vs pg-boss 12 on PGlite on disk, ${f(N)} pre-seeded no-op jobs, ${ROUNDS} alternating rounds`);
  console.log(`node ${process.version}, ${new Date().toISOString()}, load average ${loadAverage()}\n`);

  console.log('1. One no-op stage (jobs/s)');
  const one: Row[] = [
    { name: 'Entryflow default (4 workers, claim size auto)', run: () => entryflow({}, 1), samples: [] },
    { name: 'pg-boss default (work(name, handler))', run: () => pgBoss({}, 20), samples: [] },
    { name: 'Entryflow best (2 workers, batch 500)', run: () => entryflow({ workers: 2, batchSize: 500 }, 1), samples: [] },
    { name: 'pg-boss best (16 workers, batchSize 10, burstWhenBatchFull)', run: () => pgBoss({ localConcurrency: 16, batchSize: 10, burstWhenBatchFull: true }), samples: [] },
    { name: 'pg-boss (16 workers, batchSize 50, burstWhenBatchFull)', run: () => pgBoss({ localConcurrency: 16, batchSize: 50, burstWhenBatchFull: true }), samples: [] },
    // The shape of Entryflow's best, for pg-boss: as few statements as it can make.
    { name: 'pg-boss (2 workers, batchSize 500, burstWhenBatchFull)', run: () => pgBoss({ localConcurrency: 2, batchSize: 500, burstWhenBatchFull: true }), samples: [] },
  ];
  await rounds(one);
  const m = (i: number) => median(one[i]?.samples ?? []);
  console.log(`   default vs default: ${f(m(0) / m(1), 2)}×`);
  // Entryflow's best is whichever of its two configurations was faster in this run.
  console.log(`   best vs best: ${f(Math.max(m(0), m(2)) / Math.max(m(3), m(4), m(5)), 2)}×`);

  console.log('\n2. Three-stage pipeline, stage delay 0 (entries/s)');
  const three: Row[] = [
    { name: 'Entryflow default (4 workers, claim size auto)', run: () => entryflow({}, 3), samples: [] },
    { name: 'Entryflow 16 workers, claim size auto', run: () => entryflow({ workers: 16 }, 3), samples: [] },
    { name: 'Entryflow 4 workers, batch 1 (the old default)', run: () => entryflow({ batchSize: 1 }, 3), samples: [] },
    { name: 'Entryflow 16 workers, batch 50', run: () => entryflow({ workers: 16, batchSize: 50 }, 3), samples: [] },
    { name: 'Entryflow 2 workers, batch 500', run: () => entryflow({ workers: 2, batchSize: 500 }, 3), samples: [] },
  ];
  await rounds(three);
  const t = (i: number) => median(three[i]?.samples ?? []);
  const best = Math.max(...three.map((r) => median(r.samples)));
  console.log(`   default is ${f(best / t(0), 2)}× slower than the best here; auto vs the old default: ${f(t(0) / t(2), 1)}×`);
  console.log(`\nload average at the end: ${loadAverage()}`);
  rmSync(root, { recursive: true, force: true });
}

await main();
