/**
 * Bulk actions at scale (issue 11, item 2): entries:bulk retry, cancel and delete over 10k and 100k
 * entries selected by filter (and by ids at 10k, the most one call may name), through the API, while
 * a worker pool works through other entries. Embedded PGlite always; the shared server too when
 * TEST_DATABASE_URL is set.
 *
 *   npm run bench:bulk -- [--rows 10000,100000] [--runs 3] [--workers 4]
 *
 * Per action it prints the median over runs of: the call's time, and the pool's longest pause
 * between two stage transitions while the call ran (the pool keeps claiming if that stays near its
 * usual pace, printed as "pool before"). Each run seeds a fresh database by SQL: background entries
 * for the pool (oldest ids, so it claims only those) and, per action, `rows` targets (FAILED with
 * their events for retry, CREATED for cancel, COMPLETED with four events each for delete).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { openCore, type Core, type CoreOptions } from '../src/main/core/index';
import type { BulkAction, RequestOf } from '../src/shared/contract';
import { seedFolder } from './seed';
import { median } from './stats';

const { values } = parseArgs({
  options: {
    rows: { type: 'string', default: '10000,100000' },
    runs: { type: 'string', default: '3' },
    workers: { type: 'string', default: '4' },
    'stage-delay': { type: 'string', default: '10' },
  },
});
const sizes = values.rows.split(',').map(Number);
const runs = Number(values.runs);
const workers = Number(values.workers);
const stageDelayMs = Number(values['stage-delay']);
const serverUrl = process.env.TEST_DATABASE_URL;
/** Enough background work that the pool never runs dry during a run's three bulk calls. */
const BACKGROUND = 5_000;
const ACTIONS: BulkAction[] = ['retry', 'cancel', 'delete'];

/** The seed, as one SQL script: ids sort background first, so the pool claims only background work. */
function seedSql(rows: number): string {
  const target = (tag: string, status: string, progress: number, extra: string) => `
    INSERT INTO entries (id, title, status, progress ${extra ? ', error, result' : ''})
      SELECT '${tag}-' || lpad(g::text, 7, '0'), 'bulk ${tag} ' || g, '${status}', ${progress} ${extra}
      FROM generate_series(1, ${rows}) g;`;
  return `
    INSERT INTO entries (id, title) SELECT '0bg-' || lpad(g::text, 7, '0'), 'background ' || g FROM generate_series(1, ${BACKGROUND}) g;
    ${target('1retry', 'FAILED', 33, `, 'upstream answered 503', NULL`)}
    ${target('2cancel', 'CREATED', 0, '')}
    ${target('3delete', 'COMPLETED', 100, `, NULL, 'done'`)}
    INSERT INTO entry_events (entry_id, from_status, to_status) SELECT id, NULL, 'CREATED' FROM entries;
    INSERT INTO entry_events (entry_id, from_status, to_status)
      SELECT id, s.f, s.t FROM entries,
        LATERAL (VALUES ('CREATED', 'STAGE_1'), ('STAGE_1', 'FAILED')) s(f, t) WHERE status = 'FAILED';
    INSERT INTO entry_events (entry_id, from_status, to_status)
      SELECT id, s.f, s.t FROM entries,
        LATERAL (VALUES ('CREATED', 'STAGE_1'), ('STAGE_1', 'STAGE_2'), ('STAGE_2', 'COMPLETED')) s(f, t) WHERE status = 'COMPLETED';
    INSERT INTO entry_counts (status, delta) SELECT status, count(*) FROM entries GROUP BY status;`;
}

interface Target {
  name: string;
  /** A fresh, seeded database; returns the options to open a core on it. */
  prepare(rows: number): Promise<CoreOptions>;
  cleanup(): Promise<void>;
}

