/**
 * Property tests.
 *
 * 1. Model-based: random interleavings of create / claim / advance / heartbeat / release / expire /
 *    close-and-reopen, run by three simulated workers straight against the store, each step checked
 *    against a model and against the queue's invariants (no lost entry, fenced writes change
 *    nothing, one holder per entry, no stage twice, monotonic progress, exact counts).
 * 2. Pure-ish: likePattern matches literally, cursors round-trip, and sqlLiteral cannot be escaped
 *    (checked against a real PGlite).
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { uuidv7 } from 'uuidv7';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { CURSOR_MAX, STATUSES, type Entry, type Status, type StatusCounts } from '../../src/shared/contract';
import type { Core } from '../../src/main/core/index';
import { CoreError } from '../../src/main/core/errors';
import { decodeCursor, encodeCursor } from '../../src/main/core/cursor';
import { PGDATA_DIR } from '../../src/main/core/database';
import { quoteLiteral, sqlLiteral } from '../../src/main/core/sql-client';
import { likePattern, type Outcome } from '../../src/main/core/store';
import { freshDataDir, openTestCore, waitFor } from '../support/core';

// ───────────────────────────── model-based test ─────────────────────────────

const WORKERS = ['w1', 'w2', 'w3'] as const;
type W = (typeof WORKERS)[number];
const ACTIVE: readonly Status[] = ['CREATED', 'STAGE_1', 'STAGE_2'];
const NEXT: Partial<Record<Status, { to: Status; progress: number }>> = {
  CREATED: { to: 'STAGE_1', progress: 33 },
  STAGE_1: { to: 'STAGE_2', progress: 66 },
  STAGE_2: { to: 'COMPLETED', progress: 100 },
};
const PATH: readonly Status[] = ['STAGE_1', 'STAGE_2', 'COMPLETED'];
const LONG_TIMEOUT = 60_000;
/** How often the interesting paths ran, over all runs: the property is vacuous if these stay 0. */
const seen = { steals: 0, lostWrites: 0, finished: 0, completed: 0, reopens: 0, failedAttempts: 0, fusedClaims: 0 };

type Cmd =
  | { kind: 'create' }
  | { kind: 'claim'; worker: W; limit: number }
  /** Finish what the worker believes it holds (one stage forward, or a failed attempt) and claim `claimLimit` more. */
  | { kind: 'advance'; worker: W; claimLimit: number; failAttempt: boolean }
  | { kind: 'heartbeat'; worker: W }
  | { kind: 'release'; worker: W }
  /** The next claim (plain or fused) runs with lockTimeoutMs = 0: every held lock counts as expired. */
  | { kind: 'expire' }
  | { kind: 'closeReopen' };

const workerArb = fc.constantFrom(...WORKERS);
const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<Cmd>({ kind: 'create' }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('claim' as const), worker: workerArb, limit: fc.integer({ min: 1, max: 3 }) }) },
  {
    weight: 7,
    arbitrary: fc.record({
      kind: fc.constant('advance' as const),
      worker: workerArb,
      claimLimit: fc.integer({ min: 0, max: 2 }),
      failAttempt: fc.integer({ min: 0, max: 9 }).map((n) => n < 2),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('heartbeat' as const), worker: workerArb }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('release' as const), worker: workerArb }) },
  { weight: 2, arbitrary: fc.constant<Cmd>({ kind: 'expire' }) },
);
/** Reopening costs a PGlite open (~1 s), so at most one per run, in about a third of the runs. */
const scenarioArb = fc
  .tuple(
    // size 'max': fast-check's default size would keep arrays at ~10 commands, too short for an entry to finish.
    fc.array(cmdArb, { minLength: 10, maxLength: 30, size: 'max' }),
    fc.oneof({ weight: 2, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.nat({ max: 29 }) }),
  )
  .map(([cmds, reopenAt]): Cmd[] => (reopenAt === undefined ? cmds : [...cmds.slice(0, reopenAt), { kind: 'closeReopen' }, ...cmds.slice(reopenAt)]));

interface ModelEntry {
  status: Status;
  progress: number;
  holder: W | null;
  attempts: number;
}

