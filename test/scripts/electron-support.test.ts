/**
 * The Electron support check (scripts/electron-support.ts, scripts/check-electron-support.ts): which
 * pins pass against which dist-tags, that prerelease tags never widen the window, and that a registry
 * that cannot be reached is reported as NOT CHECKED with its own exit code, never as supported. The
 * registry is never asked for real here: the child processes point npm at a server on loopback.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { main } from '../../scripts/check-electron-support';
import { assessElectronSupport, EXIT_CODE, newestStableMajor, pinnedMajor, type RegistryAnswer } from '../../scripts/electron-support';

const REPO = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const tags = (distTags: Record<string, string>): RegistryAnswer => ({ ok: true, distTags });
/** What the registry held when this was written: only `latest`. */
const TODAY = tags({ latest: '45.5.0' });

describe('pinnedMajor', () => {
  it.each([
    ['^45.5.0', 45],
    ['~45.5.0', 45],
    ['45.5.0', 45],
    ['=45.5.0', 45],
    ['45', 45],
    ['45.x', 45],
    ['^46.0.0-beta.3', 46],
  ])('reads %s as major %i', (range, major) => {
    expect(pinnedMajor(range)).toBe(major);
  });

  it.each(['>=40', '*', '40 || 45', 'latest', '', '^40.8.5 <46'])('refuses %j, which pins no single major', (range) => {
    expect(pinnedMajor(range)).toBeUndefined();
  });
});

describe('newestStableMajor', () => {
  it('ignores prerelease tags, however new', () => {
    expect(newestStableMajor({ latest: '45.5.0', beta: '46.0.0-beta.3', alpha: '47.0.0-alpha.1', nightly: '48.0.0-nightly.20261101', '2-0-x': '2.0.18' })).toBe(45);
  });

  it('takes the highest stable major whichever tag holds it', () => {
    expect(newestStableMajor({ latest: '44.9.1', 'next-stable': '45.0.0' })).toBe(45);
  });

  it('finds none when every tag is a prerelease', () => {
    expect(newestStableMajor({ beta: '46.0.0-beta.3', alpha: '47.0.0-alpha.1' })).toBeUndefined();
  });
});

describe('assessElectronSupport', () => {
  it.each(['^45.5.0', '^44.2.0', '~43.0.1'])('passes %s: one of the three newest stable majors', (range) => {
    const verdict = assessElectronSupport(range, TODAY);
    expect(verdict).toMatchObject({ status: 'ok', newestMajor: 45, supported: [45, 44, 43] });
  });

  it('fails ^40.8.5 and says what to do', () => {
    const verdict = assessElectronSupport('^40.8.5', TODAY);
    expect(verdict).toMatchObject({ status: 'unsupported', pinnedMajor: 40, newestMajor: 45 });
    expect(verdict.message).toMatch(/out of support.*45, 44, 43.*npm install -D electron@45/);
  });

  it('fails the first major past the window', () => {
    expect(assessElectronSupport('^42.0.0', TODAY).status).toBe('unsupported');
  });

  it('does not let a beta tag move the window: 43 stays supported while 46 is in beta', () => {
    expect(assessElectronSupport('^43.1.0', tags({ latest: '45.5.0', beta: '46.0.0-beta.3' })).status).toBe('ok');
  });

  it('fails a pin on a major that has no stable release yet', () => {
    const verdict = assessElectronSupport('^46.0.0-beta.3', tags({ latest: '45.5.0', beta: '46.0.0-beta.3' }));
    expect(verdict.status).toBe('unsupported');
    expect(verdict.message).toMatch(/prerelease/);
  });

  it('reports an unreachable registry as NOT CHECKED, never as supported', () => {
    const verdict = assessElectronSupport('^45.5.0', { ok: false, reason: 'ECONNREFUSED' });
    expect(verdict.status).toBe('unreachable');
    expect(verdict.message).toMatch(/^NOT CHECKED: registry unreachable \(ECONNREFUSED\)/);
  });

  it('refuses a range that pins no major, and dist-tags with no stable version', () => {
    expect(assessElectronSupport('>=40', TODAY).status).toBe('invalid');
    expect(assessElectronSupport('^45.5.0', tags({ beta: '46.0.0-beta.3' })).status).toBe('invalid');
  });

  it('gives every outcome its own non-zero exit code except ok', () => {
    expect(EXIT_CODE.ok).toBe(0);
    const failures = [EXIT_CODE.unsupported, EXIT_CODE.invalid, EXIT_CODE.unreachable];
    expect(new Set(failures).size).toBe(3);
    expect(failures).not.toContain(0);
  });
});