function embedded(): Target {
  let dir = '';
  return {
    name: 'embedded (PGlite)',
    async prepare(rows) {
      if (dir) rmSync(dir, { recursive: true, force: true });
      dir = mkdtempSync(join(tmpdir(), 'entryflow-bulk-bench-'));
      // VACUUM, as the app's maintenance would have by then: otherwise the first bulk pays for
      // flushing the seed's pending trigram-index entries (seconds), which says nothing about the bulk.
      await seedFolder(dir, seedSql(rows), 'VACUUM ANALYZE');
      return { dataDir: dir };
    },
    cleanup() {
      if (dir) rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

function server(url: string): Target {
  const schemas: string[] = [];
  return {
    name: 'shared server (PostgreSQL)',
    async prepare(rows) {
      const schema = `bench_bulk_${process.pid}_${schemas.length}`;
      schemas.push(schema);
      const c = await openCore({ databaseUrl: url, schema, workers: 0 });
      await c.close();
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`SET search_path = ${schema}, public`);
      await client.query(seedSql(rows));
      await client.query('VACUUM ANALYZE');
      await client.end();
      return { databaseUrl: url, schema };
    },
    async cleanup() {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      for (const s of schemas) await client.query(`DROP SCHEMA IF EXISTS ${s} CASCADE`);
      await client.end();
    },
  };
}

interface Sample {
  ms: number;
  /** Longest pause between transitions (or the window's edges) while the call ran. */
  gapMs: number;
  transitions: number;
  affected: number;
  skipped: number;
}

/** Runs one bulk call while watching the pool's transitions. */
async function timed(core: Core, action: BulkAction, payload: { ids: string[] } | { filter: { search: string } }): Promise<Sample> {
  const marks: number[] = [];
  const onTransition = () => marks.push(performance.now());
  core.events.on('transition', onTransition);
  const start = performance.now();
  const request: RequestOf<'entries:bulk'> = { action, ...payload };
  const r = await core.invoke('entries:bulk', request);
  const end = performance.now();
  core.events.off('transition', onTransition);
  if (!r.ok) throw new Error(`${action}: ${r.error.code}: ${r.error.message}`);
  const points = [start, ...marks.filter((t) => t >= start && t <= end), end];
  let gap = 0;
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, (points[i] as number) - (points[i - 1] as number));
  return { ms: end - start, gapMs: gap, transitions: points.length - 2, affected: r.data.affected, skipped: r.data.skipped };
}

/** The pool's usual longest pause over `ms`, with no bulk running. */
async function poolPace(core: Core, ms: number): Promise<number> {
  const marks: number[] = [];
  const on = () => marks.push(performance.now());
  core.events.on('transition', on);
  const start = performance.now();
  await new Promise((r) => setTimeout(r, ms));
  core.events.off('transition', on);
  const points = [start, ...marks, performance.now()];
  let gap = 0;
  for (let i = 1; i < points.length; i++) gap = Math.max(gap, (points[i] as number) - (points[i - 1] as number));
  return gap;
}

async function bench(target: Target): Promise<void> {
  for (const rows of sizes) {
    const results = new Map<string, Sample[]>();
    const pace: number[] = [];
    for (let run = 0; run < runs; run++) {
      const options = await target.prepare(rows);
      const core = await openCore({ ...options, workers, stageDelayMs });
      try {
        pace.push(await poolPace(core, 1_000));
        for (const action of ACTIONS) {
          const tag = { retry: '1retry', cancel: '2cancel', delete: '3delete' }[action];
          const key = `${action} by filter`;
          results.set(key, [...(results.get(key) ?? []), await timed(core, action, { filter: { search: `bulk ${tag} ` } })]);
        }
        if (rows <= 10_000) {
          // By ids, as the window sends a checked selection: retry what was just cancelled, then cancel it again.
          const ids = Array.from({ length: rows }, (_, i) => `2cancel-${String(i + 1).padStart(7, '0')}`);
          for (const action of ['retry', 'cancel'] as const) {
            const key = `${action} by ids`;
            results.set(key, [...(results.get(key) ?? []), await timed(core, action, { ids })]);
          }
        }
      } finally {
        await core.close({ graceMs: 0 });
      }
    }
    console.log(`\n${target.name}: ${rows.toLocaleString('en-US')} entries per action, ${workers} workers, stage delay ${stageDelayMs} ms, ${runs} run(s); pool's longest pause without a bulk: median ${median(pace).toFixed(0)} ms`);
    for (const [key, samples] of results) {
      const m = (f: (s: Sample) => number) => median(samples.map(f));
      console.log(
        `  ${key.padEnd(18)} median ${m((s) => s.ms).toFixed(0).padStart(6)} ms  (${(m((s) => s.ms) / (rows / 1000)).toFixed(1)} ms per 1k)` +
          `  pool: longest pause ${m((s) => s.gapMs).toFixed(0)} ms, ${m((s) => s.transitions).toFixed(0)} transitions meanwhile` +
          `  affected ${m((s) => s.affected)} skipped ${m((s) => s.skipped)}`,
      );
    }
  }
}

const targets = [embedded(), ...(serverUrl ? [server(serverUrl)] : [])];
try {
  for (const t of targets) await bench(t);
} finally {
  for (const t of targets) await t.cleanup();
}