interface Model {
  entries: Map<string, ModelEntry>;
  /** What each worker believes it holds: id → the status it saw when it claimed. Stale beliefs are kept on purpose. */
  beliefs: Record<W, Map<string, Status>>;
  expireNext: boolean;
  /** The newest lock stamp written (ms); an "expired" claim waits until the clock has passed it. */
  lastLockMs: number;
  progressSeen: Map<string, number>;
}

function newModel(): Model {
  return {
    entries: new Map(),
    beliefs: { w1: new Map(), w2: new Map(), w3: new Map() },
    expireNext: false,
    lastLockMs: 0,
    progressSeen: new Map(),
  };
}

function emptyCounts(): StatusCounts {
  return Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
}

function addCounts(a: StatusCounts, b: StatusCounts): StatusCounts {
  const out = emptyCounts();
  for (const s of STATUSES) out[s] = a[s] + b[s];
  return out;
}

/** What a claim by `w` may take right now, oldest first, per the model. */
function claimable(m: Model, w: W, expired: boolean): string[] {
  return [...m.entries]
    .filter(([, e]) => ACTIVE.includes(e.status) && e.holder !== w && (e.holder === null || expired))
    .map(([id]) => id)
    .sort();
}

function noteLocks(m: Model, entries: readonly Entry[]): void {
  for (const e of entries) if (e.lockedAt !== null) m.lastLockMs = Math.max(m.lastLockMs, Date.parse(e.lockedAt));
}

/** Applies the expire flag: returns the lock timeout to use, waiting for the clock to pass every lock stamp. */
async function lockTimeout(m: Model): Promise<number> {
  if (!m.expireNext) return LONG_TIMEOUT;
  m.expireNext = false;
  // now() has millisecond resolution in PGlite: wait (on the clock, not a fixed sleep) until it is
  // strictly past the newest locked_at, so "older than 0 ms" holds for every lock.
  await waitFor(() => Date.now() > m.lastLockMs + 1, 'the clock to pass the newest lock stamp');
  return 0;
}

function takeClaims(m: Model, w: W, claimed: readonly Entry[], expired: boolean, what: string): void {
  for (const e of claimed) {
    const before = m.entries.get(e.id);
    expect(before, `${what}: claimed unknown entry ${e.id}`).toBeDefined();
    if (!before) continue;
    // One holder at a time: a claim never takes an entry someone else holds under a live lock.
    if (!expired) expect(before.holder, `${what}: ${e.id} was held by ${before.holder}`).toBeNull();
    if (before.holder !== null) seen.steals++;
    expect(before.holder, `${what}: ${w} claimed its own entry ${e.id} again`).not.toBe(w);
    expect(e.lockedBy).toBe(w);
    expect(e.status).toBe(before.status);
    before.holder = w;
    before.attempts += 1;
    m.beliefs[w].set(e.id, e.status);
  }
}

async function rowsById(core: Core, n: number): Promise<Map<string, Entry>> {
  // This run's entries are the newest n rows (ids are UUIDv7, created in order).
  const { items } = await core.store.list({ limit: Math.max(1, n) });
  return new Map(items.slice(0, n).map((e) => [e.id, e]));
}

async function checkEvents(core: Core, id: string, m: Model): Promise<void> {
  const detail = await core.store.get(id);
  expect(detail, `entry ${id} vanished`).not.toBeNull();
  if (!detail) return;
  const transitions = detail.events.filter((e) => e.from !== e.to);
  expect(transitions[0], `creation event of ${id}`).toMatchObject({ from: null, to: 'CREATED' });
  const stages = transitions.slice(1).map((e) => e.to);
  // No stage twice, and exactly the stages the model says were performed, in order.
  expect(new Set(stages).size, `${id} events ${JSON.stringify(stages)}`).toBe(stages.length);
  const model = m.entries.get(id);
  expect(stages).toEqual(PATH.slice(0, model ? PATH.indexOf(model.status) + 1 : 0));
  for (const ev of transitions.slice(1)) expect(WORKERS as readonly string[]).toContain(ev.workerId);
}

