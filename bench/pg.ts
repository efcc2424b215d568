/**
 * `npm run bench:pg`: Entryflow against graphile-worker and pg-boss on one shared PostgreSQL server
 * (TEST_DATABASE_URL / ENTRYFLOW_DATABASE_URL / --database-url), each system in a fresh schema that
 * is dropped at the end. Prints figures and ratios; asserts nothing.
 *
 *   1. throughput: N no-op jobs bulk-seeded first (no workers running), then the drain timed from the
 *      call that starts the workers until a poll (every 50 ms, separate connection) sees no job left
 *      unfinished in the database. Concurrency 16 everywhere.
 *   2. add → start latency, p50/p99: jobs added one at a time at a steady rate; the time runs from
 *      just before the add call is issued to the moment the handler starts. Entryflow: the adds come
 *      from this process and the workers run in a child process (bench/pg-child.ts). The peers: adder
 *      and runner are in this process, on separate connection pools.
 *
 *   npm run bench:pg -- [--jobs 20000] [--adds 200] [--quick] [--database-url URL]
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { Logger, makeWorkerUtils, run, type Runner, type TaskList } from 'graphile-worker';
import { PgBoss, type WorkOptions } from 'pg-boss';
import { uuidv7 } from 'uuidv7';
import { openCore, type Stage } from '../src/main/core/index';
import { loadAverage, pct } from './stats';

const { values: args } = parseArgs({
  options: {
    jobs: { type: 'string' },
    adds: { type: 'string' },
    quick: { type: 'boolean', default: false },
    'database-url': { type: 'string' },
  },
});
const URL = args['database-url'] ?? process.env.TEST_DATABASE_URL ?? process.env.ENTRYFLOW_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const N = Number(args.jobs ?? (args.quick ? '2000' : '20000'));
const ADDS = Number(args.adds ?? (args.quick ? '50' : '200'));
const ADD_EVERY_MS = 20;
const CONCURRENCY = 16;
const POOL = CONCURRENCY + 4; // Entryflow opens workers + 4 connections; the peers get the same.
if (!Number.isInteger(N) || N < 1 || !Number.isInteger(ADDS) || ADDS < 2) throw new RangeError('--jobs and --adds must be whole numbers (adds ≥ 2)');

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..');
const RUN_ID = randomBytes(3).toString('hex');
const schemas: string[] = [];
const newSchema = (tag: string) => {
  const s = `bench_${RUN_ID}_${tag}`;
  schemas.push(s);
  return s;
};

const f = (n: number, d = 0) => (Number.isFinite(n) ? n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d }) : '—');
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const log = (s: string) => process.stderr.write(`  … ${s}\n`);

const admin = new pg.Client({ connectionString: URL });

/** Polls `sql` (a count of unfinished jobs) until it is 0; resolves with the seconds since `t0`. */
async function drained(sql: string, t0: number, timeoutMs = 600_000): Promise<number> {
  for (;;) {
    const { rows } = await admin.query<{ n: string }>(sql);
    if (Number(rows[0]?.n) === 0) return (now() - t0) / 1000;
    if (now() - t0 > timeoutMs) throw new Error(`not drained after ${timeoutMs} ms: ${sql}`);
    await sleep(50);
  }
}

/** Adds ADDS jobs, one every ADD_EVERY_MS, and waits until each was seen starting. Returns ms latencies. */
async function steadyAdds(add: (i: number) => Promise<unknown>, started: Map<number, number>): Promise<number[]> {
  const issued = new Map<number, number>();
  const t0 = now();
  for (let i = 0; i < ADDS; i++) {
    const due = t0 + i * ADD_EVERY_MS;
    if (due > now()) await sleep(due - now());
    issued.set(i, now());
    await add(i);
  }
  const deadline = now() + 30_000;
  while (started.size < ADDS && now() < deadline) await sleep(20);
  if (started.size < ADDS) log(`only ${started.size}/${ADDS} starts seen within 30 s; the rest count as missing`);
  return [...issued].filter(([i]) => started.has(i)).map(([i, t]) => (started.get(i) as number) - t);
}

interface Row {
  system: string;
  jobsPerSec: number;
  p50: number;
  p99: number;
  note: string;
}
const rows: Row[] = [];

// ---------------------------------------------------------------- Entryflow

