/**
 * The process boundaries, checked on the source: the core never touches Electron or the app around
 * it, the headless worker and the CLI use the core only through its public index, the sandboxed
 * preload pulls in nothing but Electron and the channel list, and the renderer never reaches into
 * main or preload code.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries.flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx|mts|cts)$/.test(name) ? [full] : [];
  });
}

interface ImportRef {
  specifier: string;
  typeOnly: boolean;
}

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?(?:[^'";]*?\sfrom\s+)?['"]([^'"]+)['"]/gm;
const DYNAMIC = /(?:import|require)\(\s*['"]([^'"]+)['"]\s*\)/g;

function importsOf(file: string): ImportRef[] {
  const text = readFileSync(file, 'utf8');
  const refs: ImportRef[] = [];
  for (const m of text.matchAll(IMPORT)) refs.push({ specifier: m[2] ?? '', typeOnly: m[1] !== undefined });
  for (const m of text.matchAll(DYNAMIC)) refs.push({ specifier: m[1] ?? '', typeOnly: false });
  return refs;
}

/** The repo-relative target of a relative import, or the bare package name. */
function target(file: string, specifier: string): string {
  if (!specifier.startsWith('.')) return specifier;
  return relative(root, resolve(dirname(file), specifier)).split(sep).join('/');
}

/** The file a relative import without an extension names. */
function resolveSource(path: string): string {
  for (const ext of ['.ts', '.tsx', '/index.ts']) {
    try {
      if (statSync(path + ext).isFile()) return path + ext;
    } catch {
      // not this one
    }
  }
  throw new Error(`no source file for ${path}`);
}

const rel = (file: string) => relative(root, file).split(sep).join('/');

describe('process boundaries', () => {
  it('the core imports neither electron nor main code outside the core', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src/main/core'))) {
      for (const { specifier } of importsOf(file)) {
        const to = target(file, specifier);
        const electron = specifier === 'electron' || specifier.startsWith('electron/') || specifier.startsWith('electron-log');
        const outside = specifier.startsWith('.') && !to.startsWith('src/main/core') && !to.startsWith('src/shared');
        if (electron || outside) offenders.push(`${rel(file)} → ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the worker and the CLI reach the core only through its index (src/main/core/index.ts)', () => {
    const files = sourceFiles(join(root, 'src/cli'));
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const file of files) {
      // Type-only imports count too: a type from inside the core is as much a reach past its API.
      for (const { specifier } of importsOf(file)) {
        const to = target(file, specifier);
        const electron = specifier === 'electron' || specifier.startsWith('electron/') || specifier.startsWith('electron-log');
        const core = to === 'src/main/core' || to === 'src/main/core/index';
        const allowed = !specifier.startsWith('.') || core || to.startsWith('src/cli/') || to.startsWith('src/shared/');
        if (electron || !allowed) offenders.push(`${rel(file)} → ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the preload imports at runtime only electron, the channel list and its own files', () => {
    const files = sourceFiles(join(root, 'src/preload'));
    expect(files.length).toBeGreaterThan(0);
    const offenders: string[] = [];
    for (const file of files) {
      for (const { specifier, typeOnly } of importsOf(file)) {
        if (typeOnly) continue;
        const to = target(file, specifier);
        const allowed = specifier === 'electron' || to === 'src/shared/channels' || to.startsWith('src/preload/');
        if (!allowed) offenders.push(`${rel(file)} → ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the renderer never imports main or preload code', () => {
    const offenders: string[] = [];
    for (const file of sourceFiles(join(root, 'src/renderer'))) {
      for (const { specifier } of importsOf(file)) {
        const to = target(file, specifier);
        if (to.startsWith('src/main') || to.startsWith('src/preload') || specifier === 'electron') {
          offenders.push(`${rel(file)} → ${specifier}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the policy modules stay electron-free at runtime so they are testable in Node', () => {
    const pure = ['paths', 'csp', 'url-policy', 'sender-check', 'web-preferences', 'quit', 'menu', 'startup-failure', 'ipc', 'window', 'app-protocol'];
    const offenders: string[] = [];
    for (const name of pure) {
      const file = join(root, 'src/main', `${name}.ts`);
      for (const { specifier, typeOnly } of importsOf(file)) {
        if (!typeOnly && (specifier === 'electron' || specifier.startsWith('electron-log'))) offenders.push(`${name}.ts → ${specifier}`);
      }
    }
    expect(offenders).toEqual([]);
  });

  it("the renderer's first import asks for the first page, and evaluates no package before it asks", () => {
    const main = join(root, 'src/renderer/src/main.tsx');
    const [first] = importsOf(main).filter((r) => !r.typeOnly);
    expect(target(main, first?.specifier ?? '')).toBe('src/renderer/src/data/first-page');
    // Every module first-page.ts loads at runtime, transitively: none may be a package (React, zod,
    // TanStack), or the ask would wait for it to be evaluated.
    const seen = new Set<string>();
    const packages: string[] = [];
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const { specifier, typeOnly } of importsOf(file)) {
        if (typeOnly) continue;
        if (!specifier.startsWith('.')) packages.push(`${rel(file)} → ${specifier}`);
        else visit(resolveSource(resolve(dirname(file), specifier)));
      }
    };
    visit(join(root, 'src/renderer/src/data/first-page.ts'));
    expect(packages).toEqual([]);
    expect(seen.size).toBeGreaterThan(1);
  });
});