async function checkInvariants(core: Core, m: Model, baseline: StatusCounts, touched: Iterable<string>, what: string): Promise<void> {
  const rows = await rowsById(core, m.entries.size);
  // No lost entry (and nothing unexpected): exactly the created ids.
  expect([...rows.keys()].sort(), `${what}: ids`).toEqual([...m.entries.keys()].sort());
  const real = emptyCounts();
  for (const [id, row] of rows) {
    const model = m.entries.get(id);
    expect(
      { status: row.status, progress: row.progress, lockedBy: row.lockedBy, attempts: row.attempts },
      `${what}: entry ${id}`,
    ).toEqual({ status: model?.status, progress: model?.progress, lockedBy: model?.holder, attempts: model?.attempts });
    expect(row.lockedAt === null, `${what}: lockedAt of ${id}`).toBe(row.lockedBy === null);
    // Progress never goes back.
    const prev = m.progressSeen.get(id) ?? 0;
    expect(row.progress, `${what}: progress of ${id}`).toBeGreaterThanOrEqual(prev);
    m.progressSeen.set(id, row.progress);
    real[row.status]++;
  }
  // The counts log equals the real per-status row counts (earlier runs' rows are the baseline).
  expect(await core.store.counts(), `${what}: counts`).toEqual(addCounts(baseline, real));
  for (const id of new Set(touched)) await checkEvents(core, id, m);
}

/** Leaves the shared data dir with no active or locked row, so the next run starts clean. */
async function settleAll(core: Core): Promise<StatusCounts> {
  await core.store.rescueAtOpen();
  for (;;) {
    const claimed = await core.store.claim('cleanup', 1000, LONG_TIMEOUT);
    if (claimed.length === 0) break;
    const outcomes: Outcome[] = claimed.map((e) => ({ id: e.id, from: e.status, to: 'COMPLETED', progress: 100, result: 'cleanup', error: null, delayMs: 0 }));
    const res = await core.store.finishAndClaim('cleanup', outcomes, 0, LONG_TIMEOUT);
    expect(res.lost).toEqual([]);
  }
  return core.store.counts();
}

