/**
 * Where one transition's time goes: N pre-seeded one-stage no-op entries drained by a pool, on PGlite
 * on disk. Run under `node --cpu-prof` to see the split (PGlite's wasm vs the JS around it); prints
 * entries/s. `npm run bench:profile -- --entries 5000 --workers 16 --batch 10`
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { openCore } from '../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../src/main/core/drivers/embedded';

const { values } = parseArgs({
  options: { entries: { type: 'string', default: '5000' }, workers: { type: 'string', default: '16' }, batch: { type: 'string', default: '10' }, stages: { type: 'string', default: '1' }, profile: { type: 'string' }, sql: { type: 'string', multiple: true } },
});
const N = Number(values.entries);
const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-profile-'));
const noop = { name: 'noop', run: () => Promise.resolve() };
const pipeline = Array.from({ length: Number(values.stages) }, () => noop);
const seeder = await openCore({ dataDir, workers: 0, pipeline });
for (let i = 0; i < N; i++) await seeder.invoke('entries:create', { title: `job ${i}` });
await seeder.runMaintenance();
await seeder.close();
if (values.sql) {
  // Experiments: statements run on the seeded folder before the pool opens (e.g. drop an index).
  const db = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
  for (const text of values.sql) await db.exec(text);
  await db.close();
}
const batch = values.batch === 'auto' ? undefined : Number(values.batch);
const core = await openCore({ dataDir, workers: Number(values.workers), ...(batch ? { batchSize: batch } : {}), stageDelayMs: 0, pipeline });
let done = 0;
const session = values.profile ? new Session() : undefined;
if (session) {
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
}
const t0 = performance.now();
const cpu0 = process.cpuUsage();
await new Promise<void>((resolve) => {
  core.events.on('transition', ({ entry }) => {
    if (entry.status === 'COMPLETED' && ++done === N) resolve();
  });
});
const s = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
if (session && values.profile) {
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(values.profile, JSON.stringify(profile));
}
await core.close();
rmSync(dataDir, { recursive: true, force: true });
console.log(JSON.stringify({ entries: N, workers: values.workers, batch: values.batch, stages: values.stages, seconds: +s.toFixed(2), entriesPerSec: Math.round(N / s), cpuUsPerEntry: Math.round((cpu.user + cpu.system) / N) }));
