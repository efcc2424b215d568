/**
 * Time jumps (issue 9, items 2 and 3). Nothing on the machine changes its clock: a core is handed a
 * TestClock whose wall time the test steps, and the database's now() "jumps" by moving the stored
 * timestamps the other way (a lock stamped 150 s further back looks as if now() ran 150 s on).
 *
 * 2. A laptop's sleep (or a forward step) in the middle of a stage. Embedded: one process, so a live
 *    loop's entry is never taken over by time — the stage runs once and costs one attempt. Shared:
 *    takeover by time is the protocol, in two phases, and the loop whose lock went unrenewed for the
 *    timeout lets go before anyone else may take the entry; its late writes are fenced.
 * 3. A clock stepped back. Work that was already claimable runs at once; `run_after` delays retries
 *    only, and one pushed further out than any backoff (by the step) counts as due.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { openCore, type Core, type CoreOptions, type Stage } from '../../src/main/core/index';
import { takeoverGraceMs, type Outcome } from '../../src/main/core/store';
import type { Entry, Status } from '../../src/shared/contract';
import { ok, openTestCore, track, waitFor } from '../support/core';
import { DATABASE_URL, adminClient, describeShared, freshSchema } from '../support/shared-pg';
import { TestClock } from '../support/test-clock';

const describeOnServer = describeShared('clock.test.ts');

/** How far a sleep moves time in these tests: past the default 120 s lock timeout. */
const SLEEP_MS = 150_000;
/** A short lock timeout for the shared tests that wait out the takeover grace (500 ms here). */
const SHORT_LOCK_MS = 2000;

afterEach(() => {
  vi.restoreAllMocks();
});

function gate(): { open: () => void; opened: Promise<void> } {
  let open: () => void = () => undefined;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { open, opened };
}

interface Step {
  who: string;
  kind: 'start' | 'abort' | 'return';
  entry: string;
  /** For 'abort': why the worker stopped the stage (lease-expired, lock-lost, timeout, shutdown). */
  why?: string;
}

function whyAborted(reason: unknown): string {
  return typeof reason === 'object' && reason !== null && 'why' in reason ? String(reason.why) : String(reason);
}

/**
 * Stages that log, in one sequence for every core of the test, when they start, when their signal is
 * aborted and when they return. They wait for the test's gate and ignore their signal on purpose: a
 * handler that keeps going is the worst case for two holders and for late writes.
 */
function recorder() {
  const log: Step[] = [];
  const stage = (who: string, until: Promise<void>): Stage => ({
    name: `gated (${who})`,
    run: async ({ entry, signal }) => {
      log.push({ who, kind: 'start', entry: entry.id });
      signal.addEventListener('abort', () => log.push({ who, kind: 'abort', entry: entry.id, why: whyAborted(signal.reason) }), { once: true });
      await until;
      log.push({ who, kind: 'return', entry: entry.id });
      return `done by ${who}`;
    },
  });
  const index = (who: string, kind: Step['kind'], entry: string) => log.findIndex((s) => s.who === who && s.kind === kind && s.entry === entry);
  const starts = (entry: string) => log.filter((s) => s.kind === 'start' && s.entry === entry);
  return { log, stage, index, starts };
}

/**
 * The PGlite an embedded core opens. The core offers no raw SQL (on purpose), so a spy on
 * PGlite.create — which still creates the real database — hands the test that very instance, to move
 * its stored timestamps while the core runs.
 */
function watchPgliteOpens(): () => Promise<PGlite> {
  const spy = vi.spyOn(PGlite, 'create');
  return async () => {
    const last = spy.mock.results.at(-1);
    if (last?.type !== 'return') throw new Error('no PGlite was opened');
    return (await last.value) as PGlite;
  };
}

const failedAttempt = (e: Entry, delayMs: number): Outcome => ({
  id: e.id,
  from: e.status,
  to: e.status,
  progress: e.progress,
  result: null,
  error: 'the remote end timed out',
  delayMs,
});

async function statusOf(core: Core, id: string): Promise<Status> {
  return (await ok(core.invoke('entries:get', { id }))).status;
}

// ─────────────────────────── item 2: a sleep mid-stage ───────────────────────────