async function runScenario(state: { core: Core }, dataDir: string, cmds: readonly Cmd[]): Promise<void> {
  const baseline = await settleAll(state.core);
  const m = newModel();
  for (const [step, cmd] of cmds.entries()) {
    const what = `step ${step} ${JSON.stringify(cmd)}`;
    const core = state.core;
    const touched: string[] = [];
    switch (cmd.kind) {
      case 'create': {
        const id = uuidv7();
        const e = await core.store.create(id, `entry ${m.entries.size}`);
        expect(e).toMatchObject({ id, status: 'CREATED', progress: 0, lockedBy: null, attempts: 0 });
        m.entries.set(id, { status: 'CREATED', progress: 0, holder: null, attempts: 0 });
        touched.push(id);
        break;
      }
      case 'claim': {
        const expired = m.expireNext;
        const timeout = await lockTimeout(m);
        const expected = claimable(m, cmd.worker, expired).slice(0, cmd.limit);
        const claimed = await core.store.claim(cmd.worker, cmd.limit, timeout);
        expect(claimed.map((e) => e.id).sort(), what).toEqual(expected);
        takeClaims(m, cmd.worker, claimed, expired, what);
        noteLocks(m, claimed);
        touched.push(...expected);
        break;
      }
      case 'advance': {
        const w = cmd.worker;
        const expired = m.expireNext;
        const timeout = await lockTimeout(m);
        const outcomes: Outcome[] = [...m.beliefs[w]].map(([id, from]) => {
          const step = NEXT[from];
          if (!step) throw new Error(`belief in a non-active status ${from}`);
          const current = m.entries.get(id);
          return cmd.failAttempt
            ? { id, from, to: from, progress: current?.progress ?? 0, result: null, error: 'simulated failure', delayMs: 0 }
            : { id, from, to: step.to, progress: step.progress, result: step.to === 'COMPLETED' ? 'done' : null, error: null, delayMs: 0 };
        });
        const willWrite = outcomes.filter((o) => {
          const e = m.entries.get(o.id);
          return e?.holder === w && e.status === o.from;
        });
        const willLose = outcomes.filter((o) => !willWrite.includes(o)).map((o) => o.id);
        const expectedClaims = cmd.claimLimit > 0 ? claimable(m, w, expired).slice(0, cmd.claimLimit) : [];
        const before = await rowsById(core, m.entries.size);

        const res = await core.store.finishAndClaim(w, outcomes, cmd.claimLimit, timeout);

        expect(res.finished.map((e) => e.id).sort(), `${what}: finished`).toEqual(willWrite.map((o) => o.id).sort());
        expect([...res.lost].sort(), `${what}: lost`).toEqual([...willLose].sort());
        expect(res.claimed.map((e) => e.id).sort(), `${what}: claimed`).toEqual(expectedClaims);
        // A fenced write by a worker that lost the lock changes nothing.
        const after = await rowsById(core, m.entries.size);
        const claimedIds = new Set(res.claimed.map((e) => e.id));
        for (const id of res.lost) {
          const b = before.get(id);
          const a = after.get(id);
          if (claimedIds.has(id)) expect({ ...a, lockedBy: null, lockedAt: null, attempts: 0 }).toEqual({ ...b, lockedBy: null, lockedAt: null, attempts: 0 });
          else expect(a, `${what}: lost write to ${id} changed the row`).toEqual(b);
        }
        for (const o of willWrite) {
          const e = m.entries.get(o.id);
          if (!e) continue;
          const moved = o.to !== o.from;
          e.status = o.to;
          e.progress = o.progress;
          e.holder = null;
          if (moved && ACTIVE.includes(o.to)) e.attempts = 0;
        }
        seen.lostWrites += res.lost.length;
        seen.finished += res.finished.length;
        seen.completed += res.finished.filter((e) => e.status === 'COMPLETED').length;
        seen.failedAttempts += cmd.failAttempt ? res.finished.length : 0;
        seen.fusedClaims += res.claimed.length;
        m.beliefs[w].clear();
        takeClaims(m, w, res.claimed, expired, what);
        noteLocks(m, res.claimed);
        touched.push(...outcomes.map((o) => o.id), ...expectedClaims);
        break;
      }
      case 'heartbeat': {
        const ids = [...m.beliefs[cmd.worker].keys()];
        const held = await core.store.heartbeat(cmd.worker, ids);
        m.lastLockMs = Math.max(m.lastLockMs, Date.now());
        expect([...held].sort(), what).toEqual(ids.filter((id) => m.entries.get(id)?.holder === cmd.worker).sort());
        break;
      }
      case 'release': {
        const ids = [...m.beliefs[cmd.worker].keys()];
        const released = await core.store.release(cmd.worker, ids);
        const expected = ids.filter((id) => m.entries.get(id)?.holder === cmd.worker).sort();
        expect([...released].sort(), what).toEqual(expected);
        for (const id of expected) {
          const e = m.entries.get(id);
          if (!e) continue;
          e.holder = null;
          e.attempts = Math.max(0, e.attempts - 1);
        }
        m.beliefs[cmd.worker].clear();
        touched.push(...ids);
        break;
      }
      case 'expire':
        m.expireNext = true;
        break;
      case 'closeReopen': {
        await core.close();
        state.core = await openTestCore({ dataDir, workers: 0 });
        seen.reopens++;
        // rescueAtOpen released every lock; workers keep their (now stale) beliefs, so a later
        // advance checks that their fenced writes are refused.
        for (const e of m.entries.values()) e.holder = null;
        touched.push(...m.entries.keys());
        break;
      }
    }
    await checkInvariants(state.core, m, baseline, touched, what);
  }
  // At the end, every entry's event history.
  for (const id of m.entries.keys()) await checkEvents(state.core, id, m);
}

