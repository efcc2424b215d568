/**
 * Renderer heap soak (RELIABILITY.md case 8): the built renderer in headless Chromium, talking through
 * the e2e test bridge to a real core that is kept busy for the whole run, while the page polls on its
 * own (2 s). Every --sample-s it forces a GC and records the JS heap in use and the DOM node count.
 *
 *   npm run soak:renderer -- [--minutes 10] [--sample-s 30] [--warmup-s 60] [--rate 20] [--json]
 *
 * The core: a temporary on-disk data dir, 4 workers, batch 16, stage delay 0; a loop creates --rate
 * entries per second through `invoke` (as the app does) for the whole run. The page is the production
 * build of the renderer (test/e2e/support: same build, static server on 127.0.0.1, bridge, Chromium).
 *
 * Heap and DOM figures come from a CDP session: HeapProfiler.collectGarbage, then Runtime.getHeapUsage
 * and Memory.getDOMCounters. Growth is measured from the first sample at or after the warm-up to the
 * last sample; the slope is a least-squares fit over the samples in the second half of the run.
 * Exit 0 when growth ≤ 50 % and there was no page error (uncaught error or console error), no failed
 * create and the page kept polling; 1 otherwise; 2 when the run itself could not be carried out.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import type { CDPSession } from 'playwright-core';
import { errorMessage } from '../src/shared/error-message';
import type { Envelope, ResponseOf } from '../src/shared/contract';
import { SwitchableBackend } from '../test/e2e/support/backend';
import { launchChromium } from '../test/e2e/support/browser';
import { openDashboard, sleep } from '../test/e2e/support/page';
import { ensureRendererBuilt } from '../test/e2e/support/renderer-build';
import { serveStatic } from '../test/e2e/support/static-server';

export interface RendererSoakOptions {
  minutes: number;
  sampleS: number;
  /** Baseline = first sample at or after this; clamped to half the run for short runs. */
  warmupS?: number;
  /** Entries created per second for the whole run. */
  rate?: number;
  /** Progress lines; silent when absent. */
  log?: (line: string) => void;
}

export interface Sample {
  /** Seconds since the page finished loading. */
  t: number;
  heapUsedMb: number;
  heapTotalMb: number;
  domNodes: number | null;
  listeners: number | null;
  /** `tr[data-entry-id]` in the DOM (the table is virtualised). */
  rowsShown: number;
  created: number;
  completed: number;
  /** `entries:list` calls the page has made so far. */
  listCalls: number;
}

export interface RendererSoakResult {
  minutes: number;
  sampleS: number;
  warmupS: number;
  rate: number;
  samples: Sample[];
  heapMb: { warmup: number; middle: number; end: number; max: number };
  growthMb: number;
  growthPct: number;
  /** MB per minute, least squares over the second half. */
  slopeMbPerMin: number;
  domNodes: { warmup: number | null; end: number | null };
  rowsShown: { warmup: number; end: number };
  created: number;
  createFailures: number;
  pageCalls: Record<string, number>;
  problems: string[];
  failures: string[];
}

type EntryStats = ResponseOf<'entries:stats'>;

const MAX_GROWTH_PCT = 50;
const mb = (bytes: number) => Math.round((bytes / 1048576) * 100) / 100;
const round2 = (n: number) => Math.round(n * 100) / 100;