describe('embedded: a sleep or a forward clock step in the middle of a stage', () => {
  it('never hands the entry to a second loop, never reruns the stage, never costs an attempt', async () => {
    const pglite = watchPgliteOpens();
    const clock = new TestClock();
    const release = gate();
    const rec = recorder();
    const core = await openTestCore({ workers: 2, clock, pipeline: [rec.stage('embedded', release.opened)] });
    const db = await pglite();
    const lost: string[] = [];
    core.events.on('lockLost', ({ entryId }) => lost.push(entryId));

    const e = await ok(core.invoke('entries:create', { title: 'the lid closes mid-stage' }));
    await waitFor(() => rec.starts(e.id).length === 1 || undefined, 'the stage to start');

    // 150 s of sleep, past the default 120 s lock timeout: the wall clock and the database's now()
    // both ran on, the loop's timers did not.
    clock.stepWall(SLEEP_MS);
    await db.query(`UPDATE entries SET locked_at = locked_at - make_interval(secs => $1 / 1000.0) WHERE id = $2`, [SLEEP_MS, e.id]);
    await core.runMaintenance();
    // The idle second loop claims the oldest claimable entry first (by id): a probe created now wakes
    // it, and its claim would take `e` rather than the probe if e's lock could be taken.
    const probe = await ok(core.invoke('entries:create', { title: 'probe' }));
    await waitFor(() => rec.log.filter((s) => s.kind === 'start').length >= 2 || undefined, 'the second loop to claim');
    await core.runMaintenance();
    release.open();
    await waitFor(async () => ((await statusOf(core, e.id)) === 'COMPLETED' && (await statusOf(core, probe.id)) === 'COMPLETED') || undefined, 'both entries to complete');

    expect(rec.starts(e.id)).toHaveLength(1);
    expect(rec.starts(probe.id)).toHaveLength(1);
    expect(rec.log.filter((s) => s.kind === 'abort')).toEqual([]);
    expect(lost).toEqual([]);
    const detail = await ok(core.invoke('entries:get', { id: e.id }));
    expect(detail).toMatchObject({ status: 'COMPLETED', attempts: 1, result: 'done by embedded', lockedBy: null });
    expect(detail.events.filter((x) => x.to === 'COMPLETED')).toHaveLength(1);
    // Neither a rescue ("lock expired …") nor any other note: the entry went CREATED → COMPLETED.
    expect(detail.events.map((x) => [x.from, x.to, x.message])).toEqual([
      [null, 'CREATED', null],
      ['CREATED', 'COMPLETED', null],
    ]);
  });
});