describe('store: model-based interleavings of three workers', () => {
  it('keeps every invariant over random command sequences', async () => {
    const dataDir = freshDataDir();
    const state = { core: (await openTestCore({ dataDir, workers: 0 })) as Core };
    await fc.assert(
      fc.asyncProperty(scenarioArb, async (cmds) => {
        await runScenario(state, dataDir, cmds);
      }),
      { numRuns: 25 },
    );
    await state.core.close();
    // The paths that matter must actually have run (completions and failed attempts are rarer; the
    // fixed scenario below covers them deterministically).
    for (const path of ['steals', 'lostWrites', 'finished', 'fusedClaims', 'reopens'] as const) {
      expect(seen[path], `${path} never happened: the generator is too weak`).toBeGreaterThan(0);
    }
  }, 180_000);

  it('a fixed scenario: a stolen lock fences the old holder, and a reopen fences everyone', async () => {
    // Deterministic companion of the property, so this path is always covered.
    const dataDir = freshDataDir();
    const state = { core: (await openTestCore({ dataDir, workers: 0 })) as Core };
    await runScenario(state, dataDir, [
      { kind: 'create' },
      { kind: 'create' },
      { kind: 'claim', worker: 'w1', limit: 2 },
      { kind: 'expire' },
      { kind: 'claim', worker: 'w2', limit: 1 },
      { kind: 'advance', worker: 'w1', claimLimit: 0, failAttempt: false },
      { kind: 'advance', worker: 'w2', claimLimit: 1, failAttempt: false },
      { kind: 'closeReopen' },
      { kind: 'advance', worker: 'w2', claimLimit: 2, failAttempt: false },
      { kind: 'advance', worker: 'w2', claimLimit: 2, failAttempt: true },
      { kind: 'advance', worker: 'w2', claimLimit: 2, failAttempt: false },
      { kind: 'advance', worker: 'w2', claimLimit: 2, failAttempt: false },
      { kind: 'advance', worker: 'w2', claimLimit: 2, failAttempt: false },
      { kind: 'advance', worker: 'w2', claimLimit: 2, failAttempt: false },
    ]);
    const rows = await state.core.store.list({ limit: 2 });
    expect(rows.items.map((e) => e.status)).toEqual(['COMPLETED', 'COMPLETED']);
  }, 60_000);
});

// ───────────────────────────── pure properties ─────────────────────────────

const SPECIALS = ["'", "''", '\\', '"', '\0', '%', '_', '{', '}', ',', ' ', 'NULL', '$$', '$1', ';', '--', '/*', '\n', 'E', 'ß', '😀', '\u0301'];
const anyChar = fc.oneof(
  fc.constantFrom(...SPECIALS),
  fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }),
);
const nastyString = fc.string({ unit: anyChar, maxLength: 40 });
const smallAlphabet = fc.string({ unit: fc.constantFrom('a', 'B', '%', '_', '\\', "'", 'x'), maxLength: 8 });

