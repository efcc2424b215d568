/**
 * `npm run bench`: the embedded engine measured side by side in one run, on PGlite on disk.
 * Prints figures and ratios; asserts nothing (the machines are noisy: medians of repeats where cheap).
 *
 *   1. pipeline throughput: 5,000 entries, stage delay 0 and 1 ms, 4 and 16 workers, batch 1 and 16
 *   2. the floor: the bare claim and finish statements timed alone
 *   3. pickup latency: create → claimed, p50/p99
 *   4. list page + counts latency at 1k, 10k and 100k rows
 *   5. the peer: pg-boss on the same PGlite, against Entryflow's one-stage pipeline
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore, type Core } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';
import { median, pct } from './stats';

const { values: args } = parseArgs({
  options: {
    entries: { type: 'string', default: '5000' },
    quick: { type: 'boolean', default: false },
    'skip-peer': { type: 'boolean', default: false },
  },
});
const N = Number(args.entries);
const root = mkdtempSync(join(tmpdir(), 'entryflow-bench-'));
let dirs = 0;
const newDir = () => join(root, `d${++dirs}`);

const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

async function seed(core: Core, n: number): Promise<void> {
  for (let i = 0; i < n; i++) await core.invoke('entries:create', { title: `bench ${i}` });
}

async function drain(core: Core, n: number, finalStatus = 'COMPLETED'): Promise<void> {
  let done = 0;
  await new Promise<void>((resolve) => {
    core.events.on('transition', ({ entry }) => {
      if (entry.status === finalStatus && ++done === n) resolve();
    });
  });
}

/** Seeds N entries with no workers, then times a pool draining them all. */
async function pipelineRun(workers: number, batchSize: number, stageDelayMs: number, stages = 3) {
  const dataDir = newDir();
  const seeder = await openCore({ dataDir, workers: 0 });
  await seed(seeder, N);
  await seeder.runMaintenance();
  await seeder.close();
  const pipeline = stages === 3 ? undefined : [{ name: 'noop', run: () => Promise.resolve() }];
  const core = await openCore({ dataDir, workers: 0 });
  await core.close();
  const running = await openCore({ dataDir, workers, batchSize, stageDelayMs, ...(pipeline ? { pipeline } : {}) });
  const opened = performance.now();
  await drain(running, N);
  const seconds = (performance.now() - opened) / 1000;
  await running.close();
  return { entriesPerSec: N / seconds, transitionsPerSec: (stages * N) / seconds, seconds };
}

async function bareStatements() {
  const core = await openCore({ dataDir: newDir(), workers: 0 });
  const n = Math.min(N, 2000);
  await seed(core, n);
  await core.runMaintenance();
  const claimMs: number[] = [];
  const finishMs: number[] = [];
  for (let i = 0; i < n; i++) {
    let t = performance.now();
    const [e] = await core.store.claim('bare', 1);
    claimMs.push(performance.now() - t);
    if (!e) break;
    t = performance.now();
    await core.store.finishAndClaim('bare', [{ id: e.id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }], 0);
    finishMs.push(performance.now() - t);
  }
  await core.close();
  return { claim: median(claimMs), finish: median(finishMs) };
}

async function pickupLatency(samples: number) {
  const core = await openCore({ dataDir: newDir(), workers: 4, stageDelayMs: 0, idlePollMs: 60_000 });
  const lat: number[] = [];
  for (let i = 0; i < samples; i++) {
    const claimed = new Promise<number>((resolve) => {
      const on = () => {
        core.events.off('claimed', on);
        resolve(performance.now());
      };
      core.events.on('claimed', on);
    });
    const t = performance.now();
    await core.invoke('entries:create', { title: `pickup ${i}` });
    lat.push((await claimed) - t);
    // Let the pipeline finish so the next sample starts from idle loops.
    await drainOne(core);
  }
  await core.close();
  return { p50: pct(lat, 50), p99: pct(lat, 99) };
}

async function drainOne(core: Core) {
  for (;;) {
    const r = await core.invoke('entries:list', { limit: 1 });
    if (r.ok && r.data.counts.CREATED + r.data.counts.STAGE_1 + r.data.counts.STAGE_2 === 0) return;
    await new Promise((res) => setTimeout(res, 2));
  }
}

