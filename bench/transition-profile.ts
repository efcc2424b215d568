/**
 * `npm run bench:profile`: where one transition's time goes on PGlite on disk. N one-stage no-op
 * entries are seeded once; each run drains a copy of that folder with a pool and reports entries/s,
 * CPU per entry and, from a V8 CPU profile of the drain, the share spent inside PGlite's wasm
 * (Postgres itself) against the JavaScript around it and the garbage collector. Then the same drain
 * with one piece of the write taken away at a time (an index, the events' foreign key), which prices
 * each piece: an experiment, not a configuration anyone runs. Asserts nothing.
 *
 *   npm run bench:profile -- [--entries 5000] [--workers 16] [--rounds 3]
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';
import { loadAverage, median } from './stats';

const { values } = parseArgs({
  options: { entries: { type: 'string', default: '5000' }, workers: { type: 'string', default: '16' }, rounds: { type: 'string', default: '3' } },
});
const N = Number(values.entries);
const WORKERS = Number(values.workers);
const ROUNDS = Number(values.rounds);
const root = mkdtempSync(join(tmpdir(), 'entryflow-profile-'));
const noop = { name: 'noop', run: () => Promise.resolve() };

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
}

/** Shares of the profile's samples: Postgres (wasm), the JavaScript around it, GC, idle. */
function split(profile: Profile): Record<string, number> {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const counts: Record<string, number> = { wasm: 0, js: 0, gc: 0, idle: 0 };
  for (const id of profile.samples) {
    const frame = byId.get(id)?.callFrame;
    const name = frame?.functionName ?? '';
    const kind = name.startsWith('wasm-function') || name === 'wasm-to-js' ? 'wasm' : name === '(garbage collector)' ? 'gc' : name === '(idle)' ? 'idle' : 'js';
    counts[kind] = (counts[kind] ?? 0) + 1;
  }
  const total = profile.samples.length || 1;
  return Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, (100 * v) / total]));
}

async function seed(): Promise<string> {
  const dataDir = join(root, 'seed');
  const seeder = await openCore({ dataDir, workers: 0, pipeline: [noop] });
  for (let i = 0; i < N; i++) await seeder.invoke('entries:create', { title: `job ${i}` });
  await seeder.runMaintenance();
  await seeder.close();
  return dataDir;
}

let runs = 0;
async function drain(seeded: string, batchSize: number | 'auto', sql: string[] = [], profile = false) {
  const dataDir = join(root, `run${++runs}`);
  cpSync(seeded, dataDir, { recursive: true });
  if (sql.length > 0) {
    const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
    for (const text of sql) await db.exec(text);
    await db.close();
  }
  const core = await openCore({ dataDir, workers: 0, pipeline: [noop] });
  await core.invoke('queue:update', { paused: true });
  await core.close();
  const running = await openCore({ dataDir, workers: WORKERS, batchSize, stageDelayMs: 0, pipeline: [noop] });
  let done = 0;
  const finished = new Promise<void>((resolve) => {
    running.events.on('transition', ({ entry }) => {
      if (entry.status === 'COMPLETED' && ++done === N) resolve();
    });
  });
  const session = profile ? new Session() : undefined;
  if (session) {
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await running.invoke('queue:update', { paused: false });
  await finished;
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const shares = session ? split((await session.post('Profiler.stop')).profile as Profile) : undefined;
  session?.disconnect();
  await running.close();
  rmSync(dataDir, { recursive: true, force: true });
  return { perSec: N / seconds, cpuUs: (cpu.user + cpu.system) / N, shares };
}

async function main() {
  console.log(`Where a transition's time goes: ${N.toLocaleString()} one-stage no-op entries, ${WORKERS} workers, PGlite on disk`);
  console.log(`node ${process.version}, ${new Date().toISOString()}, load average ${loadAverage()}\n`);
  const seeded = await seed();

  console.log('1. Before and after (CPU profile of the drain; medians of rounds)');
  for (const [label, batch] of [['batch 1 (the old default)', 1], ['claim size auto (the default)', 'auto'], ['batch 64', 64]] as const) {
    const rs: Awaited<ReturnType<typeof drain>>[] = [];
    for (let r = 0; r < ROUNDS; r++) rs.push(await drain(seeded, batch, [], true));
    const sh = (k: string) => median(rs.map((x) => x.shares?.[k] ?? NaN)).toFixed(0);
    console.log(
      `   ${label.padEnd(32)} ${median(rs.map((x) => x.perSec)).toFixed(0).padStart(6)} entries/s, ${median(rs.map((x) => x.cpuUs)).toFixed(0).padStart(5)} µs CPU per entry; Postgres (wasm) ${sh('wasm')}%, JS ${sh('js')}%, GC ${sh('gc')}%, idle ${sh('idle')}%`,
    );
  }

  console.log('\n2. What each piece of the write costs (claim size auto; one piece removed per row)');
  const variants: [string, string[]][] = [
    ['everything (as shipped)', []],
    ['without the search trigram index', ['DROP INDEX entries_search_text_idx']],
    ["without the events' foreign key", ['ALTER TABLE entry_events DROP CONSTRAINT entry_events_entry_id_entries_id_fk']],
    ['without the final-status index', ['DROP INDEX entries_final_status_id_idx']],
    ["without the events' entry index", ['DROP INDEX entry_events_entry_idx']],
  ];
  const cpu = new Map<string, number[]>(variants.map(([k]) => [k, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const [k, sql] of r % 2 === 0 ? variants : [...variants].reverse()) cpu.get(k)?.push((await drain(seeded, 'auto', sql)).cpuUs);
  }
  const base = median(cpu.get('everything (as shipped)') ?? []);
  for (const [k] of variants) {
    const m = median(cpu.get(k) ?? []);
    console.log(`   ${k.padEnd(36)} ${m.toFixed(0).padStart(5)} µs CPU per entry (${(((base - m) / base) * 100).toFixed(0).padStart(3)}% of the whole)`);
  }
  console.log(`\nload average at the end: ${loadAverage()}`);
  rmSync(root, { recursive: true, force: true });
}

await main();
