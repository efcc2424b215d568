/**
 * Where electron-builder puts the unpacked app (`--dir`) and how to read the smoke test's answer.
 * Pure, for scripts/smoke-packaged.ts and its test.
 *
 * electron-builder names the folder `<platform>[-<arch>]` (x64 has no suffix) and adds `-unpacked`
 * everywhere but macOS, under `directories.output` (release/${version}).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { SmokeResult } from '../src/main/smoke';

export interface AppNames {
  /** electron-builder.yml productName: the .app and .exe name. */
  productName: string;
  /** package.json name: the Linux executable. */
  executableName: string;
}

function folder(platformKey: 'mac' | 'win' | 'linux', arch: string): string {
  const suffix = arch === 'x64' ? '' : `-${arch}`;
  return platformKey === 'mac' ? `mac${suffix}` : `${platformKey}${suffix}-unpacked`;
}

/** The executables to try, best match for this machine first. */
export function unpackedAppCandidates(releaseDir: string, platform: NodeJS.Platform, arch: string, names: AppNames): string[] {
  // This machine's arch first; then the others it can run (a universal build, x64 under Rosetta or emulation).
  const archs = [...new Set([arch, ...(platform === 'darwin' ? ['universal', 'x64'] : ['x64'])])];
  switch (platform) {
    case 'darwin':
      return archs.map((a) => join(releaseDir, folder('mac', a), `${names.productName}.app`, 'Contents', 'MacOS', names.productName));
    case 'win32':
      return archs.map((a) => join(releaseDir, folder('win', a), `${names.productName}.exe`));
    case 'linux':
      return archs.map((a) => join(releaseDir, folder('linux', a), names.executableName));
    default:
      return [];
  }
}

export function findUnpackedApp(
  releaseDir: string,
  platform: NodeJS.Platform,
  arch: string,
  names: AppNames,
  exists: (path: string) => boolean = existsSync,
): string | undefined {
  return unpackedAppCandidates(releaseDir, platform, arch, names).find((path) => exists(path));
}

function isSmokeResult(value: unknown): value is SmokeResult {
  return (
    typeof value === 'object' &&
    value !== null &&
    'smoke' in value &&
    (value.smoke === 'passed' || value.smoke === 'failed') &&
    'step' in value &&
    typeof value.step === 'string'
  );
}

/** The app's one JSON line, found among whatever else it printed; the last one wins. */
export function parseSmokeResult(output: string): SmokeResult | undefined {
  let found: SmokeResult | undefined;
  for (const line of output.split(/\r?\n/)) {
    const text = line.trim();
    if (!text.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(text);
      if (isSmokeResult(value)) found = value;
    } catch {
      // Not our line: Chromium and electron-log print too.
    }
  }
  return found;
}