/** Bulk rows straight into PGlite (bench setup only), then list+counts timed through the API. */
async function listLatency(rows: number) {
  const dataDir = newDir();
  const c = await openCore({ dataDir, workers: 0 });
  await c.close();
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  await db.exec(`
    INSERT INTO entries (id, title, status, progress, result)
      SELECT 'seed-' || lpad(g::text, 9, '0'), 'bulk entry ' || g,
             CASE WHEN g % 97 = 0 THEN 'FAILED' WHEN g % 50 = 0 THEN 'CREATED' ELSE 'COMPLETED' END,
             CASE WHEN g % 50 = 0 THEN 0 ELSE 100 END, NULL
      FROM generate_series(1, ${rows}) g;
    INSERT INTO entry_counts (status, delta) SELECT status, count(*) FROM entries GROUP BY status;`);
  await db.close();
  const core = await openCore({ dataDir, workers: 0 });
  await core.runMaintenance();
  const page: number[] = [];
  const filtered: number[] = [];
  const search: number[] = [];
  for (let i = 0; i < 60; i++) {
    let t = performance.now();
    await core.invoke('entries:list', { limit: 50 });
    page.push(performance.now() - t);
    t = performance.now();
    await core.invoke('entries:list', { limit: 50, status: 'FAILED' });
    filtered.push(performance.now() - t);
    t = performance.now();
    await core.invoke('entries:list', { limit: 50, search: 'entry 9' });
    search.push(performance.now() - t);
  }
  await core.close();
  return { page: median(page), filtered: median(filtered), search: median(search) };
}

async function entryflowOneStage(jobs: number, concurrency: number, batchSize: number) {
  const dataDir = newDir();
  const core = await openCore({ dataDir, workers: concurrency, batchSize, idlePollMs: 1000, pipeline: [{ name: 'noop', run: () => Promise.resolve() }] });
  const starts = new Map<string, number>();
  const created = new Map<string, number>();
  core.events.on('claimed', ({ ids }) => {
    const now = performance.now();
    for (const id of ids) starts.set(id, now);
  });
  const t0 = performance.now();
  const done = drain(core, jobs);
  for (let i = 0; i < jobs; i++) {
    const before = performance.now();
    const r = await core.invoke('entries:create', { title: `job ${i}` });
    if (r.ok) created.set(r.data.id, before);
  }
  await done;
  const seconds = (performance.now() - t0) / 1000;
  await core.close();
  const lat = [...created].map(([id, t]) => (starts.get(id) ?? NaN) - t).filter((x) => Number.isFinite(x));
  return { jobsPerSec: jobs / seconds, p50: pct(lat, 50), p99: pct(lat, 99) };
}

/**
 * pg-boss 12 on PGlite the way its docs set it up: its own `fromPglite` adapter with
 * `backend: 'pglite'`, in-process LISTEN/NOTIFY (`useListenNotify` + a `notify` queue), and one
 * `work()` with `concurrency` local workers fetching `batchSize` at a time and re-fetching at once
 * while batches come back full (`burstWhenBatchFull`).
 */
async function pgBossOnPglite(jobs: number, concurrency: number, batchSize: number) {
  const { PgBoss, fromPglite } = await import('pg-boss');
  const pgdata = join(newDir(), PGDATA_DIR);
  mkdirSync(pgdata, { recursive: true });
  const db = await PGlite.create({ dataDir: pgdata, extensions: PGLITE_EXTENSIONS });
  const boss = new PgBoss({ backend: 'pglite', db: fromPglite(db), useListenNotify: true, supervise: false, schedule: false });
  const warnings: string[] = [];
  boss.on('warning', (w) => warnings.push(w.message));
  boss.on('error', (err) => warnings.push(err.message));
  await boss.start();
  await boss.createQueue('bench', { notify: true });
  const sentAt = new Map<string, number>();
  const lat: number[] = [];
  let done = 0;
  const t0 = performance.now();
  const finished = new Promise<void>((resolve) => {
    void boss.work('bench', { localConcurrency: concurrency, batchSize, burstWhenBatchFull: true }, (batch) => {
      const now = performance.now();
      for (const j of batch) {
        const s = sentAt.get(j.id);
        if (s !== undefined) lat.push(now - s);
        if (++done === jobs) resolve();
      }
      return Promise.resolve();
    });
  });
  for (let i = 0; i < jobs; i++) {
    const before = performance.now();
    const id = await boss.send('bench', { i });
    if (id) sentAt.set(id, before);
  }
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  await boss.stop({ graceful: false, close: false }).catch(() => undefined);
  await db.close();
  return { jobsPerSec: jobs / seconds, p50: pct(lat, 50), p99: pct(lat, 99), warnings };
}