describe('check-electron-support main', () => {
  const run = async (argv: string[], answer: RegistryAnswer) => {
    let stdout = '';
    let stderr = '';
    const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) }, () => Promise.resolve(answer));
    return { code, stdout, stderr };
  };

  it('fails with exit 1 when --pinned names an unsupported major', async () => {
    const r = await run(['--pinned', '^40.8.5'], TODAY);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^UNSUPPORTED: Electron "\^40\.8\.5"/);
  });

  it("checks package.json's own pin when no --pinned is given", async () => {
    const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { devDependencies: { electron: string } };
    const major = pinnedMajor(pkg.devDependencies.electron);
    expect(major).toBeDefined();
    const ok = await run([], tags({ latest: `${String(major)}.0.0` }));
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain(`"${pkg.devDependencies.electron}" (major ${String(major)}) is supported`);
    const later = await run([], tags({ latest: `${String(major! + 3)}.0.0` }));
    expect(later.code).toBe(1);
  });

  it('exits 3 with NOT CHECKED when the registry is unreachable', async () => {
    const r = await run([], { ok: false, reason: 'ETIMEDOUT' });
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/^NOT CHECKED: registry unreachable/);
  });
});

describe('check-electron-support against a registry on loopback', () => {
  let server: Server | undefined;
  let cache: string | undefined;
  afterEach(async () => {
    const s = server;
    server = undefined;
    if (s) await new Promise((r) => s.close(r));
    if (cache) rmSync(cache, { recursive: true, force: true });
    cache = undefined;
  });

  /** The smallest packument `npm view` accepts; `alive` false makes the server hang up on every request. */
  const state = { alive: true };
  const PACKUMENT = JSON.stringify({
    name: 'electron',
    'dist-tags': { latest: '45.5.0' },
    versions: { '45.5.0': { name: 'electron', version: '45.5.0' } },
    time: { '45.5.0': '2026-01-01T00:00:00.000Z' },
  });

  async function startRegistry(): Promise<string> {
    server = createServer((req, res) => {
      if (!state.alive) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(PACKUMENT);
    });
    const port = await new Promise<number>((resolve) => {
      server!.listen(0, '127.0.0.1', () => {
        const address = server!.address();
        resolve(typeof address === 'object' && address ? address.port : 0);
      });
    });
    return `http://127.0.0.1:${String(port)}/`;
  }

  function runCli(argv: string[], env: NodeJS.ProcessEnv, file = join(REPO, 'scripts', 'check-electron-support.ts')) {
    const child = spawn(process.execPath, ['--import', 'tsx', file, ...argv], { cwd: REPO, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (t: string) => (stdout += t));
    child.stderr.setEncoding('utf8').on('data', (t: string) => (stderr += t));
    return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  function npmView(env: NodeJS.ProcessEnv): Promise<number | null> {
    const child = spawn('npm', ['view', 'electron', 'dist-tags', '--json'], { cwd: REPO, env: { ...process.env, ...env }, stdio: 'ignore' });
    return new Promise((resolve) => child.once('close', resolve));
  }

  it('passes through npm while the registry answers, and says NOT CHECKED (exit 3) once it hangs up, even with npm holding a cached copy', async () => {
    state.alive = true;
    cache = mkdtempSync(join(tmpdir(), 'entryflow-npm-cache-test-'));
    // Nothing leaves the machine: npm asks only this loopback server, and keeps its cache in a temp dir.
    const env = { npm_config_registry: await startRegistry(), npm_config_fetch_retries: '0', npm_config_cache: cache };

    const live = await runCli(['--pinned', '^44.0.0'], env);
    expect(live.code).toBe(0);
    expect(live.stdout).toContain('{"latest":"45.5.0"}');

    // npm's own cache now holds the packument; a plain `npm view` would answer from it ("cache stale").
    expect(await npmView(env)).toBe(0);
    state.alive = false;
    expect(await npmView(env)).toBe(0);

    const dead = await runCli(['--pinned', '^44.0.0'], env);
    expect({ code: dead.code, stdout: dead.stdout }).toEqual({ code: 3, stdout: '' });
    expect(dead.stderr).toMatch(/^NOT CHECKED: registry unreachable \(npm view: /);
  });
});
