/**
 * Issue 9, item 5: a stage that kills its own process for one entry (a "poison" entry). Each launch
 * claims it again and dies again; the attempt counted by every claim is what stops it: the rescue
 * at the next open FAILS an entry whose attempts are used up, with an error saying the process
 * stopped during that stage, instead of releasing it to run (and crash) once more. Old main only
 * checked maxAttempts when a stage threw, so the entry stayed CREATED and every launch crashed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/main/core/index';
import type { EntryDetail } from '../../src/shared/contract';
import { allEntries, ok } from '../support/core';
import { recordFigures, spawnChildCore, tempDataDirs } from './support/faults';
import { POISON_MAX_ATTEMPTS, POISON_TITLE, poisonStartsFile } from './support/poison';

const newDir = tempDataDirs('entryflow-poison-');
const INNOCENT = 5;
/** Launches allowed before the test gives up: the fix needs maxAttempts + 1. */
const LAUNCH_CAP = POISON_MAX_ATTEMPTS + 3;

async function seed(dataDir: string): Promise<void> {
  const core = await openCore({ dataDir, workers: 0 });
  try {
    // The poisoned entry first: it is the oldest, so every launch claims it before the others.
    await ok(core.invoke('entries:create', { title: POISON_TITLE }));
    for (let i = 0; i < INNOCENT; i++) await ok(core.invoke('entries:create', { title: `innocent ${i}` }));
  } finally {
    await core.close();
  }
}

const CASES = [
  { how: 'kill', crowd: false },
  { how: 'exit', crowd: false },
  // 4 loops, batches of 4: every crash also interrupts innocent entries in flight. They must not be
  // charged for it: after a crash the interrupted entries run one at a time (WorkerPool.start).
  { how: 'kill', crowd: true },
] as const;

for (const { how, crowd } of CASES) {
  describe(`a stage that ends its process (${how === 'kill' ? 'SIGKILL' : 'process.exit(137)'}${crowd ? ', in a batch beside innocent entries' : ''})`, () => {
    it(`fails the entry after ${POISON_MAX_ATTEMPTS} starts and lets the other entries complete`, async () => {
      const dataDir = newDir();
      await seed(dataDir);
      const launches: { code: number | null; signal: string | null; settled: boolean }[] = [];
      while (launches.length < LAUNCH_CAP) {
        const child = spawnChildCore('poison', dataDir, 0, { CHILD_POISON_HOW: how, ...(crowd ? { CHILD_POISON_CROWD: '1' } : {}) });
        const settled = await child.waitForLine((l) => l === 'closed', 'the launch to finish its work').then(
          () => true,
          () => false,
        );
        const exit = await child.exited;
        launches.push({ ...exit, settled });
        if (settled) break;
        // A launch that neither crashed nor settled is a failure of its own, not a crash to count.
        expect(exit.signal === 'SIGKILL' || exit.code === 137, `launch ${launches.length} ended ${JSON.stringify(exit)}: ${child.stderr.join('')}`).toBe(true);
      }
      const starts = existsSync(poisonStartsFile(dataDir)) ? readFileSync(poisonStartsFile(dataDir), 'utf8').trim().split('\n').length : 0;

      const core = await openCore({ dataDir, workers: 0, maxAttempts: POISON_MAX_ATTEMPTS });
      let entries;
      let poison: EntryDetail;
      try {
        entries = await allEntries(core);
        const id = entries.find((e) => e.title === POISON_TITLE)?.id as string;
        poison = await ok(core.invoke('entries:get', { id }));
      } finally {
        await core.close();
      }
      recordFigures(`poisonStage-${how}${crowd ? '-crowd' : ''}`, { maxAttempts: POISON_MAX_ATTEMPTS, launches, starts, poison: { status: poison.status, attempts: poison.attempts, error: poison.error } });

      expect(launches.length, JSON.stringify(launches)).toBeLessThanOrEqual(POISON_MAX_ATTEMPTS + 1);
      expect(launches.at(-1)?.settled).toBe(true);
      expect(starts).toBeGreaterThan(0);
      expect(starts).toBeLessThanOrEqual(POISON_MAX_ATTEMPTS);
      expect(poison).toMatchObject({ status: 'FAILED', lockedBy: null });
      expect(poison.error).toMatch(/stopped .*while running this stage/);
      // The history says why, once: the rescue's FAILED event carries the same error.
      expect(poison.events.filter((e) => e.to === 'FAILED').map((e) => e.message)).toEqual([poison.error]);
      expect(entries.filter((e) => e.title !== POISON_TITLE).map((e) => e.status)).toEqual(Array.from({ length: INNOCENT }, () => 'COMPLETED'));
    });
  });
}
