/**
 * First launch: a brand-new data folder created by initdb vs copied from the build-time template
 * (scripts/make-template.ts), a reopen of an existing one, and — in headless Chromium with the built
 * renderer — a first launch from process start to the first list on screen.
 *
 * Each run is a fresh child process (bench/first-launch-child.ts, bundled the way electron-vite
 * bundles main: our code, the core in a chunk of its own imported after the window point, packages
 * external), so its peak RSS is that of one launch and nothing is warm (V8 reuses a compiled wasm
 * module within a process). Medians of RUNS runs.
 *
 * The window case runs main's boot order: the page's calls wait on the opening core
 * (pending-core.ts) through the e2e harness's bridge, forwarded to the child over Node IPC as
 * Electron's ipcMain would. The clock starts as the child is spawned; the page starts loading when
 * the child reaches main's window point (its static imports loaded, IPC answering: where main
 * creates its window), while the core's modules load and open; it stops when a row or the empty
 * state is visible. What this cannot count is Electron's own start before `ready`.
 *
 * Each process then stays open SETTLE_MS (the window polling, as a launched app does) before it closes,
 * so its peak RSS is a launch's, not an open's: V8's optimising compile of PGlite's hottest wasm comes
 * about a second after the open and is the largest single cost (BENCHMARKS.md, issue 12 (d)).
 *
 *   npm run bench:first-launch [-- --runs N] [-- --settle-ms MS (default 5000)] [-- --no-initdb]
 *
 * The renderer is out/renderer from `npm run build`; without it, the e2e harness's renderer-only build.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { NODE_BUNDLE } from '../scripts/build-cli';
import type { Browser } from 'playwright-core';
import type { Envelope } from '../src/shared/contract';
import { makeTemplate } from '../scripts/make-template';
import { installBridge } from '../test/e2e/support/bridge';
import { launchChromium } from '../test/e2e/support/browser';
import { ensureRendererBuilt } from '../test/e2e/support/renderer-build';
import { serveStatic, type StaticServer } from '../test/e2e/support/static-server';
import type { ChildMessage, ParentMessage, Timing } from './first-launch-child';
import { waitForFirstList } from './first-list';
import { loadAverage, median } from './stats';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;
const INITDB = !process.argv.includes('--no-initdb');
const settleArg = process.argv.indexOf('--settle-ms');
const SETTLE_MS = settleArg >= 0 ? Number(process.argv[settleArg + 1]) : 5000;
if (!Number.isFinite(SETTLE_MS) || SETTLE_MS < 0) throw new RangeError(`--settle-ms takes a number of ms ≥ 0, got ${process.argv[settleArg + 1]}`);
const CHILD_JS = join(root, 'out', 'bench', 'first-launch-child.js');

interface Sample extends Timing {
  /** Window case: from spawning the process to the first list visible. */
  firstDataMs?: number;
}

async function bundleChild(): Promise<void> {
  await build({
    entryPoints: [join(root, 'bench', 'first-launch-child.ts')],
    outdir: dirname(CHILD_JS),
    ...NODE_BUNDLE,
    // The core in its own chunk, imported once the window point is reached, as electron-vite splits main.
    splitting: true,
  });
}

async function openClose(dataDir: string, template: string): Promise<Sample> {
  const { stdout } = await run(process.execPath, [CHILD_JS, 'open', dataDir, template, String(SETTLE_MS)], { cwd: root, maxBuffer: 1 << 20 });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Sample;
}

