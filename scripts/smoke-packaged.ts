/**
 * Starts the unpacked packaged app (after `tsx scripts/package.ts --dir`) in smoke mode on a fresh
 * profile and fails unless it reports that its window loaded, its core opened a database and the
 * page was shown an entry (src/main/smoke.ts), and then exits 0. release.yml runs this on macOS and
 * Windows; on Linux it needs a display (xvfb-run).
 *
 *   tsx scripts/smoke-packaged.ts [--app PATH]
 *
 * Exit codes: 0 passed; 1 the app failed, hung or crashed (its log is printed); 2 no app found.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { load } from 'js-yaml';
import { SMOKE_ENV, SMOKE_RESULT_ENV, SMOKE_TIMEOUT_MS } from '../src/main/smoke';
import { findUnpackedApp, parseSmokeResult, unpackedAppCandidates } from './packaged-app';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The app's own deadline plus time to close the core and exit. */
const KILL_AFTER_MS = SMOKE_TIMEOUT_MS + 60_000;

const { values } = parseArgs({ options: { app: { type: 'string' } } });
const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const builder = load(readFileSync(join(ROOT, 'electron-builder.yml'), 'utf8')) as { productName: string };
const names = { productName: builder.productName, executableName: pkg.name };
const releaseDir = join(ROOT, 'release', pkg.version);

const app = values.app ?? findUnpackedApp(releaseDir, process.platform, process.arch, names);
if (app === undefined || !existsSync(app)) {
  console.error(`[smoke] no unpacked app found; looked for:\n  ${(values.app === undefined ? unpackedAppCandidates(releaseDir, process.platform, process.arch, names) : [values.app]).join('\n  ')}`);
  console.error('[smoke] build it first: npm run build && npx tsx scripts/package.ts --dir');
  process.exit(2);
}

const profile = mkdtempSync(join(tmpdir(), 'entryflow-packaged-smoke-'));
const resultFile = join(profile, 'smoke-result.json');
const env: Record<string, string> = {};
for (const [key, value] of Object.entries(process.env)) if (value !== undefined) env[key] = value;
// A fresh profile: data, logs and the single-instance lock all live under it.
Object.assign(env, { [SMOKE_ENV]: '1', [SMOKE_RESULT_ENV]: resultFile, ENTRYFLOW_USER_DATA_DIR: profile });
for (const name of ['ENTRYFLOW_DATA_DIR', 'ENTRYFLOW_DATABASE_URL', 'ELECTRON_RUN_AS_NODE']) Reflect.deleteProperty(env, name);

console.log(`[smoke] starting ${app}`);
const started = Date.now();
const child = spawn(app, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
let output = '';
child.stdout.on('data', (chunk: Buffer) => {
  output += chunk.toString();
  process.stdout.write(chunk);
});
child.stderr.on('data', (chunk: Buffer) => {
  process.stderr.write(chunk);
});
const killer = setTimeout(() => {
  console.error(`[smoke] no exit after ${String(KILL_AFTER_MS)} ms; killing the app`);
  child.kill('SIGKILL');
}, KILL_AFTER_MS);

child.on('error', (error) => {
  console.error(`[smoke] could not start the app: ${error.message}`);
});
child.on('close', (code, signal) => {
  clearTimeout(killer);
  // The file is written even where a GUI app's stdout is lost (Windows).
  const fromFile = existsSync(resultFile) ? parseSmokeResult(readFileSync(resultFile, 'utf8')) : undefined;
  const result = fromFile ?? parseSmokeResult(output);
  const passed = code === 0 && result?.smoke === 'passed';
  console.log(`[smoke] exit ${code === null ? `signal ${String(signal)}` : String(code)} after ${String(Date.now() - started)} ms`);
  console.log(`[smoke] result ${result === undefined ? '(none reported)' : JSON.stringify(result)}`);
  if (!passed) {
    const log = join(profile, 'logs', 'main.log');
    console.error(existsSync(log) ? `[smoke] the app's log:\n${readFileSync(log, 'utf8')}` : `[smoke] the app wrote no log at ${log}`);
  }
  rmSync(profile, { recursive: true, force: true });
  console.log(passed ? '[smoke] PASSED' : '[smoke] FAILED');
  process.exitCode = passed ? 0 : 1;
});