describeOnServer('shared server: a sleep in the middle of a stage', () => {
  it('the loop whose lock went unrenewed lets go before another process takes the entry; its late result is never written', async () => {
    const schema = freshSchema();
    const admin = await adminClient();
    const shared: CoreOptions = { databaseUrl: DATABASE_URL, schema, lockTimeoutMs: SHORT_LOCK_MS, idlePollMs: 50, backoffBaseMs: 10 };
    const release = gate();
    const rec = recorder();
    const clockA = new TestClock();
    // A finishes what it holds but claims nothing new (a close with a long grace leaves its running
    // stage alone), so whoever holds the entry next can only be B.
    const a = track(await openCore({ ...shared, workers: 1, clock: clockA, shutdownGraceMs: 60_000, pipeline: [rec.stage('A', release.opened)] }));
    const e = await ok(a.invoke('entries:create', { title: 'A sleeps mid-stage' }));
    await waitFor(() => rec.starts(e.id).length === 1 || undefined, 'A to start the stage');
    const b = track(await openCore({ ...shared, workers: 1, pipeline: [rec.stage('B', release.opened)] }));
    const transitions: { workerId: string; status: Status }[] = [];
    const lost: string[] = [];
    for (const core of [a, b]) {
      core.events.on('transition', ({ workerId, entry }) => transitions.push({ workerId, status: entry.status }));
      core.events.on('lockLost', ({ workerId }) => lost.push(workerId));
    }
    const aClosed = a.close();

    // A's laptop wakes from 150 s of sleep: A's wall clock and the server's now() ran on; A's timers
    // did not. (One process runs A and B, so B cannot act *during* A's sleep here; there, A cannot stop
    // before it wakes, and only fencing protects — the two-phase test below.)
    clockA.stepWall(SLEEP_MS);
    await admin.query(`UPDATE "${schema}".entries SET locked_at = locked_at - make_interval(secs => $1 / 1000.0) WHERE id = $2`, [SLEEP_MS, e.id]);
    // B tries to take the entry over as hard as it can: a maintenance round (mark, take over) on every
    // check, its loop polling meanwhile.
    await waitFor(
      async () => {
        await b.runMaintenance();
        return rec.index('B', 'start', e.id) >= 0 || undefined;
      },
      'B to start the stage',
    );
    // The property: A had stopped the stage before B started it (one holder at a time).
    const aLetGo = rec.index('A', 'abort', e.id);
    expect(aLetGo, JSON.stringify(rec.log)).toBeGreaterThanOrEqual(0);
    expect(aLetGo, JSON.stringify(rec.log)).toBeLessThan(rec.index('B', 'start', e.id));
    expect(rec.log[aLetGo]?.why).toBe('lease-expired');
    await aClosed;
    release.open();
    await waitFor(async () => (await statusOf(b, e.id)) === 'COMPLETED' || undefined, 'the entry to complete');
    expect(rec.starts(e.id).map((s) => s.who)).toEqual(['A', 'B']);
    // A's stage returned after it was told to stop; nothing of it was written, nor refused.
    await waitFor(() => rec.index('A', 'return', e.id) >= 0 || undefined, "A's stage to return");
    expect(transitions).toEqual([{ workerId: b.workerIds[0], status: 'COMPLETED' }]);
    expect(lost).toEqual([]);
    const detail = await ok(b.invoke('entries:get', { id: e.id }));
    expect(detail).toMatchObject({ status: 'COMPLETED', result: 'done by B', lockedBy: null });
    expect(detail.events.filter((x) => x.to === 'COMPLETED').map((x) => x.workerId)).toEqual([b.workerIds[0]]);
  });

  it("a live loop keeps its entry when only the server's clock jumped: its next heartbeat comes within the takeover grace", async () => {
    const schema = freshSchema();
    const admin = await adminClient();
    // Long enough that the heartbeat period and the grace differ by hundreds of ms, not tens.
    const lockTimeoutMs = 6000;
    const grace = takeoverGraceMs(lockTimeoutMs);
    const shared: CoreOptions = { databaseUrl: DATABASE_URL, schema, lockTimeoutMs, idlePollMs: 50, backoffBaseMs: 10 };
    const release = gate();
    const rec = recorder();
    const a = track(await openCore({ ...shared, workers: 1, pipeline: [rec.stage('A', release.opened)] }));
    const e = await ok(a.invoke('entries:create', { title: 'the server jumps, A is fine' }));
    await waitFor(() => rec.starts(e.id).length === 1 || undefined, 'A to start the stage');
    const b = track(await openCore({ ...shared, workers: 1, pipeline: [rec.stage('B', release.opened)] }));
    const lost: string[] = [];
    for (const core of [a, b]) core.events.on('lockLost', ({ entryId }) => lost.push(entryId));
    const lock = async () =>
      (
        await admin.query<{ locked_at: Date; locked_by: string | null; requested_at: Date | null; db_now: Date }>(
          `SELECT locked_at, locked_by, rescue_requested_at AS requested_at, now() AS db_now FROM "${schema}".entries WHERE id = $1`,
          [e.id],
        )
      ).rows[0];

    // Right after one of A's heartbeats (the worst moment: its next is furthest away), the server's
    // now() jumps SLEEP_MS ahead, and B's maintenance marks the lock for takeover at once.
    const claimedAt = (await lock())?.locked_at.getTime();
    await waitFor(async () => ((await lock())?.locked_at.getTime() ?? claimedAt) !== claimedAt || undefined, "A's first heartbeat");
    await admin.query(`UPDATE "${schema}".entries SET locked_at = locked_at - make_interval(secs => $1 / 1000.0) WHERE id = $2`, [SLEEP_MS, e.id]);
    await b.runMaintenance();
    const marked = await lock();
    expect(marked?.requested_at).not.toBeNull();
    const markedAt = marked?.requested_at?.getTime() ?? 0;
    // B tries to take it over until well past the grace on the server's clock, its loop polling too.
    await waitFor(
      async () => {
        await b.runMaintenance();
        return ((await lock())?.db_now.getTime() ?? 0) > markedAt + grace + 250 || undefined;
      },
      'the takeover grace to pass on the server clock',
    );
    expect(await lock()).toMatchObject({ locked_by: a.workerIds[0], requested_at: null });

    release.open();
    await waitFor(async () => (await statusOf(a, e.id)) === 'COMPLETED' || undefined, 'the entry to complete');
    expect(rec.starts(e.id).map((s) => s.who)).toEqual(['A']);
    expect(rec.log.filter((s) => s.kind === 'abort')).toEqual([]);
    expect(lost).toEqual([]);
    const detail = await ok(a.invoke('entries:get', { id: e.id }));
    expect(detail).toMatchObject({ status: 'COMPLETED', attempts: 1, result: 'done by A' });
    expect(detail.events.filter((x) => x.message !== null)).toEqual([]);
  });

  it('takes an expired lock over in two phases: a heartbeat in between keeps it with its owner, and the taken-over owner is fenced', async () => {
    const schema = freshSchema();
    const admin = await adminClient();
    const core = track(await openCore({ databaseUrl: DATABASE_URL, schema, workers: 0, lockTimeoutMs: SHORT_LOCK_MS }));
    const { store } = core;
    const grace = takeoverGraceMs(SHORT_LOCK_MS);
    const row = async (id: string) =>
      (
        await admin.query<{ locked_by: string | null; attempts: number; requested: boolean; grace_over: boolean }>(
          `SELECT locked_by, attempts, rescue_requested_at IS NOT NULL AS requested,
                  coalesce(now() - rescue_requested_at > make_interval(secs => $2 / 1000.0), false) AS grace_over
           FROM "${schema}".entries WHERE id = $1`,
          [id, grace],
        )
      ).rows[0];
    // The server's now() runs SLEEP_MS past the lock's last renewal (X's process asleep, or the server's clock stepped).
    const expire = (id: string) => admin.query(`UPDATE "${schema}".entries SET locked_at = locked_at - make_interval(secs => $1 / 1000.0) WHERE id = $2`, [SLEEP_MS, id]);
    const graceOver = (id: string) => waitFor(async () => (await row(id))?.grace_over || undefined, 'the takeover grace to pass on the server clock');

    const e = await ok(core.invoke('entries:create', { title: 'kept by a heartbeat, then taken over' }));
    const e2 = await ok(core.invoke('entries:create', { title: 'released by maintenance' }));
    expect((await store.claim('X', 2)).map((x) => x.id)).toEqual([e.id, e2.id]);

    // Phase one: expired locks are only marked; nobody may take them yet.
    await expire(e.id);
    expect(await store.rescueStale()).toEqual([]);
    expect(await row(e.id)).toMatchObject({ locked_by: 'X', requested: true });
    expect(await store.claim('Y', 1)).toEqual([]);

    // X is alive: its heartbeat clears the request. However old that request grows and however
    // expired the lock looks again, it never lets anyone in: a fresh request must wait a fresh grace.
    expect(await store.heartbeat('X', [e.id])).toEqual([e.id]);
    expect(await row(e.id)).toMatchObject({ locked_by: 'X', requested: false });
    await expire(e.id);
    expect(await store.claim('Y', 1)).toEqual([]);
    expect(await store.rescueStale()).toEqual([]);
    expect(await row(e.id)).toMatchObject({ locked_by: 'X', requested: true });
    expect(await store.claim('Y', 1)).toEqual([]);

    // No heartbeat this time: once the request is a grace old, Y's claim takes the entry (an attempt).
    await graceOver(e.id);
    const [taken] = await store.claim('Y', 1);
    expect(taken).toMatchObject({ id: e.id, lockedBy: 'Y', attempts: 2 });

    // X's late writes are fenced: its outcome, heartbeat and release all change nothing.
    const late = await store.finishAndClaim('X', [{ ...failedAttempt(e, 0), to: 'COMPLETED', progress: 100, result: 'late', error: null }], 0);
    expect(late).toMatchObject({ finished: [], lost: [e.id] });
    expect(await store.heartbeat('X', [e.id])).toEqual([]);
    expect(await store.release('X', [e.id])).toEqual([]);
    const after = await ok(core.invoke('entries:get', { id: e.id }));
    expect(after).toMatchObject({ status: 'CREATED', lockedBy: 'Y', result: null });

    // The other route: maintenance itself releases a lock marked longer than the grace, with a note.
    await expire(e2.id);
    expect(await store.rescueStale()).toEqual([]);
    await graceOver(e2.id);
    expect(await store.rescueStale()).toEqual([e2.id]);
    expect(await row(e2.id)).toMatchObject({ locked_by: null, requested: false, attempts: 1 });
    const d2 = await ok(core.invoke('entries:get', { id: e2.id }));
    expect(d2.events.at(-1)).toMatchObject({ from: 'CREATED', to: 'CREATED', workerId: 'X' });
    expect(d2.events.at(-1)?.message).toMatch(/lock expired/);
    expect(await store.heartbeat('X', [e2.id])).toEqual([]);
  });
});

