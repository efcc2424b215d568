/**
 * Case 5b: openers racing for one data folder. Real processes, started at one instant (they spin on
 * a go file), hundreds of times, each time on a fresh folder holding a lock file left by a dead
 * process — the case where a check-then-take lock lets two openers both "take over".
 *
 * Property: in every trial exactly one opener wins; every other one is refused with DATA_DIR_LOCKED.
 * While they race, a reader of the lock file never sees it empty or half-written (not on Windows,
 * where the holder's share-nothing handle refuses readers by design).
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { LOCK_FILE } from '../../src/main/core/data-dir-lock';
import { recordFigures, tempDataDirs } from './support/faults';
import { spawnLockChild, type LockChild } from './support/lock-children';

const BARE_TRIALS = Number(process.env.LOCK_RACE_TRIALS ?? '500');
const CORE_TRIALS = Number(process.env.LOCK_RACE_CORE_TRIALS ?? '20');
const CONTENDERS = 4;
const CORE_CONTENDERS = 3;

const newDir = tempDataDirs('entryflow-lock-race-');
const readersCanWatch = process.platform !== 'win32';

/** A pid that belonged to a process on this host and has exited. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
  return Number(r.stdout.toString());
}

interface Trial {
  dir: string;
  go: string;
}

/** A fresh folder (empty, or a copy of the migrated template) with a dead process's lock file. */
function freshTrial(stalePid: number, template?: string): Trial {
  const dir = newDir();
  if (template === undefined) mkdirSync(dir, { recursive: true });
  else cpSync(template, dir, { recursive: true });
  writeFileSync(join(dir, LOCK_FILE), JSON.stringify({ pid: stalePid, host: hostname(), since: '2020-01-01T00:00:00.000Z' }));
  return { dir, go: join(dir, '..', 'go') };
}

/**
 * One trial: arm every contender (and the watcher), create the go file, collect the answers, then
 * release. Returns the contenders' answers and the watcher's.
 */
async function race(mode: 'arm' | 'open', contenders: LockChild[], watcher: LockChild | null, trial: Trial, stalePid: number) {
  const waitMs = mode === 'open' ? 120_000 : 30_000;
  const armed = contenders.map((c) => c.ask('armed', mode, trial.dir, trial.go));
  if (watcher) armed.push(watcher.ask('watcher armed', 'watch', join(trial.dir, LOCK_FILE), trial.go, String(stalePid)));
  for (const a of await Promise.all(armed)) expect(a).toBe('armed');
  writeFileSync(trial.go, '');
  const answers = await Promise.all(contenders.map((c) => c.next('an outcome', waitMs)));
  const watched = watcher ? await watcher.next('the watcher', waitMs) : null;
  for (const c of contenders) expect(await c.ask('released', 'release')).toBe('released');
  return { answers, watched };
}

describe('openers racing for one data folder', () => {
  let children: LockChild[] = [];
  let watcher: LockChild | null = null;
  let stalePid = 0;

  beforeAll(async () => {
    stalePid = deadPid();
    [children, watcher] = await Promise.all([
      Promise.all(Array.from({ length: CONTENDERS }, () => spawnLockChild())),
      readersCanWatch ? spawnLockChild() : Promise.resolve(null),
    ]);
  }, 180_000);
  afterAll(async () => {
    await Promise.all([...children, ...(watcher ? [watcher] : [])].map((c) => c.kill()));
  });

  it(`exactly one of ${CONTENDERS} processes wins, in each of ${BARE_TRIALS} trials`, async () => {
    const started = Date.now();
    const winnersPerTrial: number[] = [];
    const odd: string[] = [];
    let reads = 0;
    let torn = 0;
    let missing = 0;
    let unseen = 0;
    for (let t = 0; t < BARE_TRIALS; t++) {
      const trial = freshTrial(stalePid);
      const { answers, watched } = await race('arm', children, watcher, trial, stalePid);
      winnersPerTrial.push(answers.filter((a) => a === 'won').length);
      for (const a of answers) if (a !== 'won' && a !== 'refused DATA_DIR_LOCKED') odd.push(a);
      if (watched !== null) {
        const [, r, tn, m, saw] = watched.split(' ').map(Number) as [number, number, number, number, number];
        reads += r;
        torn += tn;
        missing += m;
        if (saw !== 1) unseen++;
      }
      // The winner's release removed its lock file; nothing else did.
      if (winnersPerTrial.at(-1) === 1) expect(existsSync(join(trial.dir, LOCK_FILE))).toBe(false);
    }
    const badTrials = winnersPerTrial.filter((n) => n !== 1).length;
    const twoOrMore = winnersPerTrial.filter((n) => n > 1).length;
    const none = winnersPerTrial.filter((n) => n === 0).length;
    const figures = {
      trials: BARE_TRIALS,
      contenders: CONTENDERS,
      trialsWithOneWinner: BARE_TRIALS - badTrials,
      trialsWithTwoOrMoreWinners: twoOrMore,
      trialsWithNoWinner: none,
      maxWinners: Math.max(...winnersPerTrial),
      otherAnswers: odd.slice(0, 5),
      watcher: readersCanWatch ? { reads, tornReads: torn, missingReads: missing, trialsWinnerNotSeen: unseen } : 'not on Windows',
      seconds: Math.round((Date.now() - started) / 100) / 10,
    };
    recordFigures('lockRace', figures);
    expect(odd).toEqual([]);
    expect({ twoOrMore, none }).toEqual({ twoOrMore: 0, none: 0 });
    if (readersCanWatch) expect({ torn, missing, unseen }).toEqual({ torn: 0, missing: 0, unseen: 0 });
  }, 600_000);

  it(`through openCore: exactly one of ${CORE_CONTENDERS} opens, the rest get DATA_DIR_LOCKED, in each of ${CORE_TRIALS} trials`, async () => {
    const started = Date.now();
    const template = inject('templateDataDir');
    const contenders = children.slice(0, CORE_CONTENDERS);
    const winnersPerTrial: number[] = [];
    const odd: string[] = [];
    for (let t = 0; t < CORE_TRIALS; t++) {
      const { answers } = await race('open', contenders, null, freshTrial(stalePid, template), stalePid);
      winnersPerTrial.push(answers.filter((a) => a === 'won').length);
      for (const a of answers) if (a !== 'won' && a !== 'refused DATA_DIR_LOCKED') odd.push(a);
    }
    const bad = winnersPerTrial.filter((n) => n !== 1).length;
    recordFigures('lockRaceOpenCore', {
      trials: CORE_TRIALS,
      contenders: CORE_CONTENDERS,
      trialsWithOneWinner: CORE_TRIALS - bad,
      trialsWithTwoOrMoreWinners: winnersPerTrial.filter((n) => n > 1).length,
      trialsWithNoWinner: winnersPerTrial.filter((n) => n === 0).length,
      otherAnswers: odd.slice(0, 5),
      seconds: Math.round((Date.now() - started) / 100) / 10,
    });
    expect(odd).toEqual([]);
    expect(winnersPerTrial.filter((n) => n !== 1)).toEqual([]);
  }, 600_000);
});
