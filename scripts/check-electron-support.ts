/**
 * `npm run check:electron` (and a step of .ci/run): fails when the Electron major that package.json
 * pins is no longer one of the three newest stable majors on the npm registry. The verdict itself is
 * scripts/electron-support.ts; this file asks the registry and prints it.
 *
 *   tsx scripts/check-electron-support.ts [--pinned RANGE]
 *
 * --pinned checks RANGE instead of package.json's (e.g. `--pinned ^40.8.5` to see the failure).
 * Exit codes: 0 supported, 1 unsupported, 2 invalid input, 3 registry unreachable ("NOT CHECKED").
 */
import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { assessElectronSupport, EXIT_CODE, type RegistryAnswer } from './electron-support';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** npm's own retries on a dead network take minutes; past this we call the registry unreachable. */
const REGISTRY_TIMEOUT_MS = 120_000;

export interface Io {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/**
 * `npm view electron dist-tags --json` through the machine's npm (its registry, proxy and CA
 * settings), with a cache of its own: on a network error npm silently answers from a stale cache
 * entry ("cache stale"), which would pass an unreachable registry off as checked.
 */
export async function askRegistry(env: NodeJS.ProcessEnv = process.env): Promise<RegistryAnswer> {
  const cache = await mkdtemp(join(tmpdir(), 'entryflow-npm-cache-'));
  try {
    const { code, stdout, stderr } = await new Promise<{ code: number | string | null; stdout: string; stderr: string }>((done) => {
      execFile(
        'npm',
        ['view', 'electron', 'dist-tags', '--json', '--cache', cache, '--no-update-notifier'],
        { env, timeout: REGISTRY_TIMEOUT_MS, maxBuffer: 1 << 20 },
        (error, out, err) => {
          done({ code: error ? (error.code ?? (error.killed ? 'timed out' : 'failed')) : 0, stdout: out, stderr: err });
        },
      );
    });
    let parsed: unknown;
    try {
      parsed = JSON.parse(stdout);
    } catch {
      parsed = undefined;
    }
    if (code === 0 && isRecord(parsed) && !('error' in parsed)) return { ok: true, distTags: parsed };
    return { ok: false, reason: failureReason(code, parsed, stderr) };
  } finally {
    await rm(cache, { recursive: true, force: true });
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** npm --json reports a failure as {"error": {"code", "summary"}} on stdout; fall back to stderr. */
function failureReason(code: number | string | null, parsed: unknown, stderr: string): string {
  if (isRecord(parsed) && isRecord(parsed.error)) {
    const { code: errCode, summary } = parsed.error;
    const text = [errCode, summary].filter((x): x is string => typeof x === 'string' && x !== '').join(': ');
    if (text !== '') return `npm view: ${text.split('\n')[0] ?? text}`;
  }
  const line = stderr.split('\n').find((l) => /error/i.test(l))?.trim();
  return `npm view exited with ${String(code)}${line ? `: ${line}` : ''}`;
}

async function pinnedRange(): Promise<string | undefined> {
  const pkg: unknown = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8'));
  if (!isRecord(pkg)) return undefined;
  for (const field of ['devDependencies', 'dependencies'] as const) {
    const deps = pkg[field];
    if (isRecord(deps) && typeof deps.electron === 'string') return deps.electron;
  }
  return undefined;
}

export async function main(
  argv: string[],
  io: Io = { stdout: (t) => process.stdout.write(t), stderr: (t) => process.stderr.write(t) },
  ask: () => Promise<RegistryAnswer> = () => askRegistry(),
): Promise<number> {
  let pinned: string | undefined;
  try {
    pinned = parseArgs({ args: argv, options: { pinned: { type: 'string' } } }).values.pinned;
  } catch (error) {
    io.stderr(`${(error as Error).message}\nusage: check-electron-support [--pinned RANGE]\n`);
    return EXIT_CODE.invalid;
  }
  const range = pinned ?? (await pinnedRange());
  if (range === undefined) {
    io.stderr('package.json has no electron dependency to check\n');
    return EXIT_CODE.invalid;
  }
  const registry = await ask();
  if (registry.ok) io.stdout(`registry dist-tags for electron: ${JSON.stringify(registry.distTags)}\n`);
  const verdict = assessElectronSupport(range, registry);
  (verdict.status === 'ok' ? io.stdout : io.stderr)(`${verdict.message}\n`);
  return EXIT_CODE[verdict.status];
}

function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) process.exitCode = await main(process.argv.slice(2));