/** Least-squares slope of y over x. */
function slope(points: readonly { x: number; y: number }[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  let num = 0;
  let den = 0;
  for (const p of points) {
    num += (p.x - mx) * (p.y - my);
    den += (p.x - mx) ** 2;
  }
  return den === 0 ? 0 : num / den;
}

async function domCounters(cdp: CDPSession): Promise<{ nodes: number; listeners: number } | null> {
  try {
    const c = await cdp.send('Memory.getDOMCounters');
    return { nodes: c.nodes, listeners: c.jsEventListeners };
  } catch {
    return null;
  }
}

export async function runRendererSoak(options: RendererSoakOptions): Promise<RendererSoakResult> {
  const durationMs = options.minutes * 60_000;
  const sampleMs = options.sampleS * 1000;
  const warmupS = Math.min(options.warmupS ?? 60, (options.minutes * 60) / 2);
  const rate = options.rate ?? 20;
  const log = options.log ?? (() => undefined);

  const tempRoot = mkdtempSync(join(tmpdir(), 'entryflow-soak-renderer-'));
  const backend = new SwitchableBackend({ dataDir: join(tempRoot, 'data'), workers: 4, batchSize: 16, stageDelayMs: 0 });
  const pageCalls: Record<string, number> = {};
  // The page's calls are counted, so the report can show that it really polled on its own.
  const handler = (channel: string, payload: unknown): Promise<Envelope<unknown>> => {
    pageCalls[channel] = (pageCalls[channel] ?? 0) + 1;
    return backend.invoke(channel, payload);
  };

  log('building the renderer and opening the core…');
  const [dist] = await Promise.all([ensureRendererBuilt(), backend.start()]);
  const server = await serveStatic(dist);
  const browser = await launchChromium();
  let completed = 0;
  try {
    // Keep the core busy: `rate` creates per second, paced against the clock, one at a time.
    const load = { on: true, created: 0, failures: 0 };
    const loadStart = performance.now();
    // A function, so the checks below are re-read after each await.
    const loading = (): boolean => load.on;
    const loader = (async () => {
      while (loading()) {
        const due = Math.floor(((performance.now() - loadStart) / 1000) * rate);
        while (loading() && load.created + load.failures < due) {
          const r = await backend.invoke('entries:create', { title: `renderer soak ${load.created + load.failures}` });
          if (r.ok) load.created++;
          else load.failures++;
        }
        await sleep(20);
      }
    })();

    const { page, problems } = await openDashboard(browser, server.url, handler);
    try {
      await page.locator('tr[data-entry-id]').first().waitFor({ timeout: 30_000 });
      const cdp = await page.context().newCDPSession(page);
      await cdp.send('HeapProfiler.enable');
      const start = performance.now();
      const samples: Sample[] = [];

      const takeSample = async (): Promise<Sample> => {
        // Twice: the first pass can leave garbage that only becomes collectable after finalisers run.
        await cdp.send('HeapProfiler.collectGarbage');
        await cdp.send('HeapProfiler.collectGarbage');
        const heap = await cdp.send('Runtime.getHeapUsage');
        const dom = await domCounters(cdp);
        const rowsShown = await page.locator('tr[data-entry-id]').count();
        const stats = await backend.call<EntryStats>('entries:stats', {}).catch(() => null);
        if (stats) completed = stats.counts.COMPLETED;
        return {
          t: Math.round((performance.now() - start) / 1000),
          heapUsedMb: mb(heap.usedSize),
          heapTotalMb: mb(heap.totalSize),
          domNodes: dom?.nodes ?? null,
          listeners: dom?.listeners ?? null,
          rowsShown,
          created: load.created,
          completed,
          listCalls: pageCalls['entries:list'] ?? 0,
        };
      };

      for (let k = 0; ; k++) {
        const at = Math.min(k * sampleMs, durationMs);
        const wait = start + at - performance.now();
        if (wait > 0) await sleep(wait);
        const s = await takeSample();
        samples.push(s);
        log(
          `t=${s.t}s heap ${s.heapUsedMb} MB (total ${s.heapTotalMb}) dom ${s.domNodes ?? '?'} listeners ${s.listeners ?? '?'} rows ${s.rowsShown} created ${s.created} completed ${s.completed} list calls ${s.listCalls}`,
        );
        if (at >= durationMs) break;
      }

      load.on = false;
      await loader;
      await cdp.detach();

      const last = samples[samples.length - 1] as Sample;
      const warm = samples.find((s) => s.t >= warmupS) ?? last;
      const midT = (options.minutes * 60) / 2;
      const middle = samples.reduce((best, s) => (Math.abs(s.t - midT) < Math.abs(best.t - midT) ? s : best), warm);
      const secondHalf = samples.filter((s) => s.t >= midT).map((s) => ({ x: s.t / 60, y: s.heapUsedMb }));
      const growthMb = round2(last.heapUsedMb - warm.heapUsedMb);
      const growthPct = warm.heapUsedMb > 0 ? round2((growthMb / warm.heapUsedMb) * 100) : 0;

      const failures: string[] = [];
      if (growthPct > MAX_GROWTH_PCT) failures.push(`heap grew ${growthPct}% after warm-up (limit ${MAX_GROWTH_PCT}%)`);
      if (problems.length > 0) failures.push(`${problems.length} page error(s)`);
      if (load.failures > 0) failures.push(`${load.failures} create(s) failed`);
      // 2 s polling: expect at least one list call per 4 s of the run after the warm-up sample.
      const pollsAfterWarmup = last.listCalls - warm.listCalls;
      const minPolls = Math.floor((last.t - warm.t) / 4);
      if (pollsAfterWarmup < minPolls) failures.push(`page polled ${pollsAfterWarmup} times after warm-up, expected ≥ ${minPolls}`);

      return {
        minutes: options.minutes,
        sampleS: options.sampleS,
        warmupS,
        rate,
        samples,
        heapMb: { warmup: warm.heapUsedMb, middle: middle.heapUsedMb, end: last.heapUsedMb, max: Math.max(...samples.map((s) => s.heapUsedMb)) },
        growthMb,
        growthPct,
        slopeMbPerMin: round2(slope(secondHalf)),
        domNodes: { warmup: warm.domNodes, end: last.domNodes },
        rowsShown: { warmup: warm.rowsShown, end: last.rowsShown },
        created: load.created,
        createFailures: load.failures,
        pageCalls: { ...pageCalls },
        problems: [...problems],
        failures,
      };
    } finally {
      load.on = false;
      await loader;
      await page.context().close();
    }
  } finally {
    await browser.close();
    await server.close();
    await backend.stop();
    rmSync(tempRoot, { recursive: true, force: true });
    rmSync(dist, { recursive: true, force: true });
  }
}

function pad(v: string | number, n: number): string {
  return String(v).padStart(n);
}

function report(r: RendererSoakResult): string {
  const head = `${pad('t s', 6)} ${pad('heap MB', 9)} ${pad('total MB', 9)} ${pad('DOM nodes', 10)} ${pad('listeners', 10)} ${pad('rows', 5)} ${pad('created', 8)} ${pad('completed', 10)} ${pad('list calls', 11)}`;
  const rows = r.samples.map(
    (s) =>
      `${pad(s.t, 6)} ${pad(s.heapUsedMb.toFixed(2), 9)} ${pad(s.heapTotalMb.toFixed(2), 9)} ${pad(s.domNodes ?? '-', 10)} ${pad(s.listeners ?? '-', 10)} ${pad(s.rowsShown, 5)} ${pad(s.created, 8)} ${pad(s.completed, 10)} ${pad(s.listCalls, 11)}`,
  );
  return [
    `renderer soak: ${r.minutes} min, sample every ${r.sampleS} s, warm-up ${r.warmupS} s, ${r.rate} creates/s (workers 4, batch 16, stage delay 0)`,
    head,
    ...rows,
    '',
    `JS heap used (after forced GC), MB: warm-up ${r.heapMb.warmup}, middle ${r.heapMb.middle}, end ${r.heapMb.end}, max ${r.heapMb.max}`,
    `growth end − warm-up: ${r.growthMb >= 0 ? '+' : ''}${r.growthMb} MB (${r.growthPct >= 0 ? '+' : ''}${r.growthPct}%); slope over the second half: ${r.slopeMbPerMin} MB/min`,
    `DOM nodes: warm-up ${r.domNodes.warmup ?? '-'}, end ${r.domNodes.end ?? '-'}; rows shown: warm-up ${r.rowsShown.warmup}, end ${r.rowsShown.end}`,
    `entries created ${r.created} (${r.createFailures} failed); page calls ${JSON.stringify(r.pageCalls)}`,
    `page errors: ${r.problems.length}${r.problems.length ? `\n  ${r.problems.slice(0, 20).join('\n  ')}` : ''}`,
    r.failures.length ? `FAIL: ${r.failures.join('; ')}` : `OK: heap growth ≤ ${MAX_GROWTH_PCT}% after warm-up, no page errors`,
    '',
  ].join('\n');
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      minutes: { type: 'string' },
      'sample-s': { type: 'string' },
      'warmup-s': { type: 'string' },
      rate: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  const num = (name: string, v: string | undefined, dflt: number, min: number): number => {
    if (v === undefined) return dflt;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min) throw new RangeError(`--${name} must be a number ≥ ${min}, got ${v}`);
    return n;
  };
  const r = await runRendererSoak({
    minutes: num('minutes', values.minutes, 10, 0.1),
    sampleS: num('sample-s', values['sample-s'], 30, 1),
    warmupS: num('warmup-s', values['warmup-s'], 60, 0),
    rate: num('rate', values.rate, 20, 0),
    log: (line) => process.stderr.write(`${line}\n`),
  });
  process.stdout.write(values.json ? `${JSON.stringify(r, null, 2)}\n` : report(r));
  return r.failures.length ? 1 : 0;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`soak:renderer: ${errorMessage(err)}\n`);
      process.exit(2);
    },
  );
}
