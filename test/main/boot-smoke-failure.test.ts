/**
 * Smoke mode when the core cannot open (its data folder is held by another core): one JSON line
 * naming the step and the reason, exit 1, and no dialog, so a CI run can never hang on one.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import type { FakeElectron } from './support/fake-electron-module';

const root = resolve(import.meta.dirname, '../..');
const work = mkdtempSync(join(tmpdir(), 'entryflow-boot-smoke-fail-'));
const dataDir = join(work, 'data');
const resultFile = join(work, 'smoke.json');
process.env.ENTRYFLOW_DATA_DIR = dataDir;
process.env.ENTRYFLOW_SMOKE_TEST = '1';
process.env.ENTRYFLOW_SMOKE_RESULT = resultFile;

const fake: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { createFakeElectron } = await import('./support/fake-electron-module');
  Object.assign(fake, createFakeElectron({ userData: join(work, 'profile'), appPath: root }));
  return fake.module;
});
vi.mock('electron-log/main', async () => {
  const { createFakeLog } = await import('./support/fake-electron-module');
  return { default: createFakeLog() };
});

let holder: Core | undefined;
afterAll(async () => {
  await holder?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('smoke mode when the core cannot open', () => {
  it('reports the core step and the reason, exits 1 and shows no dialog', async () => {
    holder = await openCore({ dataDir, workers: 0 });
    await import('../../src/main/index');
    fake.ready();
    expect(await fake.exited).toBe(1);
    expect(JSON.parse(readFileSync(resultFile, 'utf8'))).toMatchObject({
      smoke: 'failed',
      step: 'core',
      error: expect.stringContaining('DATA_DIR_LOCKED') as unknown,
    });
    expect(fake.module.dialog.showMessageBox).not.toHaveBeenCalled();
  });
});