async function firstData(browser: Browser, url: string, dataDir: string, template: string): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, reducedMotion: 'reduce' });
  try {
    const page = await context.newPage();
    const waiting = new Map<number, (e: Envelope<unknown>) => void>();
    let nextId = 0;
    let child: ReturnType<typeof spawn> | null = null;
    await installBridge(page, (channel, payload) => {
      const c = child;
      if (c === null) return Promise.resolve({ ok: false, error: { code: 'UNAVAILABLE', message: 'no core process' } });
      const id = nextId++;
      return new Promise((ok) => {
        waiting.set(id, ok);
        c.send({ id, channel, payload } satisfies ParentMessage);
      });
    });
    const t0 = performance.now();
    const c = spawn(process.execPath, [CHILD_JS, 'serve', dataDir, template], { cwd: root, stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child = c;
    let timing: ((t: Timing) => void) | null = null;
    const timed = new Promise<Timing>((ok) => (timing = ok));
    let windowPoint: () => void = () => undefined;
    const windowMade = new Promise<void>((ok) => (windowPoint = ok));
    c.on('message', (m: ChildMessage) => {
      if ('timing' in m) timing?.(m.timing);
      else if ('window' in m) windowPoint();
      else {
        waiting.get(m.id)?.(m.envelope);
        waiting.delete(m.id);
      }
    });
    const exited = new Promise<number | null>((ok) => c.on('exit', (code) => ok(code)));
    // The page loads once the process has reached main's window point (its static imports done,
    // IPC answering); the core's own modules load and open beside it.
    await Promise.race([windowMade, exited.then((code) => Promise.reject(new Error(`the core process exited with ${code} before its window point`)))]);
    await page.goto(url);
    await waitForFirstList(page);
    const firstDataMs = performance.now() - t0;
    await page.waitForTimeout(SETTLE_MS);
    await context.close();
    c.send({ close: true } satisfies ParentMessage);
    const [t, code] = await Promise.all([timed, exited]);
    if (code !== 0) throw new Error(`the core process exited with ${code}`);
    return { ...t, firstDataMs };
  } finally {
    await context.close().catch(() => undefined);
  }
}

const tmp = mkdtempSync(join(tmpdir(), 'entryflow-first-launch-'));
let server: StaticServer | undefined;
let browser: Browser | undefined;
try {
  console.log(`load average at start: ${loadAverage()}`);
  await bundleChild();
  const templateDir = join(tmp, 'pgdata-template');
  const t = performance.now();
  const size = await makeTemplate(templateDir);
  console.log(`template: ${(size / 1024).toFixed(0)} KiB, built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const builtRenderer = join(root, 'out', 'renderer');
  const rendererDir = existsSync(join(builtRenderer, 'index.html')) ? builtRenderer : await ensureRendererBuilt();
  console.log(`renderer: ${rendererDir === builtRenderer ? 'out/renderer (npm run build)' : `built for this run in ${rendererDir} (no out/renderer)`}`);
  server = await serveStatic(rendererDir);
  browser = await launchChromium();

  const missing = join(tmp, 'no-template');
  const cases: { name: string; expect: string; samples: Sample[] }[] = [
    { name: 'first launch, initdb', expect: 'initdb', samples: [] },
    { name: 'first launch, template', expect: 'template', samples: [] },
    { name: 'reopen', expect: 'existing', samples: [] },
    { name: 'first launch, template, window (Chromium)', expect: 'template', samples: [] },
  ];
  const [initdb, template, reopen, windowed] = cases as [(typeof cases)[0], (typeof cases)[0], (typeof cases)[0], (typeof cases)[0]];
  // Interleaved, so drift in the machine's load touches every case alike.
  for (let i = 0; i < RUNS; i++) {
    if (INITDB) initdb.samples.push(await openClose(join(tmp, `initdb-${i}`), missing));
    const dir = join(tmp, `template-${i}`);
    template.samples.push(await openClose(dir, templateDir));
    reopen.samples.push(await openClose(dir, templateDir));
    windowed.samples.push(await firstData(browser, server.url, join(tmp, `window-${i}`), templateDir));
  }
  console.log(
    `\nNode ${process.version}, ${RUNS} runs each (a child process per run, open ${SETTLE_MS / 1000} s after its first data), medians; times "at" count from the process's start:\n`,
  );
  console.log(
    `| case | imports done (window point) at (ms) | open (ms) | open done at (ms) | longest event-loop stall while opening (ms) | first list on screen at (ms) | close (ms) | peak RSS at first data (MiB) | peak RSS to ${SETTLE_MS / 1000} s after it (MiB) |`,
  );
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const c of cases) {
    if (c.samples.length === 0) continue;
    const wrong = c.samples.filter((s) => s.createdFrom !== c.expect);
    if (wrong.length > 0) throw new Error(`${c.name}: expected createdFrom ${c.expect}, got ${wrong.map((s) => s.createdFrom).join(', ')}`);
    const f = (k: 'importedAt' | 'openMs' | 'openAt' | 'closeMs' | 'maxRssMiB' | 'firstDataMs' | 'firstListRssMiB' | 'longestStallMs') => {
      const xs = c.samples.map((s) => s[k]).filter((x): x is number => x !== undefined);
      return xs.length === 0 ? '—' : median(xs).toFixed(0);
    };
    console.log(`| ${c.name} | ${f('importedAt')} | ${f('openMs')} | ${f('openAt')} | ${f('longestStallMs')} | ${f('firstDataMs')} | ${f('closeMs')} | ${f('firstListRssMiB')} | ${f('maxRssMiB')} |`);
  }
  console.log(
    '\nall samples [open, first data, peak RSS at first data, peak RSS]:',
    JSON.stringify(
      Object.fromEntries(cases.map((c) => [c.name, c.samples.map((s) => [Math.round(s.openMs), s.firstDataMs === undefined ? null : Math.round(s.firstDataMs), s.firstListRssMiB === undefined ? null : Math.round(s.firstListRssMiB), Math.round(s.maxRssMiB)])])),
    ),
  );
  console.log(`load average at end: ${loadAverage()}`);
} finally {
  await browser?.close();
  await server?.close();
  rmSync(tmp, { recursive: true, force: true });
}
