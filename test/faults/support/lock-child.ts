/**
 * A process that takes the data-folder lock when told, for the lock tests. Run with
 * `node --import tsx test/faults/support/lock-child.ts`; it prints `ready`, then reads one command
 * a line on stdin and answers on stdout:
 *
 *   arm <dir> <goFile>    answer `armed`, spin until goFile exists (so every armed child starts at
 *                         one instant), call acquireDataDirLock(dir), answer `won`, `refused <code>`
 *                         or `error <json message>`, and keep the lock until `release`.
 *   open <dir> <goFile>   the same through openCore({ dataDir: dir, workers: 0 }).
 *   watch <file> <goFile> <stalePid>
 *                         after go, read the lock file until it names a pid other than stalePid;
 *                         answer `watched <reads> <torn> <missing> <sawWinner 0|1>` (torn: read but
 *                         not a holder record, e.g. empty; missing: no file at that instant).
 *   hold <dir>            acquire at once: `won` or `refused <code>`.
 *   release               release what this child holds (lock or core): `released`.
 *
 * The child exits when stdin closes, so a dying test run leaves no holders behind.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { acquireDataDirLock, type DataDirLock } from '../../../src/main/core/data-dir-lock';

interface Closable {
  close(): Promise<void> | void;
}

/** Bounds the spin on the go file, so a parent that dies mid-trial leaves no child burning a core. */
const GO_TIMEOUT_MS = 30_000;

const say = (line: string): void => {
  process.stdout.write(`${line}\n`);
};
let held: Closable | null = null;

function waitForGo(goFile: string): boolean {
  const until = Date.now() + GO_TIMEOUT_MS;
  // Busy-wait on purpose: every child leaves this loop within microseconds of the file appearing,
  // which is what makes the acquisitions race.
  while (!existsSync(goFile)) if (Date.now() > until) return false;
  return true;
}

function outcome(err: unknown): string {
  const e = err as { code?: unknown; message?: unknown };
  return typeof e.code === 'string' && e.code.startsWith('DATA_DIR_') ? `refused ${e.code}` : `error ${JSON.stringify(String(e.message ?? err))}`;
}

function take(dir: string): string {
  try {
    const lock: DataDirLock = acquireDataDirLock(dir);
    held = { close: () => lock.release() };
    return 'won';
  } catch (err) {
    return outcome(err);
  }
}

async function open(dir: string): Promise<string> {
  const { openCore } = await import('../../../src/main/core/index');
  try {
    held = await openCore({ dataDir: dir, workers: 0 });
    return 'won';
  } catch (err) {
    return outcome(err);
  }
}

function watch(file: string, goFile: string, stalePid: number): string {
  if (!waitForGo(goFile)) return 'error "no go signal"';
  let reads = 0;
  let torn = 0;
  let missing = 0;
  // Bounded so a trial where nobody wins still answers.
  for (; reads < 200_000; reads++) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      missing++;
      continue;
    }
    let pid: unknown;
    try {
      pid = (JSON.parse(text) as { pid?: unknown }).pid;
    } catch {
      pid = undefined;
    }
    if (typeof pid !== 'number') torn++;
    else if (pid !== stalePid) return `watched ${reads + 1} ${torn} ${missing} 1`;
  }
  return `watched ${reads} ${torn} ${missing} 0`;
}

/** Runs one command; returns its answer (`arm`, `open` and `watch` say `armed` first). */
async function run(line: string): Promise<string> {
  const [cmd, ...args] = line.split('\t');
  switch (cmd) {
    case 'arm':
    case 'open': {
      const [dir, goFile] = args as [string, string];
      say('armed');
      if (!waitForGo(goFile)) return 'error "no go signal"';
      return cmd === 'arm' ? take(dir) : await open(dir);
    }
    case 'watch': {
      const [file, goFile, stalePid] = args as [string, string, string];
      say('armed');
      return watch(file, goFile, Number(stalePid));
    }
    case 'hold':
      return take(args[0] as string);
    case 'release': {
      const h = held;
      held = null;
      await h?.close();
      return 'released';
    }
    default:
      return `error ${JSON.stringify(`unknown command ${line}`)}`;
  }
}

// Commands run one at a time, in order.
let queue = Promise.resolve();
const rl = createInterface({ input: process.stdin });
rl.on('line', (line) => {
  queue = queue.then(() => run(line)).then(say, (err: unknown) => say(`error ${JSON.stringify(String(err))}`));
});
rl.on('close', () => void queue.then(() => process.exit(0)));
say('ready');
