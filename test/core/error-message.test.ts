/**
 * errorMessage (src/shared/error-message.ts): the one function that turns anything thrown into words,
 * for the core's logs and stored stage errors, the CLI's stderr and the renderer's banners and toasts.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { NO_ERROR_MESSAGE, errorMessage } from '../../src/shared/error-message';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(name) ? [full] : [];
  });
}

describe('errorMessage', () => {
  it("keeps an Error's message and a thrown string as they are", () => {
    expect(errorMessage(new Error('disk on fire'))).toBe('disk on fire');
    expect(errorMessage(Object.assign(new TypeError('bad'), { code: 'X' }))).toBe('bad');
    expect(errorMessage('plain words')).toBe('plain words');
  });

  it("describes anything else by its fields: they are the only clue there is", () => {
    expect(errorMessage({ code: 22021, detail: 'NUL' })).toBe('{"code":22021,"detail":"NUL"}');
    expect(errorMessage(42)).toBe('42');
    expect(errorMessage(10n)).toBe('10');
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(errorMessage(cyclic)).toBe('[object Object]');
  });

  it('says the fallback, never a blank, when there are no words', () => {
    for (const nothing of [new Error(''), '', '  ', null, undefined]) {
      expect(errorMessage(nothing)).toBe(NO_ERROR_MESSAGE);
      expect(errorMessage(nothing, 'the stage failed without a message')).toBe('the stage failed without a message');
    }
    const bare: Record<string, unknown> = Object.create(null) as Record<string, unknown>;
    bare.self = bare;
    expect(errorMessage(bare)).toBe(NO_ERROR_MESSAGE);
  });

  it('is defined once, in src/shared, for every process', () => {
    const definitions = sourceFiles(join(root, 'src'))
      .filter((f) => /\bfunction errorMessage\b/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(root, f).split(sep).join('/'));
    expect(definitions).toEqual(['src/shared/error-message.ts']);
  });
});
