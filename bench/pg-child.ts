/**
 * Child of bench/pg.ts: the "other process" of the cross-process pickup measurement. Opens one
 * Entryflow core per `schema:batchSize` argument (16 workers, one no-op stage) on the shared server,
 * prints `ready`, then one line `start SCHEMA TITLE EPOCH_MS` each time a stage begins, with
 * EPOCH_MS = performance.timeOrigin + performance.now() (the parent uses the same clock).
 * Exits on SIGTERM after closing its cores.
 *
 *   node --import tsx bench/pg-child.ts URL schema_a:1 schema_b:10
 */
import { openCore, type Core } from '../src/main/core/index';

const [url, ...targets] = process.argv.slice(2);
if (url === undefined || targets.length === 0) {
  process.stderr.write('usage: pg-child.ts URL SCHEMA:BATCH…\n');
  process.exit(2);
}

const now = () => performance.timeOrigin + performance.now();

const cores: Core[] = [];
for (const t of targets) {
  const [schema = '', batch = '1'] = t.split(':');
  cores.push(
    await openCore({
      databaseUrl: url,
      schema,
      workers: 16,
      batchSize: Number(batch),
      pipeline: [
        {
          name: 'noop',
          run: ({ entry }) => {
            process.stdout.write(`start ${schema} ${entry.title} ${now().toFixed(3)}\n`);
            return Promise.resolve();
          },
        },
      ],
    }),
  );
}
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void Promise.all(cores.map((c) => c.close())).then(() => process.exit(0));
});