// ─────────────────────────── item 3: a clock stepped back ───────────────────────────

/** Where a test runs: open a core on its database, and run SQL on that database beside the core. */
interface Place {
  open(options: CoreOptions): Promise<Core>;
  /** The SQL runs on the database of the core opened last (embedded: its very PGlite). */
  sql(text: string, params?: unknown[]): Promise<void>;
  table(name: 'entries' | 'entry_events'): string;
}

function embeddedPlace(): Place {
  const pglite = watchPgliteOpens();
  let dataDir: string | undefined;
  return {
    async open(options) {
      const core = await openTestCore({ ...options, ...(dataDir === undefined ? {} : { dataDir }) });
      dataDir = core.dataDir;
      return core;
    },
    async sql(text, params) {
      await (await pglite()).query(text, params);
    },
    table: (name) => name,
  };
}

function serverPlace(): Place {
  const schema = freshSchema();
  return {
    async open(options) {
      return track(await openCore({ idlePollMs: 50, backoffBaseMs: 10, ...options, databaseUrl: DATABASE_URL, schema }));
    },
    async sql(text, params) {
      await (await adminClient()).query(text, params);
    },
    table: (name) => `"${schema}".${name}`,
  };
}

/**
 * NTP steps the clock back an hour: every stored time is now an hour ahead of now() (stepping the
 * stored times forward is the same as stepping now() back).
 */
