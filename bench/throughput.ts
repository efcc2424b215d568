/**
 * The throughput chart at 1,000,000 events (issue 11, item 4): `stats:throughput` through the API,
 * on the embedded driver, on disk.
 *
 *   npm run bench:throughput -- [--events 1000000] [--entries 100000] [--runs 9]
 *
 * Seeds in SQL (generate_series, a few seconds): `--entries` COMPLETED entries and `--events` events
 * spread evenly over the last 24 hours, in id order, shaped like the demo pipeline's: per entry a
 * create, three stage runs (stage 1 and 2 moves, stage 3 to COMPLETED; 1 in 50 runs a failed attempt
 * first, 1 in 200 entries ends FAILED), with durations spread over 150 ms – 4 s. Then it times:
 *   - the fold: every event into the rollups (the catch-up an upgraded install does once, in
 *     batches of 5,000), reported per batch and per 100k events;
 *   - `stats:throughput` for 'hour' and 'day' with nothing pending (median and max of --runs);
 *   - for comparison, the same numbers computed straight from entry_events (what the rollup avoids).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';
import { FOLD_BATCH } from '../src/main/core/queue-control';
import { seedFolder } from './seed';
import { median } from './stats';

const { values } = parseArgs({
  options: { events: { type: 'string', default: '1000000' }, entries: { type: 'string', default: '100000' }, runs: { type: 'string', default: '9' } },
});
const events = Number(values.events);
const entries = Number(values.entries);
const runs = Number(values.runs);
const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-throughput-bench-'));

const max = (xs: number[]) => Math.max(...xs);
const f = (ms: number) => `${ms.toFixed(2)} ms`;

try {
  let t = performance.now();
  // Event g belongs to entry g % entries and happens at a time that grows with g across the last day.
  // kind = g % 8: 0 create, 1-2 stage 1, 3-4 stage 2, 5-7 stage 3 (a failed attempt when g % 50 = 7,
  // FAILED when g % 200 = 5, else COMPLETED).
  // Foreign-key checks off while seeding (replica role): the ids are built to match, and the per-row
  // check would make the seed minutes instead of seconds.
  await seedFolder(
    dataDir,
    `
    SET session_replication_role = replica;
    INSERT INTO entries (id, title, status, progress, result)
      SELECT lpad(to_hex(g), 8, '0') || '-' || md5(g::text), 'bench ' || g, 'COMPLETED', 100, 'done'
      FROM generate_series(0, ${entries - 1}) g;
    INSERT INTO entry_counts (status, delta) VALUES ('COMPLETED', ${entries});
    INSERT INTO entry_events (entry_id, from_status, to_status, worker_id, message, stage, duration_ms, at)
      SELECT lpad(to_hex(g % ${entries}), 8, '0') || '-' || md5((g % ${entries})::text),
             CASE k WHEN 0 THEN NULL WHEN 1 THEN 'CREATED' WHEN 2 THEN 'CREATED' WHEN 3 THEN 'STAGE_1' WHEN 4 THEN 'STAGE_1' ELSE 'STAGE_2' END,
             CASE WHEN k = 0 THEN 'CREATED' WHEN k <= 2 THEN 'STAGE_1' WHEN k <= 4 THEN 'STAGE_2'
                  WHEN g % 50 = 7 THEN 'STAGE_2' WHEN g % 200 = 5 THEN 'FAILED' ELSE 'COMPLETED' END,
             CASE WHEN k = 0 THEN NULL ELSE 'bench/w' || (g % 4 + 1) END,
             CASE WHEN k >= 5 AND g % 50 = 7 THEN 'attempt 1 failed: bench' END,
             CASE WHEN k = 0 THEN NULL WHEN k <= 2 THEN 1 WHEN k <= 4 THEN 2 ELSE 3 END,
             CASE WHEN k = 0 THEN NULL ELSE 150 + ((g::bigint * 7919) % 3850) END,
             now() - interval '24 hours' + (g::float8 / ${events}) * interval '24 hours'
      FROM generate_series(0, ${events - 1}) g, LATERAL (SELECT g % 8 AS k) kk;
    SET session_replication_role = DEFAULT;
    ANALYZE;`,
  );
  // Includes the folder's first open (under a second).
  const seedMs = performance.now() - t;
  console.log(`seeded ${entries} entries and ${events} events in ${(seedMs / 1000).toFixed(1)} s`);

  const core = await openCore({ dataDir, workers: 0 });
  const batches: number[] = [];
  t = performance.now();
  for (;;) {
    const b = performance.now();
    const r = await core.store.foldStats(FOLD_BATCH);
    batches.push(performance.now() - b);
    if (!r.more) break;
  }
  const foldMs = performance.now() - t;
  console.log(
    `fold: ${events} events in ${(foldMs / 1000).toFixed(2)} s = ${f((foldMs / events) * 100_000)} per 100k; ` +
      `${batches.length} batches of ${FOLD_BATCH}: median ${f(median(batches))}, max ${f(max(batches))}`,
  );

  for (const window of ['hour', 'day'] as const) {
    const times: number[] = [];
    let shape = '';
    for (let i = 0; i < runs; i++) {
      const s = performance.now();
      const r = await core.invoke('stats:throughput', { window });
      times.push(performance.now() - s);
      if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
      const done = r.data.buckets.reduce((a, x) => a + x.completed, 0);
      shape = `${r.data.buckets.length} buckets, ${done} completed, stages ${r.data.stages.map((x) => `${x.stage}: p50 ${x.p50Ms} p95 ${x.p95Ms} (${x.runs})`).join('; ')}`;
    }
    console.log(`stats:throughput ${window.padEnd(4)}: median ${f(median(times))}, max ${f(max(times))}  (${shape})`);
  }
  await core.close();

  // The same answers straight from the events, for comparison.
  const raw = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  for (const [name, hours] of [['hour', 1], ['day', 24]] as const) {
    const times: number[] = [];
    for (let i = 0; i < Math.min(runs, 3); i++) {
      const s = performance.now();
      await raw.query(`SELECT date_trunc('minute', at), count(*) FILTER (WHERE to_status = 'COMPLETED'), count(*) FILTER (WHERE to_status = 'FAILED')
                       FROM entry_events WHERE at >= now() - interval '${hours} hours' GROUP BY 1`);
      await raw.query(`SELECT stage, percentile_disc(0.5) WITHIN GROUP (ORDER BY duration_ms), percentile_disc(0.95) WITHIN GROUP (ORDER BY duration_ms)
                       FROM entry_events WHERE stage IS NOT NULL AND at >= now() - interval '${hours} hours' GROUP BY stage`);
      times.push(performance.now() - s);
    }
    console.log(`straight from entry_events, ${name.padEnd(4)}: median ${f(median(times))} (no index on at: a scan of every event)`);
  }
  const sizes = await raw.query<{ m: number; d: number }>(`SELECT (SELECT count(*) FROM stats_minutes)::int AS m, (SELECT count(*) FROM stats_durations)::int AS d`);
  console.log(`rollup rows: stats_minutes ${sizes.rows[0]?.m}, stats_durations ${sizes.rows[0]?.d}`);
  await raw.close();
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