const noop: Stage[] = [{ name: 'noop', run: () => Promise.resolve() }];
const threeNoops: Stage[] = [1, 2, 3].map((n) => ({ name: `noop ${n}`, run: () => Promise.resolve() }));

/** Bulk seed: the rows `entries:create` writes (entry, creation event, count delta), 2,000 per statement. */
async function seedEntryflow(schema: string, n: number): Promise<void> {
  const opener = await openCore({ databaseUrl: URL, schema, workers: 0 }); // creates and migrates the schema
  await opener.close();
  const c = new pg.Client({ connectionString: URL, options: `-c search_path=${schema}` });
  await c.connect();
  try {
    for (let done = 0; done < n; ) {
      const k = Math.min(2000, n - done);
      const ids = Array.from({ length: k }, () => uuidv7());
      const titles = ids.map((_, j) => `bench ${done + j}`);
      await c.query(
        `WITH e AS (INSERT INTO entries (id, title) SELECT * FROM unnest($1::text[], $2::text[]) RETURNING id, status),
              ev AS (INSERT INTO entry_events (entry_id, from_status, to_status) SELECT id, NULL, status FROM e)
         INSERT INTO entry_counts (status, delta) SELECT 'CREATED', count(*) FROM e`,
        [ids, titles],
      );
      done += k;
    }
    await c.query('ANALYZE');
  } finally {
    await c.end();
  }
}

async function entryflowThroughput(batchSize: number | 'auto', pipeline: Stage[], tag: string): Promise<number> {
  const schema = newSchema(tag);
  await seedEntryflow(schema, N);
  const t0 = now();
  const core = await openCore({ databaseUrl: URL, schema, workers: CONCURRENCY, batchSize, pipeline });
  const secs = await drained(`SELECT count(*) AS n FROM ${schema}.entries WHERE status <> 'COMPLETED'`, t0);
  await core.close();
  return N / secs;
}

/** One child process runs a core per batch size; this process adds through an API-only core. */
async function entryflowLatency(batchSizes: number[]): Promise<Map<number, number[]>> {
  const targets = batchSizes.map((b) => ({ batch: b, schema: newSchema(`ef_lat_b${b}`) }));
  for (const t of targets) await (await openCore({ databaseUrl: URL, schema: t.schema, workers: 0 })).close();
  const child = spawn(process.execPath, ['--import', 'tsx', join(REPO, 'bench', 'pg-child.ts'), URL, ...targets.map((t) => `${t.schema}:${t.batch}`)], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const started = new Map<string, Map<number, number>>(targets.map((t) => [t.schema, new Map()]));
  let ready: () => void = () => undefined;
  const isReady = new Promise<void>((r) => (ready = r));
  let buf = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const lines = buf.split('\n');
    buf = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') ready();
      const m = /^start (\S+) lat (\d+) ([\d.]+)$/.exec(line);
      if (m) started.get(m[1] as string)?.set(Number(m[2]), Number(m[3]));
    }
  });
  const exited = new Promise((r) => child.once('close', r));
  try {
    await Promise.race([isReady, exited.then(() => Promise.reject(new Error('bench/pg-child.ts exited before it was ready')))]);
    const out = new Map<number, number[]>();
    for (const t of targets) {
      const adder = await openCore({ databaseUrl: URL, schema: t.schema, workers: 0 });
      out.set(t.batch, await steadyAdds((i) => adder.invoke('entries:create', { title: `lat ${i}` }), started.get(t.schema) as Map<number, number>));
      await adder.close();
    }
    return out;
  } finally {
    child.kill('SIGTERM');
    await exited;
  }
}

// ---------------------------------------------------------------- graphile-worker

const quietLogger = new Logger(() => () => undefined);

async function graphileThroughput(batched: boolean, tag: string): Promise<number> {
  const schema = newSchema(tag);
  const utils = await makeWorkerUtils({ connectionString: URL, schema, logger: quietLogger });
  await utils.migrate();
  for (let done = 0; done < N; done += 2000) {
    await utils.addJobs(Array.from({ length: Math.min(2000, N - done) }, () => ({ identifier: 'noop', payload: {} })));
  }
  await utils.release();
  await admin.query(`ANALYZE ${schema}._private_jobs`);
  const taskList: TaskList = { noop: () => Promise.resolve() };
  const t0 = now();
  const runner: Runner = await run({ ...graphileOptions(schema, batched), taskList });
  const secs = await drained(`SELECT count(*) AS n FROM ${schema}._private_jobs`, t0);
  await runner.stop();
  return N / secs;
}

