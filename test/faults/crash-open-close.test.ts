/**
 * Case 2: SIGKILL during openCore on a fresh folder (initdb and migrations) and during close().
 * The next open must either recover, or refuse with DATA_DIR_UNUSABLE naming the folder and the
 * way out (a half-made folder is called that). Acknowledged creates survive a kill mid-close.
 */
import { describe, expect, it } from 'vitest';
import { openCore } from '../../src/main/core/index';
import { allEntries, ok } from '../support/core';
import { FAULT_SEED, recordFigures, seededRandom, spawnChildCore, tempDataDirs } from './support/faults';

const OPEN_ROUNDS = Number(process.env.FAULT_OPEN_ROUNDS ?? '6');
const newDir = tempDataDirs();

describe('crash during open and close', () => {
  it('recovers, or says exactly what is wrong, after a kill during initdb/migrate', async () => {
    const rand = seededRandom(FAULT_SEED + 7);
    const outcomes: { killAfterMs: number; childHadOpened: boolean; next: string }[] = [];
    for (let round = 0; round < OPEN_ROUNDS; round++) {
      const dataDir = newDir();
      const child = spawnChildCore('open', dataDir);
      // Spread the kills over tsx start-up, initdb and migration (a few seconds on this machine).
      const killAfterMs = Math.floor(500 + rand() * 4000);
      await new Promise((r) => setTimeout(r, killAfterMs));
      const childHadOpened = child.lines.includes('opened');
      await child.kill();
      const next = await openCore({ dataDir, workers: 0 }).then(
        async (core) => {
          const e = await ok(core.invoke('entries:create', { title: 'after a crash at open' }));
          expect((await ok(core.invoke('entries:get', { id: e.id }))).title).toBe('after a crash at open');
          await core.close();
          return 'recovered';
        },
        (err: unknown) => {
          const e = err as { code?: string; message?: string };
          expect(e.code).toBe('DATA_DIR_UNUSABLE');
          expect(e.message).toContain(dataDir);
          expect(e.message).toMatch(/aside/);
          return `refused: ${String(e.message)}`;
        },
      );
      outcomes.push({ killAfterMs, childHadOpened, next });
    }
    const recovered = outcomes.filter((o) => o.next === 'recovered').length;
    console.log(`[faults] kill during open: ${recovered}/${outcomes.length} recovered, the rest refused clearly`);
    recordFigures('crashDuringOpen', { rounds: outcomes.length, recovered, outcomes });
  });

  it('keeps every acknowledged create when killed during close', async () => {
    const rand = seededRandom(FAULT_SEED + 11);
    const rounds: { killAfterMs: number; acked: number; ok: boolean }[] = [];
    const dataDir = newDir();
    const acked: string[] = [];
    for (let round = 0; round < 3; round++) {
      const child = spawnChildCore('close', dataDir);
      const killAfterMs = Math.floor(rand() * 60);
      try {
        await child.waitForLine((l) => l === 'closing', 'close to begin', 120_000);
        await new Promise((r) => setTimeout(r, killAfterMs));
      } finally {
        await child.kill();
      }
      acked.push(...child.acked);
      const core = await openCore({ dataDir, workers: 0 });
      try {
        const present = new Set((await allEntries(core)).map((e) => e.id));
        rounds.push({ killAfterMs, acked: child.acked.length, ok: acked.every((id) => present.has(id)) });
      } finally {
        await core.close();
      }
    }
    recordFigures('crashDuringClose', { rounds });
    expect(rounds.every((r) => r.ok)).toBe(true);
  });
});
