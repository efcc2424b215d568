/**
 * Soak (RELIABILITY.md case 8): N entries through the pipeline on an on-disk data dir while the list
 * is polled as the UI would, then check nothing was lost. Prints RSS at start, middle and end, the
 * list call's latency p50/p99, and throughput.
 *
 *   npm run soak -- [--entries 100000] [--workers 4] [--batch-size 16] [--poll-ms 2000]
 *                   [--data-dir DIR] [--timeout-s 3600] [--json]
 *
 * Phases: seed N entries with a core that has no workers (creates through `invoke`, as the app
 * does), close it, reopen the folder with the worker pool (stage delay 0) and time until every entry
 * is COMPLETED. The list (`entries:list`, limit 50, with counts) is polled every --poll-ms throughout
 * the processing phase. Exit 0 when counts.COMPLETED == N and total == N, 1 otherwise.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { openCore } from '../src/main/core/index';
import { errorMessage } from '../src/shared/error-message';

export interface SoakOptions {
  entries: number;
  workers?: number;
  batchSize?: number;
  pollMs?: number;
  /** Absent: a temporary folder under the OS temp dir, removed afterwards. */
  dataDir?: string;
  /** Give up (and report a failure) after this long. */
  timeoutMs?: number;
  /** Progress lines; silent when absent. */
  log?: (line: string) => void;
}

export interface SoakResult {
  entries: number;
  workers: number;
  batchSize: number;
  seedMs: number;
  seedPerSec: number;
  processMs: number;
  /** Entries per second, open of the pool to the last COMPLETED. */
  entriesPerSec: number;
  /** Stage transitions (3 per entry in the demo pipeline) per second. */
  transitionsPerSec: number;
  rssMb: { start: number; middle: number; end: number; max: number };
  list: { polls: number; p50Ms: number; p99Ms: number; maxMs: number; failed: number };
  counts: Record<string, number>;
  total: number;
  completed: number;
  storeErrors: number;
  timedOut: boolean;
  lost: boolean;
}

const SEED_CONCURRENCY = 16;
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const rss = () => mb(process.memoryUsage().rss);

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return Math.round((sorted[i] as number) * 10) / 10;
}