function graphileOptions(schema: string, batched: boolean) {
  return {
    connectionString: URL,
    schema,
    concurrency: CONCURRENCY,
    maxPoolSize: POOL,
    noHandleSignals: true,
    logger: quietLogger,
    ...(batched ? { preset: { worker: { localQueue: { size: 500 }, completeJobBatchDelay: 0, failJobBatchDelay: 0 } } } : {}),
  };
}

async function graphileLatency(batched: boolean, tag: string): Promise<number[]> {
  const schema = newSchema(tag);
  const utils = await makeWorkerUtils({ connectionString: URL, schema, logger: quietLogger });
  await utils.migrate();
  const started = new Map<number, number>();
  const taskList: TaskList = {
    noop: (payload) => {
      const i = (payload as { i: number }).i;
      started.set(i, now());
      return Promise.resolve();
    },
  };
  const runner = await run({ ...graphileOptions(schema, batched), taskList });
  try {
    return await steadyAdds((i) => utils.addJob('noop', { i }), started);
  } finally {
    await runner.stop();
    await utils.release();
  }
}

// ---------------------------------------------------------------- pg-boss

/**
 * pg-boss 12 as its docs configure it for throughput and latency: the instance LISTENs
 * (`useListenNotify`) and the queue NOTIFYs on insert (`notify: true`), so an idle worker wakes at
 * once; one `work()` with 16 local workers, each fetching batches of 10 and re-fetching without delay
 * while batches come back full (`burstWhenBatchFull`). Polling stays on as pg-boss's own backstop.
 */
const BOSS_WORK = { localConcurrency: CONCURRENCY, batchSize: 10, burstWhenBatchFull: true } satisfies WorkOptions;

async function newBoss(schema: string): Promise<PgBoss> {
  const boss = new PgBoss({ connectionString: URL, schema, max: POOL, schedule: false, supervise: false, useListenNotify: true });
  boss.on('error', (err: Error) => log(`pg-boss: ${err.message}`));
  boss.on('warning', (w: { message: string }) => log(`pg-boss warning: ${w.message}`));
  await boss.start();
  await boss.createQueue('noop', { notify: true });
  return boss;
}

/** 16 local workers × batchSize 10, the same shape as Entryflow's 16 loops × batchSize 10. */
async function bossWork(boss: PgBoss, onJob: (data: { i?: number }) => void): Promise<void> {
  await boss.work<{ i?: number }>('noop', BOSS_WORK, (jobs) => {
    for (const j of jobs) onJob(j.data);
    return Promise.resolve();
  });
}

async function bossThroughput(tag: string): Promise<number> {
  const schema = newSchema(tag);
  const boss = await newBoss(schema);
  for (let done = 0; done < N; done += 2000) {
    await boss.insert('noop', Array.from({ length: Math.min(2000, N - done) }, () => ({ data: {} })));
  }
  await admin.query(`ANALYZE ${schema}.job`);
  const t0 = now();
  await bossWork(boss, () => undefined);
  const secs = await drained(`SELECT count(*) AS n FROM ${schema}.job WHERE name = 'noop' AND state IN ('created', 'retry', 'active')`, t0);
  await boss.stop({ graceful: true, timeout: 10_000 });
  return N / secs;
}

async function bossLatency(tag: string): Promise<number[]> {
  const schema = newSchema(tag);
  const boss = await newBoss(schema);
  const adder = new PgBoss({ connectionString: URL, schema, max: 2, schedule: false, supervise: false, migrate: false });
  adder.on('error', (err: Error) => log(`pg-boss adder: ${err.message}`));
  await adder.start();
  const started = new Map<number, number>();
  await bossWork(boss, (d) => {
    if (d.i !== undefined) started.set(d.i, now());
  });
  try {
    return await steadyAdds((i) => adder.send('noop', { i }), started);
  } finally {
    await adder.stop({ graceful: false });
    await boss.stop({ graceful: true, timeout: 10_000 });
  }
}

// ---------------------------------------------------------------- main

