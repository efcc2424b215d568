import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { findUnpackedApp, parseSmokeResult, unpackedAppCandidates } from '../../scripts/packaged-app';

const names = { productName: 'Entryflow', executableName: 'entryflow' };
const rel = '/r/0.1.0';

describe('where electron-builder --dir puts the app', () => {
  it('names the folder and executable per OS, this machine’s arch first', () => {
    expect(unpackedAppCandidates(rel, 'darwin', 'arm64', names)[0]).toBe(join(rel, 'mac-arm64', 'Entryflow.app', 'Contents', 'MacOS', 'Entryflow'));
    expect(unpackedAppCandidates(rel, 'darwin', 'x64', names)[0]).toBe(join(rel, 'mac', 'Entryflow.app', 'Contents', 'MacOS', 'Entryflow'));
    expect(unpackedAppCandidates(rel, 'win32', 'x64', names)).toEqual([join(rel, 'win-unpacked', 'Entryflow.exe')]);
    expect(unpackedAppCandidates(rel, 'linux', 'x64', names)).toEqual([join(rel, 'linux-unpacked', 'entryflow')]);
  });

  it('falls back to a universal or x64 build on an arm64 Mac', () => {
    const x64 = join(rel, 'mac', 'Entryflow.app', 'Contents', 'MacOS', 'Entryflow');
    expect(findUnpackedApp(rel, 'darwin', 'arm64', names, (p) => p === x64)).toBe(x64);
    expect(findUnpackedApp(rel, 'darwin', 'arm64', names, () => false)).toBeUndefined();
  });
});

describe('reading the smoke result', () => {
  it('finds the JSON line among other output; the last one wins', () => {
    const output = [
      '[12:00:00] Chromium says hello',
      '{"smoke":"failed","step":"core","ms":1,"version":"0","platform":"win32","arch":"x64"}',
      '{"not":"ours"}',
      '{"smoke":"passed","step":"page","ms":900,"version":"0.1.0","platform":"win32","arch":"x64","entryId":"e1"}\r',
      '{broken',
    ].join('\n');
    expect(parseSmokeResult(output)).toMatchObject({ smoke: 'passed', entryId: 'e1' });
    expect(parseSmokeResult('nothing here')).toBeUndefined();
    expect(parseSmokeResult('{"smoke":"maybe","step":"page"}')).toBeUndefined();
  });
});

/**
 * The runner itself, against stand-in apps (shell scripts): the property is that only an exit 0
 * WITH a passed result passes; a crash, a failure or a silent exit 0 fails.
 */
describe.skipIf(process.platform === 'win32')('scripts/smoke-packaged.ts', () => {
  const root = resolve(import.meta.dirname, '../..');
  const work = mkdtempSync(join(tmpdir(), 'entryflow-smoke-runner-'));
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  function standIn(name: string, body: string): string {
    const path = join(work, name);
    writeFileSync(path, `#!/bin/sh\n${body}\n`);
    chmodSync(path, 0o755);
    return path;
  }
  function runner(app: string) {
    const tsx = join(root, 'node_modules', '.bin', 'tsx');
    return spawnSync(tsx, [join(root, 'scripts', 'smoke-packaged.ts'), '--app', app], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  }

  it('passes an app that reports passed in its result file and exits 0, with smoke mode on a fresh profile', () => {
    const app = standIn(
      'passes',
      [
        'test "$ENTRYFLOW_SMOKE_TEST" = 1 || exit 3',
        'test -d "$ENTRYFLOW_USER_DATA_DIR" || exit 4',
        'test -z "$ENTRYFLOW_DATA_DIR" || exit 5',
        `echo '{"smoke":"passed","step":"page","ms":5,"version":"0.1.0","platform":"linux","arch":"x64"}' > "$ENTRYFLOW_SMOKE_RESULT"`,
        'exit 0',
      ].join('\n'),
    );
    const run = runner(app);
    expect(run.stdout).toContain('[smoke] PASSED');
    expect(run.status).toBe(0);
  });

  it('fails an app that reports failed, one that exits 0 saying nothing, and one that crashes', () => {
    const failed = standIn('fails', `echo '{"smoke":"failed","step":"core","ms":5,"version":"0","platform":"linux","arch":"x64","error":"DATA_DIR_LOCKED"}'\nexit 1`);
    const silent = standIn('silent', 'exit 0');
    const crash = standIn('crash', 'kill -SEGV $$');
    for (const app of [failed, silent, crash]) {
      const run = runner(app);
      expect(run.stdout, app).toContain('[smoke] FAILED');
      expect(run.status, app).toBe(1);
    }
  });

  it('exits 2 when there is no app to start', () => {
    expect(runner(join(work, 'missing')).status).toBe(2);
  });
});
