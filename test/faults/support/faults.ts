/**
 * Helpers of the fault suite: child cores to kill, a seeded random source, folder hashes, and the
 * figures file RELIABILITY.md quotes (test-artifacts/reliability.json).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const FIGURES = join(ROOT, 'test-artifacts', 'reliability.json');
const CHILD = join(ROOT, 'test', 'faults', 'child-core.ts');

/** Merges one case's figures into the figures file (the suite runs files one at a time). */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
  const all: Record<string, unknown> = existsSync(FIGURES) ? (JSON.parse(readFileSync(FIGURES, 'utf8')) as Record<string, unknown>) : {};
  all[name] = { ...figures, at: new Date().toISOString(), node: process.version, platform: `${process.platform}-${process.arch}` };
  writeFileSync(FIGURES, `${JSON.stringify(all, null, 2)}\n`);
}

/** mulberry32: small, seeded, good enough to pick kill moments reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const FAULT_SEED = Number(process.env.FAULT_SEED ?? '20260101');

/** A hash of every file's path, size and bytes under dir: equal before/after means nothing changed. */
export function hashTree(dir: string): string {
  const h = createHash('sha256');
  const walk = (d: string) => {
    for (const name of readdirSync(d).sort()) {
      const p = join(d, name);
      const st = statSync(p);
      h.update(`${relative(dir, p)}\0${st.isDirectory() ? 'd' : st.size}\0`);
      if (st.isDirectory()) walk(p);
      else h.update(readFileSync(p));
    }
  };
  walk(dir);
  return h.digest('hex');
}

export interface ChildCore {
  proc: ChildProcess;
  /** Every `ack <id>` line so far. */
  acked: string[];
  lines: string[];
  stderr: string[];
  /** Resolves when a stdout line satisfies the predicate (rejects on exit or timeout). */
  waitForLine(pred: (line: string) => boolean, what: string, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(): Promise<void>;
}

/** `env` is added to this process's environment (child-core.ts reads CHILD_* settings from it). */
export function spawnChildCore(mode: 'work' | 'open' | 'close' | 'poison', dataDir: string, stageDelayMs = 20, env: Record<string, string> = {}): ChildCore {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD, mode, dataDir, String(stageDelayMs)], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const acked: string[] = [];
  const lines: string[] = [];
  const stderr: string[] = [];
  const listeners = new Set<() => void>();
  let buf = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      lines.push(line);
      if (line.startsWith('ack ')) acked.push(line.slice(4));
    }
    for (const l of listeners) l();
  });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) =>
    proc.on('exit', (code, signal) => {
      r({ code, signal });
      for (const l of listeners) l();
    }),
  );
  let done = false;
  void exited.then(() => (done = true));
  return {
    proc,
    acked,
    lines,
    stderr,
    exited,
    waitForLine(pred, what, timeoutMs = 60_000) {
      return new Promise((res, rej) => {
        const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr.join('')}`)), timeoutMs);
        const check = () => {
          const hit = lines.find(pred);
          if (hit !== undefined) finish(null, hit);
          else if (done || proc.exitCode !== null || proc.signalCode !== null)
            finish(new Error(`child exited (${proc.exitCode ?? proc.signalCode}) before ${what}; out: ${lines.slice(-3).join(' | ')}; stderr: ${stderr.join('')}`));
        };
        const finish = (err: Error | null, line?: string) => {
          clearTimeout(timer);
          listeners.delete(check);
          if (err) rej(err);
          else res(line as string);
        };
        listeners.add(check);
        check();
      });
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
}

/** A maker of fresh `<tmp>/data` folders for one test file, all removed after the file's tests. */
export function tempDataDirs(prefix = 'entryflow-fault-'): () => string {
  const roots: string[] = [];
  afterAll(() => {
    for (const r of roots) rmSync(r, { recursive: true, force: true });
  });
  return () => {
    const root = mkdtempSync(join(tmpdir(), prefix));
    roots.push(root);
    return join(root, 'data');
  };
}
