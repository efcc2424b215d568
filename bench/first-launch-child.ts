/**
 * Child of bench/first-launch.ts, run bundled (out/bench/first-launch-child.js, dependencies
 * external, as electron-vite bundles main) by plain `node`, so its peak RSS and its times from
 * process start are those of the app's main process minus Electron.
 *
 *   node out/bench/first-launch-child.js open  DATA_DIR TEMPLATE [SETTLE_MS]
 *     opens one core (no workers), keeps it open SETTLE_MS (default 0) as a launched app stays open,
 *     closes it, prints one JSON line (Timing).
 *   node out/bench/first-launch-child.js serve DATA_DIR TEMPLATE      (with an IPC channel)
 *     main's boot order: the IPC answers first (pending-core.ts; calls wait for the open), then
 *     openCore with the app's defaults. Answers {id, channel, payload} messages from the parent
 *     (the page's bridge) with {id, envelope}; on {close: true} closes, sends its Timing, exits.
 *
 * Times are performance.now(), which in Node counts from the process's start.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { createPendingCore } from '../src/main/pending-core';
import type { Envelope } from '../src/shared/contract';

export interface Timing {
  createdFrom: string;
  /**
   * From process start: this module running (Node started, its static imports loaded). Serve mode:
   * where main creates its window; the core's modules are imported after it, as main does.
   */
  importedAt: number;
  openMs: number;
  /** From process start: openCore resolved. */
  openAt: number;
  closeMs: number;
  /**
   * Peak RSS over the process's whole life, the time it stayed open after its first data included:
   * V8 compiles PGlite's hottest wasm functions again with its optimising tier on a background thread
   * about a second after the open, and one of them (BENCHMARKS.md, issue 12 (d)) takes ~600 MB of
   * compiler memory for half a second. A child that closed at once would miss that.
   */
  maxRssMiB: number;
  /**
   * Peak RSS when the first data was there: the first list answer sent (serve mode), openCore resolved
   * (open mode).
   */
  firstListRssMiB?: number;
  /**
   * The longest the event loop was blocked while the core opened (ms, to within 10 ms). In the app
   * this is Electron's main thread: no IPC answer, window event or menu while it lasts.
   */
  longestStallMs: number;
}

/** Starts watching the event loop; the returned function stops and gives the longest stall (ms). */
function watchStalls(): () => number {
  const h = monitorEventLoopDelay({ resolution: 10 });
  h.enable();
  return () => {
    h.disable();
    return h.max / 1e6;
  };
}

export type ParentMessage = { id: number; channel: string; payload: unknown } | { close: true };
/** What the child sends: its window point (serve mode), answers, and its Timing at the end. */
export type ChildMessage = { window: true } | { id: number; envelope: Envelope<unknown> } | { timing: Timing };

const importedAt = performance.now();
const [mode, dataDir, template, settle] = process.argv.slice(2);
if ((mode !== 'open' && mode !== 'serve') || dataDir === undefined || template === undefined) {
  process.stderr.write('usage: first-launch-child.js open|serve DATA_DIR TEMPLATE [SETTLE_MS]\n');
  process.exit(2);
}

// maxRSS is in KiB.
const maxRssMiB = (): number => process.resourceUsage().maxRSS / 1024;

// Main imports the core only once its window exists (src/main/index.ts); so does this child.
const loadCore = () => import('../src/main/core/index');

if (mode === 'open') {
  const t0 = performance.now();
  const stalls = watchStalls();
  const { openCore } = await loadCore();
  const core = await openCore({ dataDir, template, workers: 0 });
  const t1 = performance.now();
  const longestStallMs = stalls();
  const firstListRssMiB = maxRssMiB();
  await new Promise((resolve) => setTimeout(resolve, Number(settle ?? 0)));
  const t2 = performance.now();
  await core.close();
  const timing: Timing = { createdFrom: core.createdFrom, importedAt, openMs: t1 - t0, openAt: t1, closeMs: performance.now() - t2, maxRssMiB: maxRssMiB(), firstListRssMiB, longestStallMs };
  process.stdout.write(`${JSON.stringify(timing)}\n`);
} else {
  const send = process.send?.bind(process);
  if (send === undefined) throw new Error('serve needs an IPC channel (spawn with stdio "ipc")');
  const pending = createPendingCore();
  let firstListRssMiB: number | undefined;
  // Listened for from the start: with the first list answered before the open, the parent may say
  // close while the core is still opening (a message nobody listens for yet is lost).
  let askedToClose: () => void = () => undefined;
  const closeAsked = new Promise<void>((resolve) => {
    askedToClose = resolve;
  });
  process.on('message', (m: ParentMessage) => {
    if ('close' in m) {
      askedToClose();
      return;
    }
    void pending.invoke(m.channel, m.payload).then((envelope) => {
      if (m.channel === 'entries:list' && envelope.ok && firstListRssMiB === undefined) firstListRssMiB = maxRssMiB();
      send({ id: m.id, envelope } satisfies ChildMessage);
    });
  });
  // Main's window point: IPC answers (pending), the window created; the parent loads the page now.
  send({ window: true } satisfies ChildMessage);
  const t0 = performance.now();
  const stalls = watchStalls();
  const opening = loadCore().then(({ openCore }) => openCore({ dataDir, template, onNewDataFolder: () => pending.markEmpty() }));
  pending.attach(opening);
  const core = await opening;
  const t1 = performance.now();
  const longestStallMs = stalls();
  await closeAsked;
  const t2 = performance.now();
  await pending.close();
  const timing: Timing = { createdFrom: core.createdFrom, importedAt, openMs: t1 - t0, openAt: t1, closeMs: performance.now() - t2, maxRssMiB: maxRssMiB(), firstListRssMiB, longestStallMs };
  send({ timing } satisfies ChildMessage, () => process.disconnect());
}
