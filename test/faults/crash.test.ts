/**
 * Cases 1 and 2: SIGKILL a core mid-work, mid-open (initdb/migrate) and mid-close, then reopen the
 * folder in another process. Proves: an acknowledged create survives a process crash, every entry
 * still reaches COMPLETED, no stage transition is written twice, and the stale lock file is taken
 * over without manual repair (or, if a folder cannot be opened, the error says what to do).
 */
import { describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import { allEntries, ok, waitFor } from '../support/core';
import { FAULT_SEED, recordFigures, seededRandom, spawnChildCore, tempDataDirs } from './support/faults';

const ROUNDS = Number(process.env.FAULT_CRASH_ROUNDS ?? '20');
const newDir = tempDataDirs();

/** Per entry, each status is entered at most once (events with from ≠ to). */
async function doubledStages(core: Core, ids: readonly string[]): Promise<string[]> {
  const bad: string[] = [];
  for (const id of ids) {
    const detail = await ok(core.invoke('entries:get', { id }));
    const entered = detail.events.filter((e) => e.from !== e.to).map((e) => e.to);
    if (new Set(entered).size !== entered.length) bad.push(`${id}: ${entered.join(',')}`);
  }
  return bad;
}

describe('crash during work', () => {
  it(`survives ${ROUNDS} SIGKILLs at random moments`, async () => {
    const rand = seededRandom(FAULT_SEED);
    const dataDir = newDir();
    const results: { round: number; killAfterMs: number; acked: number; total: number; ok: boolean; problem?: string }[] = [];
    const allAcked: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const child = spawnChildCore('work', dataDir, 20);
      const killAfterMs = Math.floor(50 + rand() * 1500);
      let problem: string | undefined;
      try {
        await child.waitForLine((l) => l === 'opened', 'the child core to open');
        // Kill at a random moment after the first acknowledged create (so every round has work).
        await child.waitForLine((l) => l.startsWith('ack '), 'a first acknowledged create');
        await new Promise((r) => setTimeout(r, killAfterMs));
      } finally {
        await child.kill();
      }
      allAcked.push(...child.acked);
      // Reopen in this (another) process: the lock file names a dead pid and must be taken over.
      const core = await openCore({ dataDir, workers: 4, stageDelayMs: 0, idlePollMs: 20, backoffBaseMs: 10 });
      try {
        const present = new Set((await allEntries(core)).map((e) => e.id));
        const missing = allAcked.filter((id) => !present.has(id));
        if (missing.length > 0) problem = `lost ${missing.length} acknowledged entries, e.g. ${missing[0]}`;
        await waitFor(async () => {
          const s = await ok(core.invoke('entries:stats', {}));
          return s.counts.COMPLETED + s.counts.FAILED === s.total;
        }, 'every entry to finish', 60_000);
        const s = await ok(core.invoke('entries:stats', {}));
        if (s.counts.FAILED > 0) problem ??= `${s.counts.FAILED} entries FAILED`;
        const doubled = await doubledStages(core, child.acked);
        if (doubled.length > 0) problem ??= `stage done twice: ${doubled[0]}`;
        results.push({ round, killAfterMs, acked: child.acked.length, total: s.total, ok: problem === undefined, ...(problem ? { problem } : {}) });
      } finally {
        await core.close();
      }
    }
    const passed = results.filter((r) => r.ok).length;
    const figures = {
      seed: FAULT_SEED,
      roundsRun: results.length,
      roundsPassed: passed,
      acknowledgedTotal: allAcked.length,
      failures: results.filter((r) => !r.ok),
    };
    console.log(`[faults] crash during work: ${passed}/${results.length} rounds passed (seed ${FAULT_SEED}, ${allAcked.length} acknowledged creates)`);
    recordFigures('crashDuringWork', figures);
    expect(results.filter((r) => !r.ok)).toEqual([]);
    // A round is ~4 s on an idle 2-core machine and ~20 s on a loaded one.
  }, 900_000);
});
