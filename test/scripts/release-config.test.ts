/**
 * The shipping configuration, read as the tools read it: electron-builder.yml (checked against
 * electron-builder's own schema, so a misspelt key fails here and not on a release tag),
 * release.yml, and the package.json scripts that start Electron.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';

const root = resolve(import.meta.dirname, '../..');
const read = (path: string): string => readFileSync(join(root, path), 'utf8');

interface BuilderConfig {
  electronFuses?: Record<string, boolean>;
  mac?: { hardenedRuntime?: boolean; identity?: string | null; notarize?: boolean };
}
interface Step {
  name?: string;
  run?: string;
  env?: Record<string, string>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  env?: Record<string, string>;
  strategy?: { matrix?: { os?: string[] } };
  steps: Step[];
}
interface Workflow {
  on: Record<string, unknown>;
  env?: Record<string, string>;
  jobs: Record<string, Job>;
}

const builder = load(read('electron-builder.yml')) as BuilderConfig;
const release = load(read('.github/workflows/release.yml')) as Workflow;
const scripts = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts;

function job(name: string): Job {
  const found = release.jobs[name];
  if (found === undefined) throw new Error(`release.yml has no job ${name}`);
  return found;
}
const runs = (j: Job): string[] => j.steps.flatMap((s) => (s.run === undefined ? [] : [s.run]));

describe('electron-builder.yml', () => {
  it('is valid for electron-builder 26 (its own schema)', async () => {
    // app-builder-lib is electron-builder's: resolve it from there, whatever npm hoisted.
    const fromBuilder = createRequire(createRequire(join(root, 'package.json')).resolve('electron-builder'));
    const { validateConfiguration } = fromBuilder('app-builder-lib/out/util/config/config') as {
      validateConfiguration: (config: unknown, logger: unknown) => Promise<void>;
    };
    const { DebugLogger } = fromBuilder('builder-util') as { DebugLogger: new (enabled: boolean) => unknown };
    await expect(validateConfiguration(load(read('electron-builder.yml')), new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('re-signs ad-hoc after flipping the fuses, which breaks the Electron binary signature', () => {
    expect(builder.electronFuses?.resetAdHocDarwinSignature).toBe(true);
  });

  it('keeps the security fuses', () => {
    expect(builder.electronFuses).toMatchObject({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true,
      enableEmbeddedAsarIntegrityValidation: true,
    });
  });

  it('leaves the macOS identity to the build (a fixed one would ignore the certificate secret or force ad-hoc)', () => {
    expect(builder.mac?.hardenedRuntime).toBe(true);
    expect(builder.mac).not.toHaveProperty('identity');
    expect(builder.mac).not.toHaveProperty('notarize');
  });
});

describe('release.yml', () => {
  it('never switches signing discovery off for every build: only scripts/signing.ts does, without a certificate', () => {
    expect(release.env ?? {}).not.toHaveProperty('CSC_IDENTITY_AUTO_DISCOVERY');
    for (const [name, j] of Object.entries(release.jobs)) {
      expect(j.env ?? {}, name).not.toHaveProperty('CSC_IDENTITY_AUTO_DISCOVERY');
      for (const step of j.steps) expect(step.env ?? {}, `${name}: ${step.name ?? step.run ?? ''}`).not.toHaveProperty('CSC_IDENTITY_AUTO_DISCOVERY');
    }
  });

  it('packages through scripts/package.ts with the signing and notarization secrets', () => {
    const step = job('package').steps.find((s) => s.run?.includes('scripts/package.ts') === true);
    expect(step, 'a package step running scripts/package.ts').toBeDefined();
    for (const secret of ['CSC_LINK', 'CSC_KEY_PASSWORD', 'APPLE_ID', 'APPLE_APP_SPECIFIC_PASSWORD', 'APPLE_TEAM_ID']) {
      expect(step?.env?.[secret], secret).toBe(`\${{ secrets.${secret} }}`);
    }
    expect(runs(job('package')).join('\n')).not.toMatch(/(^|\s)electron-builder(\s|$)/);
  });

  it('starts the unpacked packaged app on macOS and Windows, on tag pushes and by hand', () => {
    expect(Object.keys(release.on)).toEqual(expect.arrayContaining(['push', 'workflow_dispatch']));
    const start = job('packaged-start');
    expect(start.if).toBeUndefined();
    expect(start.strategy?.matrix?.os).toEqual(['macos-latest', 'windows-latest']);
    const commands = runs(start);
    const packaged = commands.findIndex((r) => r.includes('scripts/package.ts --dir'));
    const smoke = commands.findIndex((r) => r.includes('scripts/smoke-packaged.ts'));
    expect(packaged).toBeGreaterThanOrEqual(0);
    expect(smoke).toBeGreaterThan(packaged);
    expect(commands).toContain('npx vitest run --project faults test/faults/lock-race.test.ts test/faults/lock.test.ts');
  });

  it('drafts a release only from a tag push, and only after the packaged app started', () => {
    const draft = job('draft-release');
    expect(draft.if).toBe("github.event_name == 'push'");
    expect(job('package').if).toBe("github.event_name == 'push'");
    expect(draft.needs).toEqual(expect.arrayContaining(['package', 'packaged-start']));
  });
});

describe('package.json scripts that start Electron', () => {
  // From Electron 42 on, `npm install` no longer downloads the binary and electron-vite reads
  // node_modules/electron/path.txt, which only install.js writes.
  it.each(['dev', 'start', 'app'])('%s fetches the Electron binary first', (name) => {
    expect(scripts[name]?.startsWith('node node_modules/electron/install.js && ')).toBe(true);
  });
});