describe('likePattern, cursors and SQL literals', () => {
  let db: PGlite;
  let root: string;

  beforeAll(async () => {
    // A copy of the migrated template (no second initdb), kept for the whole describe: freshDataDir's
    // copies are deleted after each test.
    root = mkdtempSync(join(tmpdir(), 'entryflow-literals-'));
    cpSync(inject('templateDataDir'), join(root, 'data'), { recursive: true });
    db = await PGlite.create({ dataDir: join(root, 'data', PGDATA_DIR) });
  });
  afterAll(async () => {
    await db.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('likePattern(s) matches exactly the texts that contain s (LIKE), and case-insensitively for ILIKE', async () => {
    await fc.assert(
      fc.asyncProperty(smallAlphabet, smallAlphabet, smallAlphabet, fc.boolean(), async (needle, pre, post, embed) => {
        const hay = embed ? `${pre}${needle}${post}` : `${pre}${post}`;
        const { rows } = await db.query<{ m: boolean; i: boolean }>(`SELECT $1::text LIKE $2 ESCAPE '\\' AS m, $1::text ILIKE $2 ESCAPE '\\' AS i`, [hay, likePattern(needle)]);
        expect(rows[0]?.m).toBe(hay.includes(needle));
        expect(rows[0]?.i).toBe(hay.toLowerCase().includes(needle.toLowerCase()));
      }),
      { numRuns: 300 },
    );
  });

  it('likePattern escapes every %, _ and \\ and nothing else', () => {
    fc.assert(
      fc.property(fc.string({ unit: anyChar, maxLength: 30 }), (s) => {
        const p = likePattern(s);
        expect(p.startsWith('%') && p.endsWith('%')).toBe(true);
        const body = p.slice(1, -1);
        // Undo the escaping: every backslash escapes the next character, which must be special.
        let out = '';
        for (let i = 0; i < body.length; i++) {
          const c = body[i] as string;
          if (c === '\\') {
            const next = body[i + 1] ?? '';
            expect(['\\', '%', '_']).toContain(next);
            out += next;
            i++;
          } else {
            expect(['%', '_']).not.toContain(c);
            out += c;
          }
        }
        expect(out).toBe(s);
      }),
      { numRuns: 500 },
    );
  });

  it('cursors round-trip every valid id and refuse everything else with INVALID_INPUT', () => {
    const idArb = fc.string({ unit: fc.constantFrom(...'0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_-'.split('')), minLength: 1, maxLength: 64 });
    fc.assert(
      fc.property(fc.oneof(idArb, fc.uuid({ version: 7 })), (id) => {
        const cursor = encodeCursor(id);
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        expect(cursor.length).toBeLessThanOrEqual(CURSOR_MAX);
        expect(decodeCursor(cursor)).toBe(id);
      }),
      { numRuns: 500 },
    );
    fc.assert(
      fc.property(fc.oneof(nastyString, fc.base64String(), fc.json().map((j) => Buffer.from(j).toString('base64url'))), (junk) => {
        let decoded: string | undefined;
        try {
          decoded = decodeCursor(junk);
        } catch (err) {
          expect(err).toBeInstanceOf(CoreError);
          expect((err as CoreError).code).toBe('INVALID_INPUT');
          return;
        }
        // Whatever decodes is a valid id that encodes back to the same key.
        expect(decoded).toMatch(/^[0-9a-zA-Z_-]{1,64}$/);
        expect(decodeCursor(encodeCursor(decoded))).toBe(decoded);
      }),
      { numRuns: 500 },
    );
  });

  it('sqlLiteral/quoteLiteral of any text reads back exactly (NULs dropped): no way out of the literal', async () => {
    await fc.assert(
      fc.asyncProperty(nastyString, async (s) => {
        const [res] = await db.exec(`SELECT ${sqlLiteral(s, 'text')} AS v, ${quoteLiteral(s)} AS q, 1 AS one`);
        expect(res?.rows).toEqual([{ v: s.replace(/\0/g, ''), q: s.replace(/\0/g, ''), one: 1 }]);
      }),
      { numRuns: 300 },
    );
  });

  it('sqlLiteral of a text[] of any strings and NULLs reads back exactly', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.option(nastyString, { nil: null }), { maxLength: 6 }), async (arr) => {
        const [res] = await db.exec(`SELECT ${sqlLiteral(arr, 'text[]')} AS v, 1 AS one`);
        expect(res?.rows).toEqual([{ v: arr.map((s) => (s === null ? null : s.replace(/\0/g, ''))), one: 1 }]);
      }),
      { numRuns: 300 },
    );
  });

  it('sqlLiteral of integers and int[] reads back exactly; non-finite numbers are refused', async () => {
    // The boundaries explicitly: `-2147483648::int` parses as -(2147483648::int), out of range,
    // unless the literal is parenthesised; `-1::int[]`-style precedence must not bite either.
    for (const [n, type] of [[-2_147_483_648, 'int'], [2_147_483_647, 'int'], [-1, 'int'], [-9_007_199_254_740_991, 'bigint'], [-0.5, 'float8']] as const) {
      const [res] = await db.exec(`SELECT ${sqlLiteral(n, type)} AS n`);
      expect(Number(res?.rows[0]?.n), `${n}::${type}`).toBe(n);
    }
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }), fc.array(fc.integer({ min: -1000, max: 1000 }), { maxLength: 5 }), async (n, arr) => {
        const [res] = await db.exec(`SELECT ${sqlLiteral(n, 'int')} AS n, ${sqlLiteral(arr, 'int[]')} AS a`);
        expect(res?.rows).toEqual([{ n, a: arr }]);
      }),
      { numRuns: 100 },
    );
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) expect(() => sqlLiteral(bad, 'int')).toThrow(RangeError);
    const [res] = await db.exec(`SELECT ${sqlLiteral(null, 'text')} AS a, ${sqlLiteral(undefined, 'int')} AS b, ${sqlLiteral(true, 'bool')} AS c`);
    expect(res?.rows).toEqual([{ a: null, b: null, c: true }]);
  });
});