async function main() {
  console.log(`Entryflow embedded benchmark — PGlite on disk in ${root}`);
  console.log(`node ${process.version}, ${N.toLocaleString()} entries per pipeline run\n`);

  console.log('1. Pipeline throughput (3 stages; entries seeded first, then drained)');
  console.log('   workers  batch  delay   entries/s  transitions/s');
  const configs: [number, number, number][] = args.quick
    ? [[4, 1, 0], [16, 16, 0]]
    : [[4, 1, 0], [16, 1, 0], [4, 1, 1], [16, 1, 1], [4, 16, 0], [16, 16, 0], [4, 16, 1], [16, 16, 1], [16, 50, 0]];
  const results: Record<string, number> = {};
  for (const [w, b, d] of configs) {
    const r = await pipelineRun(w, b, d);
    results[`${w}/${b}/${d}`] = r.transitionsPerSec;
    console.log(`   ${String(w).padStart(7)}  ${String(b).padStart(5)}  ${String(d).padStart(3)} ms  ${f(r.entriesPerSec).padStart(10)}  ${f(r.transitionsPerSec).padStart(13)}`);
  }

  console.log('\n2. The floor: bare statements alone (median of up to 2,000 each)');
  const bare = await bareStatements();
  const floor = 1000 / (bare.claim + bare.finish);
  console.log(`   claim (1 entry) ${bare.claim.toFixed(3)} ms, finish (1 entry) ${bare.finish.toFixed(3)} ms → floor ${f(floor)} transitions/s at batch 1`);
  for (const [k, v] of Object.entries(results)) console.log(`   ${k.padEnd(9)} (workers/batch/delay) reaches ${f(v / floor, 2)}× the batch-1 floor`);

  console.log('\n3. Pickup latency: create → claimed by an idle worker (idle timer 60 s, so only the wake counts)');
  const pick = await pickupLatency(args.quick ? 50 : 200);
  console.log(`   p50 ${pick.p50.toFixed(2)} ms, p99 ${pick.p99.toFixed(2)} ms`);

  console.log('\n4. List page (50) + counts, median of 60 calls through invoke');
  for (const rows of args.quick ? [1000, 10_000] : [1000, 10_000, 100_000]) {
    const l = await listLatency(rows);
    console.log(`   ${f(rows).padStart(7)} rows: newest ${l.page.toFixed(2)} ms, status filter ${l.filtered.toFixed(2)} ms, title search ${l.search.toFixed(2)} ms`);
  }

  if (!args['skip-peer']) {
    const jobs = args.quick ? 1000 : N;
    console.log(`\n5. Peer on the same engine: ${f(jobs)} no-op jobs, concurrency 16`);
    const ef = await entryflowOneStage(jobs, 16, 10);
    console.log(`   Entryflow one-stage (16 workers, batch 10): ${f(ef.jobsPerSec)} jobs/s, add→start p50 ${ef.p50.toFixed(1)} ms, p99 ${ef.p99.toFixed(1)} ms`);
    try {
      const pb = await pgBossOnPglite(jobs, 16, 10);
      console.log(`   pg-boss 12 on PGlite (fromPglite, 16 workers, batchSize 10, burstWhenBatchFull, LISTEN/NOTIFY): ${f(pb.jobsPerSec)} jobs/s, add→start p50 ${pb.p50.toFixed(1)} ms, p99 ${pb.p99.toFixed(1)} ms`);
      for (const w of pb.warnings) console.log(`   pg-boss said: ${w}`);
      console.log(`   ratio Entryflow / pg-boss: ${f(ef.jobsPerSec / pb.jobsPerSec, 2)}× jobs/s`);
    } catch (err) {
      console.log(`   pg-boss on PGlite could not run here: ${(err as Error).message}`);
    }
  }
  rmSync(root, { recursive: true, force: true });
}

await main();
