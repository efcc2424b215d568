/**
 * Builds the headless worker and the CLI (src/cli) into out/cli/worker.js and out/cli/cli.js, which
 * plain `node` runs: ESM for Node, our own code bundled into each file and every package left
 * external, so they resolve from node_modules at run time like the app's main bundle (PGlite finds
 * its wasm and data files where its package put them). The core finds drizzle/ and the first-launch
 * template by walking up from out/cli, as it does from src/.
 *
 *   node scripts/build-cli.ts        (npm run build:cli; part of npm run build)
 *
 * Plain `node` runs this file too (Node 24 strips the types), so it imports nothing of ours.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { build } from 'esbuild';

const ROOT = resolve(import.meta.dirname, '..');
export const CLI_OUT_DIR = join(ROOT, 'out', 'cli');
/** The entry points, by name: src/cli/<name>.ts becomes out/cli/<name>.js. */
export const CLI_ENTRIES = ['worker', 'cli'] as const;

/** How Node code is bundled here, as electron-vite bundles main: one ESM file, packages left external. */
export const NODE_BUNDLE = { bundle: true, platform: 'node', format: 'esm', target: 'node24', packages: 'external', logLevel: 'warning' } as const;

/** The path of a built entry point. */
export const builtCli = (name: (typeof CLI_ENTRIES)[number]): string => join(CLI_OUT_DIR, `${name}.js`);

/** Builds both entry points; resolves with the files written. */
export async function buildCli(): Promise<string[]> {
  const result = await build({
    entryPoints: CLI_ENTRIES.map((name) => join(ROOT, 'src', 'cli', `${name}.ts`)),
    outdir: CLI_OUT_DIR,
    ...NODE_BUNDLE,
    write: false,
  });
  // Each file is written beside its place and renamed over it: a test or a second build running at
  // the same moment starts either the old file or the new one, never half of one.
  for (const file of result.outputFiles) {
    mkdirSync(dirname(file.path), { recursive: true });
    const partial = `${file.path}.${process.pid}.partial`;
    writeFileSync(partial, file.contents);
    renameSync(partial, file.path);
  }
  return result.outputFiles.map((f) => f.path);
}

if (import.meta.main) {
  await buildCli();
}