export async function runSoak(options: SoakOptions): Promise<SoakResult> {
  const { entries } = options;
  const workers = options.workers ?? 4;
  const batchSize = options.batchSize ?? 16;
  const pollMs = options.pollMs ?? 2000;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const log = options.log ?? (() => undefined);
  const tempRoot = options.dataDir === undefined ? mkdtempSync(join(tmpdir(), 'entryflow-soak-')) : null;
  const dataDir = options.dataDir ?? join(tempRoot as string, 'data');
  try {
    // Seed: creates through invoke, no workers, so seeding measures the API alone.
    const seeder = await openCore({ dataDir, workers: 0, stageDelayMs: 0 });
    // Timed from after the open (initdb and migrations on a new folder take seconds of their own).
    const seedStart = performance.now();
    try {
      // A few creates in flight at once, as several IPC calls would be; the engine runs them in turn.
      for (let i = 0; i < entries; i += SEED_CONCURRENCY) {
        const n = Math.min(SEED_CONCURRENCY, entries - i);
        const rs = await Promise.all(Array.from({ length: n }, (_, k) => seeder.invoke('entries:create', { title: `soak ${i + k}` })));
        for (const r of rs) if (!r.ok) throw new Error(`seed create failed: ${r.error.code} ${r.error.message}`);
        if (Math.floor((i + n) / 10_000) > Math.floor(i / 10_000)) log(`seeded ${i + n}/${entries}`);
      }
    } finally {
      await seeder.close();
    }
    const seedMs = performance.now() - seedStart;
    log(`seeded ${entries} in ${Math.round(seedMs)} ms`);

    const core = await openCore({ dataDir, workers, batchSize, stageDelayMs: 0, idlePollMs: 50 });
    const start = performance.now();
    const rssStart = rss();
    let rssMax = rssStart;
    let rssMiddle = 0;
    let rssEnd = 0;
    let completed = 0;
    let storeErrors = 0;
    let lastAt = start;
    const half = Math.ceil(entries / 2);
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((r) => (resolveDone = r));
    core.events.on('storeError', () => storeErrors++);
    core.events.on('transition', ({ entry }) => {
      if (entry.status !== 'COMPLETED') return;
      completed++;
      if (completed === half) rssMiddle = rss();
      if (completed === entries) {
        lastAt = performance.now();
        rssEnd = rss();
        resolveDone();
      }
    });
    if (entries === 0) resolveDone();

    // The UI's poll: first page of the list plus counts, every pollMs, one at a time.
    const latencies: number[] = [];
    let failedPolls = 0;
    const polling = { on: true };
    const poller = (async () => {
      while (polling.on) {
        const t = performance.now();
        const r = await core.invoke('entries:list', { limit: 50 });
        latencies.push(performance.now() - t);
        if (!r.ok) failedPolls++;
        rssMax = Math.max(rssMax, rss());
        if (r.ok) log(`t=${Math.round((performance.now() - start) / 1000)}s completed=${r.data.counts.COMPLETED} rss=${rss()} MB list=${Math.round(latencies[latencies.length - 1] as number)} ms`);
        await new Promise((res) => setTimeout(res, pollMs));
      }
    })();

    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      done.then(() => false),
      new Promise<boolean>((res) => (timer = setTimeout(() => res(true), timeoutMs))),
    ]);
    clearTimeout(timer);
    polling.on = false;
    await poller;
    if (timedOut) {
      lastAt = performance.now();
      rssEnd = rss();
    }
    const stats = await core.invoke('entries:stats', {});
    await core.close();
    if (!stats.ok) throw new Error(`stats failed: ${stats.error.code} ${stats.error.message}`);
    const processMs = lastAt - start;
    const sorted = [...latencies].sort((a, b) => a - b);
    const counts = { ...stats.data.counts };
    const result: SoakResult = {
      entries,
      workers,
      batchSize,
      seedMs: Math.round(seedMs),
      seedPerSec: Math.round(entries / (seedMs / 1000)),
      processMs: Math.round(processMs),
      entriesPerSec: Math.round(entries / (processMs / 1000)),
      transitionsPerSec: Math.round(stats.data.transitions / (processMs / 1000)),
      rssMb: { start: rssStart, middle: rssMiddle, end: rssEnd, max: Math.max(rssMax, rssEnd) },
      list: { polls: latencies.length, p50Ms: percentile(sorted, 50), p99Ms: percentile(sorted, 99), maxMs: percentile(sorted, 100), failed: failedPolls },
      counts,
      total: stats.data.total,
      completed: counts.COMPLETED,
      storeErrors,
      timedOut,
      lost: counts.COMPLETED !== entries || stats.data.total !== entries,
    };
    return result;
  } finally {
    if (tempRoot) rmSync(tempRoot, { recursive: true, force: true });
  }
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      entries: { type: 'string' },
      workers: { type: 'string' },
      'batch-size': { type: 'string' },
      'poll-ms': { type: 'string' },
      'data-dir': { type: 'string' },
      'timeout-s': { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const int = (name: string, v: string | undefined, dflt: number, min: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} must be an integer ≥ ${min}, got ${v}`);
    return n;
  };
  const r = await runSoak({
    entries: int('entries', values.entries, 100_000, 0),
    workers: int('workers', values.workers, 4, 1),
    batchSize: int('batch-size', values['batch-size'], 16, 1),
    pollMs: int('poll-ms', values['poll-ms'], 2000, 1),
    timeoutMs: int('timeout-s', values['timeout-s'], 3600, 1) * 1000,
    ...(values['data-dir'] === undefined ? {} : { dataDir: values['data-dir'] }),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  if (values.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
  else {
    process.stdout.write(
      [
        `entries ${r.entries} (workers ${r.workers}, batch ${r.batchSize}, stage delay 0)`,
        `seed: ${r.seedMs} ms (${r.seedPerSec}/s)`,
        `process: ${r.processMs} ms → ${r.entriesPerSec} entries/s, ${r.transitionsPerSec} transitions/s`,
        `RSS MB: start ${r.rssMb.start}, middle ${r.rssMb.middle}, end ${r.rssMb.end}, max ${r.rssMb.max}`,
        `list (limit 50 + counts) over ${r.list.polls} polls: p50 ${r.list.p50Ms} ms, p99 ${r.list.p99Ms} ms, max ${r.list.maxMs} ms, failed ${r.list.failed}`,
        `counts ${JSON.stringify(r.counts)} total ${r.total}; store errors ${r.storeErrors}${r.timedOut ? '; TIMED OUT' : ''}`,
        r.lost ? 'FAIL: not every entry is COMPLETED' : 'OK: nothing lost',
        '',
      ].join('\n'),
    );
  }
  return r.lost ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`soak: ${errorMessage(err)}\n`);
      process.exit(2);
    },
  );
}
