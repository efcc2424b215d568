/**
 * Builds the renderer exactly as the app ships it: the renderer section of electron.vite.config.ts,
 * loaded through electron-vite's own config loader, built with Vite into a temporary folder. Only the
 * renderer is built, so the e2e suite does not depend on main/preload compiling.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfigFromFile } from 'electron-vite';
import { build, type InlineConfig } from 'vite';

const ROOT = resolve(import.meta.dirname, '../../..');

let built: Promise<string> | null = null;

/** Builds once per test process; resolves to the folder holding index.html. */
export function ensureRendererBuilt(): Promise<string> {
  built ??= buildRenderer();
  return built;
}

async function buildRenderer(): Promise<string> {
  const env = { command: 'build', mode: 'production' } as const;
  const { config } = await loadConfigFromFile(env, join(ROOT, 'electron.vite.config.ts'), ROOT, 'silent');
  const section = config.renderer;
  if (!section) throw new Error('electron.vite.config.ts has no renderer section');
  const outDir = mkdtempSync(join(tmpdir(), 'entryflow-renderer-'));
  const inline: InlineConfig = {
    ...(section as InlineConfig),
    configFile: false,
    logLevel: 'warn',
    // Same as electron-vite's renderer default: assets are loaded relative to index.html.
    base: './',
    build: { ...(section as InlineConfig).build, outDir, emptyOutDir: true, reportCompressedSize: false },
  };
  await build(inline);
  return outDir;
}