async function main(): Promise<void> {
  await admin.connect();
  const version = (await admin.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
  const began = now();
  console.log(`# Entryflow vs graphile-worker vs pg-boss on one PostgreSQL server`);
  console.log(`node ${process.version}, PostgreSQL ${version}, ${cpus().length} cores (${cpus()[0]?.model.trim() ?? '?'}), load average ${loadAverage()} (1/5/15 min)`);
  console.log(`throughput: ${f(N)} no-op jobs bulk-seeded, then drained at concurrency ${CONCURRENCY} (pools of ${POOL} connections)`);
  console.log(`latency: ${ADDS} adds, one every ${ADD_EVERY_MS} ms, add issued → handler started`);
  console.log('');

  try {
    log('Entryflow throughput');
    const efAuto = await entryflowThroughput('auto', noop, 'ef_auto');
    const ef1 = await entryflowThroughput(1, noop, 'ef_b1');
    const ef10 = await entryflowThroughput(10, noop, 'ef_b10');
    const ef3 = await entryflowThroughput('auto', threeNoops, 'ef_3stage');
    log('Entryflow latency (child process)');
    const efLat = await entryflowLatency([1, 10]);
    const lat = (xs: number[] | undefined) => ({ p50: pct(xs ?? [], 50), p99: pct(xs ?? [], 99) });
    rows.push({ system: 'Entryflow, 1 stage, claim size auto (the default)', jobsPerSec: efAuto, p50: NaN, p99: NaN, note: 'LISTEN/NOTIFY' });
    rows.push({ system: 'Entryflow, 1 stage, batchSize 1', jobsPerSec: ef1, ...lat(efLat.get(1)), note: 'LISTEN/NOTIFY; latency across processes' });
    rows.push({ system: 'Entryflow, 1 stage, batchSize 10', jobsPerSec: ef10, ...lat(efLat.get(10)), note: 'LISTEN/NOTIFY; latency across processes' });
    rows.push({ system: 'Entryflow, 3 stages, claim size auto', jobsPerSec: ef3, p50: NaN, p99: NaN, note: 'entries/s (3 transitions each); not a peer comparison' });

    log('graphile-worker');
    const gw = await graphileThroughput(false, 'gw_default');
    const gwLat = await graphileLatency(false, 'gw_lat_default');
    rows.push({ system: 'graphile-worker 0.18, defaults', jobsPerSec: gw, ...lat(gwLat), note: 'LISTEN/NOTIFY; latency in one process' });
    const gwb = await graphileThroughput(true, 'gw_batched');
    const gwbLat = await graphileLatency(true, 'gw_lat_batched');
    rows.push({ system: 'graphile-worker 0.18, localQueue 500 + batched completes', jobsPerSec: gwb, ...lat(gwbLat), note: 'LISTEN/NOTIFY; latency in one process' });

    log('pg-boss');
    const bo = await bossThroughput('boss');
    const boLat = await bossLatency('boss_lat');
    rows.push({ system: 'pg-boss 12, 16 workers × batchSize 10, burstWhenBatchFull', jobsPerSec: bo, ...lat(boLat), note: 'LISTEN/NOTIFY; latency in one process' });

    const w = Math.max(...rows.map((r) => r.system.length));
    console.log(`${'system'.padEnd(w)}  ${'jobs/s'.padStart(8)}  ${'p50 ms'.padStart(8)}  ${'p99 ms'.padStart(8)}  note`);
    for (const r of rows) console.log(`${r.system.padEnd(w)}  ${f(r.jobsPerSec).padStart(8)}  ${f(r.p50, 1).padStart(8)}  ${f(r.p99, 1).padStart(8)}  ${r.note}`);
    console.log('');
    const best = Math.max(efAuto, ef1, ef10);
    const ratio = (peer: number) => `${(best / peer).toFixed(2)}×`;
    console.log(`Entryflow one-stage, best of auto / batch 1 / batch 10 (${f(best)} jobs/s; the default alone: ${f(efAuto)}) ÷ peer:`);
    console.log(`  vs graphile-worker defaults: ${ratio(gw)}   (target > 1)`);
    console.log(`  vs graphile-worker batched:  ${ratio(gwb)}   (target ≥ 0.5)`);
    console.log(`  vs pg-boss 12 batch 10:      ${ratio(bo)}   (target > 1)`);
    const p99 = pct(efLat.get(1) ?? [], 99);
    console.log(`Entryflow pickup p99 across processes (batchSize 1): ${f(p99, 1)} ms (target ≤ 10 ms)`);
    console.log(`\nfinished in ${f((now() - began) / 1000)} s; load average now ${loadAverage()}`);
  } finally {
    for (const s of schemas) await admin.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
    await admin.end();
  }
}

await main();
