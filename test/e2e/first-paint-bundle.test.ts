/**
 * What the built renderer's first paint evaluates (issue 12 (d)): the entry script and the chunks
 * index.html preloads with it. zod and the contract's schemas were about half of that script; only
 * the two form dialogs need them, and App loads those lazily. A plain import of a schema (or of
 * zod-jitless) from a module the first paint reaches would pull them back in without failing any
 * other test, so this reads the build itself.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureRendererBuilt } from './support/renderer-build';

/** A string zod's own code holds (its error class's name), which no code of ours spells. */
const ZOD_MARK = 'ZodError';

let dir = '';
beforeAll(async () => {
  dir = await ensureRendererBuilt();
}, 120_000);

/** The entry script and the modulepreload links of index.html, as paths under the build folder. */
function firstPaintFiles(): string[] {
  const html = readFileSync(join(dir, 'index.html'), 'utf8');
  const entry = [...html.matchAll(/<script[^>]*type="module"[^>]*src="\.\/([^"]+)"/g)].map((m) => m[1] ?? '');
  const preloaded = [...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\.\/([^"]+)"/g)].map((m) => m[1] ?? '');
  return [...entry, ...preloaded];
}

describe('the first paint’s script', () => {
  it('holds no zod: the contract’s schemas load with the form dialogs, after the first paint', () => {
    const files = firstPaintFiles();
    expect(files.length).toBeGreaterThan(0);
    const withZod = files.filter((f) => readFileSync(join(dir, f), 'utf8').includes(ZOD_MARK));
    expect(withZod).toEqual([]);
  });

  it('still ships zod, in a chunk loaded later (so the check above looks for something real)', () => {
    const first = new Set(firstPaintFiles());
    const later = readdirSync(join(dir, 'assets'))
      .filter((f) => f.endsWith('.js'))
      .map((f) => `assets/${f}`)
      .filter((f) => !first.has(f) && readFileSync(join(dir, f), 'utf8').includes(ZOD_MARK));
    expect(later.length).toBeGreaterThan(0);
  });
});
