/**
 * `npm run bench:first-paint`: the built renderer alone in headless Chromium, against a core that
 * is already open (an empty one), from `page.goto` to the empty state on screen, checked every
 * animation frame (first-list.ts, as bench:first-launch does). It isolates the page's own part of
 * issue 12's target (d) from the core's open (`bench:first-launch` measures the two together).
 *
 * Given several renderer folders, it measures them alternately in one run, so the machine's drift
 * touches each alike: e.g. main's build against a branch's.
 *
 *   npm run bench:first-paint [-- --runs 15] [-- <renderer folder> …]
 *
 * Without folders: out/renderer (`npm run build`), else the e2e harness's renderer-only build.
 * Asserts nothing; prints medians and the load average.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { openCore } from '../src/main/core/index';
import { installBridge } from '../test/e2e/support/bridge';
import { launchChromium } from '../test/e2e/support/browser';
import { ensureRendererBuilt } from '../test/e2e/support/renderer-build';
import { serveStatic } from '../test/e2e/support/static-server';
import { waitForFirstList } from './first-list';
import { loadAverage, median } from './stats';

const { values: args, positionals } = parseArgs({ options: { runs: { type: 'string', default: '15' } }, allowPositionals: true });
const RUNS = Number(args.runs);
const root = resolve(import.meta.dirname, '..');
const built = join(root, 'out', 'renderer');
const dirs = positionals.length > 0 ? positionals.map((d) => resolve(d)) : [existsSync(join(built, 'index.html')) ? built : await ensureRendererBuilt()];

const tmp = mkdtempSync(join(tmpdir(), 'entryflow-first-paint-'));
const core = await openCore({ dataDir: join(tmp, 'data'), workers: 0 });
const servers = await Promise.all(dirs.map((d) => serveStatic(d)));
const browser = await launchChromium();
try {
  console.log(`load average at start: ${loadAverage()}`);
  const samples: number[][] = dirs.map(() => []);
  for (let i = 0; i < RUNS; i++) {
    for (const [k, server] of servers.entries()) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
      const page = await context.newPage();
      await installBridge(page, (channel, payload) => core.invoke(channel, payload));
      const t0 = performance.now();
      await page.goto(server.url);
      await waitForFirstList(page);
      samples[k]?.push(performance.now() - t0);
      await context.close();
    }
  }
  console.log(`\nChromium ${browser.version()}, ${RUNS} runs each, alternating; from page.goto to the empty state on screen:\n`);
  console.log('| renderer | median (ms) | min–max (ms) |');
  console.log('|---|---:|---:|');
  for (const [k, dir] of dirs.entries()) {
    const xs = samples[k] ?? [];
    console.log(`| ${dir} | ${median(xs).toFixed(0)} | ${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)} |`);
  }
  console.log(`\nload average at end: ${loadAverage()}`);
} finally {
  await browser.close();
  for (const s of servers) await s.close();
  await core.close();
  rmSync(tmp, { recursive: true, force: true });
}
