/**
 * Child of bench/first-launch.ts: opens and closes one core (no workers) on DATA_DIR, then prints one
 * JSON line: how the database came to be, the open and close times, and this process's peak RSS.
 *
 *   node --import tsx bench/first-launch-child.ts DATA_DIR TEMPLATE
 */
import { openCore } from '../src/main/core/index';

const [dataDir, template] = process.argv.slice(2);
if (dataDir === undefined || template === undefined) {
  process.stderr.write('usage: first-launch-child.ts DATA_DIR TEMPLATE\n');
  process.exit(2);
}
const t0 = performance.now();
const core = await openCore({ dataDir, template, workers: 0 });
const t1 = performance.now();
await core.close();
const t2 = performance.now();
// maxRSS is in KiB.
process.stdout.write(
  `${JSON.stringify({ createdFrom: core.createdFrom, openMs: t1 - t0, closeMs: t2 - t1, maxRssMiB: process.resourceUsage().maxRSS / 1024 })}\n`,
);