async function stepClockBack(place: Place): Promise<void> {
  const hour = `interval '1 hour'`;
  await place.sql(
    `UPDATE ${place.table('entries')} SET created_at = created_at + ${hour}, updated_at = updated_at + ${hour},
       run_after = run_after + ${hour}, locked_at = locked_at + ${hour}`,
  );
  await place.sql(`UPDATE ${place.table('entry_events')} SET at = at + ${hour}`);
}

function quickStage(starts: string[]): Stage {
  return {
    name: 'quick',
    run: async ({ entry }) => {
      starts.push(entry.id);
      await Promise.resolve();
    },
  };
}

function clockBackSuite(name: string, makePlace: () => Place) {
  it(`${name}: an entry created before the step runs at once after it`, async () => {
    const place = makePlace();
    const before = await place.open({ workers: 0 });
    const e = await ok(before.invoke('entries:create', { title: 'created before the step' }));
    await stepClockBack(place);
    await before.close();

    const starts: string[] = [];
    const after = await place.open({ workers: 2, pipeline: [quickStage(starts)] });
    await waitFor(async () => (await statusOf(after, e.id)) === 'COMPLETED' || undefined, 'the entry made before the step to complete', 15_000);
    expect(starts).toEqual([e.id]);
  });

  it(`${name}: a retry the step pushed out further than any backoff is due; a real backoff still waits`, async () => {
    const place = makePlace();
    const before = await place.open({ workers: 0 });
    const retried = await ok(before.invoke('entries:create', { title: 'retry scheduled before the step' }));
    const backingOff = await ok(before.invoke('entries:create', { title: 'retry scheduled after the step' }));
    const claimed = await before.store.claim('seed', 2);
    const r = claimed.find((x) => x.id === retried.id);
    const b = claimed.find((x) => x.id === backingOff.id);
    expect(r && b).toBeTruthy();
    // A failed attempt, retried after a 5 s backoff; then the clock steps back an hour.
    expect((await before.store.finishAndClaim('seed', [failedAttempt(r as Entry, 5000)], 0)).lost).toEqual([]);
    await stepClockBack(place);
    // After the step, a failed attempt with the longest backoff there is: that wait is real.
    expect((await before.store.finishAndClaim('seed', [failedAttempt(b as Entry, 60_000)], 0)).lost).toEqual([]);
    await before.close();

    const starts: string[] = [];
    const after = await place.open({ workers: 2, pipeline: [quickStage(starts)] });
    await waitFor(async () => (await statusOf(after, retried.id)) === 'COMPLETED' || undefined, 'the retry from before the step to run', 15_000);
    expect(starts).toEqual([retried.id]);
    // The backoff is 60 s; this test ends within seconds: the entry must still be waiting, untouched.
    expect(await ok(after.invoke('entries:get', { id: backingOff.id }))).toMatchObject({ status: 'CREATED', attempts: 1, lockedBy: null });
    expect(await after.store.claim('probe', 10)).toEqual([]);
  });
}

describe('a clock stepped back an hour (embedded)', () => {
  clockBackSuite('embedded', embeddedPlace);
});

describeOnServer('a clock stepped back an hour (shared server)', () => {
  clockBackSuite('shared', serverPlace);
});
