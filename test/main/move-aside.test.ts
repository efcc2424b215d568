import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { asidePathFor, canMoveAside, moveDataDirAside } from '../../src/main/move-aside';

const roots: string[] = [];
afterEach(() => {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
});

describe('keep a damaged data folder aside', () => {
  it('renames the folder beside itself and keeps every byte', () => {
    const root = mkdtempSync(join(tmpdir(), 'aside-'));
    roots.push(root);
    const dir = join(root, 'data');
    mkdirSync(join(dir, 'pgdata'), { recursive: true });
    writeFileSync(join(dir, 'pgdata', 'PG_VERSION'), '18\n');
    const now = new Date('2026-11-28T10:11:12.345Z');
    const moved = moveDataDirAside(dir, now);
    expect(moved).toBe(asidePathFor(dir, now));
    expect(moved).toBe(`${dir}.aside-2026-11-28T10-11-12-345Z`);
    expect(existsSync(dir)).toBe(false);
    expect(readFileSync(join(moved, 'pgdata', 'PG_VERSION'), 'utf8')).toBe('18\n');
  });

  it('refuses to overwrite an earlier aside folder', () => {
    const root = mkdtempSync(join(tmpdir(), 'aside-'));
    roots.push(root);
    const dir = join(root, 'data');
    mkdirSync(dir);
    const now = new Date('2026-11-28T10:11:12.345Z');
    mkdirSync(asidePathFor(dir, now));
    expect(() => moveDataDirAside(dir, now)).toThrow(/already exists/);
    expect(existsSync(dir)).toBe(true);
  });

  it('is offered only for a damaged embedded folder, not for a lock or a server', () => {
    expect(canMoveAside('DATA_DIR_UNUSABLE', undefined)).toBe(true);
    expect(canMoveAside('MIGRATION_FAILED', undefined)).toBe(true);
    expect(canMoveAside('DATA_DIR_LOCKED', undefined)).toBe(false);
    expect(canMoveAside('DATA_DIR_UNUSABLE', 'postgres://x')).toBe(false);
    expect(canMoveAside(undefined, undefined)).toBe(false);
  });
});
