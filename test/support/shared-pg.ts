/**
 * Helpers for the tests against a real PostgreSQL server (TEST_DATABASE_URL): a fresh schema per
 * test (dropped after it), an admin connection for assertions, and child processes — the built
 * headless worker and CLI (out/cli, plain node, as `npm run worker`/`cli` run them) — that are
 * always killed after the test.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, afterEach, describe } from 'vitest';
import { buildCli, builtCli } from '../../scripts/build-cli';

export const DATABASE_URL = process.env.TEST_DATABASE_URL;
export const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** `describe` when a server is configured; otherwise `describe.skip`, saying so loudly. */
export function describeShared(file: string): typeof describe | typeof describe.skip {
  if (DATABASE_URL) return describe;
  console.warn(`\n[entryflow] ${file}: SKIPPED — TEST_DATABASE_URL is not set, so there is no PostgreSQL server to test against.\n`);
  return describe.skip;
}

const schemas: string[] = [];
const children = new Set<ChildProcess>();
let admin: pg.Client | null = null;

/** A connection for assertions and setup; the schema is passed explicitly in every query. */
export async function adminClient(): Promise<pg.Client> {
  if (!admin) {
    admin = new pg.Client({ connectionString: DATABASE_URL });
    await admin.connect();
  }
  return admin;
}

/** A schema name no other test uses; dropped after the test. Not created: the core creates it. */
export function freshSchema(): string {
  const s = `t_${randomBytes(6).toString('hex')}`;
  schemas.push(s);
  return s;
}

export interface Child {
  proc: ChildProcess;
  lines: string[];
  stderr: string[];
  /** Resolves with the first stdout line (past or future) matching `re`. */
  waitForLine(re: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let built: Promise<unknown> | null = null;
let isBuilt = false;

/**
 * Builds out/cli from the current source, once per test file (esbuild, well under a second), so a
 * test never runs a stale build; `npm test` before `npm run build` works too. Call it in beforeAll
 * before `spawnCli`.
 */
export async function ensureCliBuilt(): Promise<void> {
  built ??= buildCli();
  await built;
  isBuilt = true;
}

/**
 * Runs the built `out/cli/<name>.js` with plain `node` (no tsx: what ships is what is tested) from
 * the repo root, collecting its output by line.
 */
export function spawnCli(name: 'worker' | 'cli', args: string[], env: NodeJS.ProcessEnv = {}): Child {
  if (!isBuilt) throw new Error('spawnCli: await ensureCliBuilt() first (in beforeAll)');
  const proc = spawn(process.execPath, [builtCli(name), ...args], {
    cwd: REPO,
    env: { ...process.env, ENTRYFLOW_DATABASE_URL: '', ENTRYFLOW_DATA_DIR: '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(proc);
  const lines: string[] = [];
  const stderr: string[] = [];
  const watchers = new Set<(line: string) => void>();
  let buf = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    const parts = buf.split('\n');
    buf = parts.pop() ?? '';
    for (const line of parts) {
      lines.push(line);
      for (const w of watchers) w(line);
    }
  });
  proc.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    // 'close', not 'exit': by then stdout is drained, so `lines` is complete.
    proc.on('close', (code, signal) => {
      children.delete(proc);
      resolve({ code, signal });
    }),
  );
  return {
    proc,
    lines,
    stderr,
    exited,
    waitForLine(re, timeoutMs = 30_000) {
      const seen = lines.find((l) => re.test(l));
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => {
          watchers.delete(w);
          reject(new Error(`timed out after ${timeoutMs} ms waiting for a line matching ${re}; stderr: ${stderr.join('').slice(-2000)}`));
        }, timeoutMs);
        const w = (line: string) => {
          if (!re.test(line)) return;
          clearTimeout(timer);
          watchers.delete(w);
          resolve(line);
        };
        watchers.add(w);
        void exited.then(({ code, signal }) => {
          if (!watchers.has(w)) return;
          clearTimeout(timer);
          watchers.delete(w);
          reject(new Error(`process exited (${code ?? signal}) before a line matching ${re}; stderr: ${stderr.join('').slice(-2000)}`));
        });
      });
    },
  };
}

/** Runs the built worker or CLI to completion (building it first if this file has not). */
export async function runCli(name: 'worker' | 'cli', args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  await ensureCliBuilt();
  const c = spawnCli(name, args, env);
  const { code } = await c.exited;
  return { code, stdout: c.lines.join('\n'), stderr: c.stderr.join('') };
}

afterEach(async () => {
  const live = [...children];
  for (const p of live) p.kill('SIGKILL');
  await Promise.all(live.map((p) => new Promise((r) => (p.exitCode !== null || p.signalCode !== null ? r(undefined) : p.once('exit', r)))));
  if (schemas.length > 0) {
    const c = await adminClient();
    for (const s of schemas.splice(0)) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  }
});

afterAll(async () => {
  await admin?.end();
  admin = null;
});
