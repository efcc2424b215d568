/**
 * Runs once per test run: initdb and migrate one template data dir (seconds), which every test then
 * copies (well under a second) instead of paying initdb again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { openCore } from '../../src/main/core/index';

declare module 'vitest' {
  export interface ProvidedContext {
    templateDataDir: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const root = mkdtempSync(join(tmpdir(), 'entryflow-template-'));
  const dir = join(root, 'data');
  const core = await openCore({ dataDir: dir, workers: 0 });
  await core.close();
  project.provide('templateDataDir', dir);
  if (!process.env.TEST_DATABASE_URL) {
    console.warn('\n[entryflow] TEST_DATABASE_URL is not set: shared-PostgreSQL tests are SKIPPED (.ci/run sets it).\n');
  }
  return () => rmSync(root, { recursive: true, force: true });
}
