/**
 * The operator's settings (queue:state / queue:update, the queue_settings row) on both drivers:
 * validation, precedence over the start options, pause (stored, so it survives a restart), live
 * resize without abandoning a stage, the live stage delay, stage and duration on the events, and —
 * on a shared server — one process seeing another's pause. Plus the CLI's pause/resume/settings.
 */
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/cli';
import { DEFAULTS, type Stage } from '../../src/main/core/index';
import type { QueueState, Throughput } from '../../src/shared/contract';
import { describeEachDriver, ok, openDriverCore, openTestCore, waitFor } from '../support/core';
import { DATABASE_URL, adminClient, describeShared, freshSchema } from '../support/shared-pg';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Long enough for many idle polls (50 ms in tests) and a settings poll: what "nothing happened" waits. */
const QUIET_MS = 600;

describeEachDriver('queue state', (driver) => {
  it('starts from the defaults, stores each change, and rejects bad values with INVALID_INPUT', async () => {
    const core = await openDriverCore(driver, { stageDelayMs: 7 });
    const initial = await ok(core.invoke('queue:state', {}));
    // An API-only core (workers: 0) reports what an app would run: the default pool.
    expect(initial).toEqual({ paused: false, workers: DEFAULTS.workers, stageDelayMs: 7, retentionDays: 30, notifyOnFailure: true });

    const next = await ok(core.invoke('queue:update', { paused: true, workers: 9, stageDelayMs: 1234, retentionDays: null, notifyOnFailure: false }));
    expect(next).toEqual({ paused: true, workers: 9, stageDelayMs: 1234, retentionDays: null, notifyOnFailure: false });
    expect(await ok(core.invoke('queue:state', {}))).toEqual(next);
    // Absent fields stay as they are.
    expect(await ok(core.invoke('queue:update', { retentionDays: 7 }))).toEqual({ ...next, retentionDays: 7 });

    const bad: unknown[] = [
      { workers: 0 },
      { workers: 65 },
      { workers: 1.5 },
      { stageDelayMs: -1 },
      { stageDelayMs: 600_001 },
      { retentionDays: 0 },
      { retentionDays: 36_501 },
      { paused: 'yes' },
      { notifyOnFailure: 1 },
      { colour: 'red' },
    ];
    for (const payload of bad) {
      const r = await core.invoke('queue:update', payload);
      expect(r.ok ? 'ok' : r.error.code, JSON.stringify(payload)).toBe('INVALID_INPUT');
    }
    expect((await core.invoke('queue:state', { extra: 1 })).ok).toBe(false);
    // Nothing refused was stored.
    expect(await ok(core.invoke('queue:state', {}))).toEqual({ ...next, retentionDays: 7 });
  });

  it('any sequence of valid updates leaves the stored state equal to the last value of each field', async () => {
    const core = await openDriverCore(driver);
    const patch = fc.record(
      {
        paused: fc.boolean(),
        workers: fc.integer({ min: 1, max: 64 }),
        stageDelayMs: fc.integer({ min: 0, max: 600_000 }),
        retentionDays: fc.option(fc.integer({ min: 1, max: 36_500 }), { nil: null }),
        notifyOnFailure: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(fc.array(patch, { minLength: 1, maxLength: 6 }), async (patches) => {
        let model: QueueState = await ok(core.invoke('queue:state', {}));
        for (const p of patches) {
          model = { ...model, ...p };
          expect(await ok(core.invoke<'queue:update'>('queue:update', p))).toEqual(model);
        }
        expect(await ok(core.invoke('queue:state', {}))).toEqual(model);
      }),
      { numRuns: 15 },
    );
  });

  it('stored values win over the start options; unset ones fall back to them', async () => {
    const first = await openDriverCore(driver, { workers: 1, stageDelayMs: 0 });
    expect(first.workerIds).toHaveLength(1);
    await ok(first.invoke('queue:update', { workers: 3 }));
    expect(first.workerIds).toHaveLength(3);
    await first.close();
    const again = await first.reopen({ workers: 1, stageDelayMs: 25 });
    expect(again.workerIds).toHaveLength(3);
    expect(await ok(again.invoke('queue:state', {}))).toMatchObject({ workers: 3, stageDelayMs: 25 });
    expect((await ok(again.invoke('entries:stats', {}))).workers).toBe(3);
  });

  it('pausing lets a running stage finish, claims nothing more, survives a restart, and resuming picks up at once', async () => {
    const core = await openDriverCore(driver, { workers: 1, stageDelayMs: 300 });
    const claims: string[] = [];
    core.events.on('claimed', ({ ids }) => claims.push(...ids));
    const running = await ok(core.invoke('entries:create', { title: 'in flight when paused' }));
    await waitFor(() => claims.includes(running.id) || undefined, 'the first claim');
    const states: QueueState[] = [];
    core.events.on('queueState', ({ state }) => states.push(state));
    expect(await ok(core.invoke('queue:update', { paused: true }))).toMatchObject({ paused: true });
    expect(states.map((s) => s.paused)).toEqual([true]);

    // The stage in hand finishes and is written; the next stage is not claimed.
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: running.id }))).status === 'STAGE_1' || undefined, 'the running stage to finish');
    const waiting = await ok(core.invoke('entries:create', { title: 'created while paused' }));
    await sleep(QUIET_MS);
    expect(claims).toEqual([running.id]);
    const mid = await ok(core.invoke('entries:get', { id: running.id }));
    expect(mid).toMatchObject({ status: 'STAGE_1', lockedBy: null });
    expect(mid.events.map((e) => e.message).filter((m) => m !== null)).toEqual([]);
    await core.close();

    const reopened = await core.reopen({ workers: 2, stageDelayMs: 0 });
    const reclaims: string[] = [];
    reopened.events.on('claimed', ({ ids }) => reclaims.push(...ids));
    expect(await ok(reopened.invoke('queue:state', {}))).toMatchObject({ paused: true });
    await sleep(QUIET_MS);
    expect(reclaims).toEqual([]);
    expect((await ok(reopened.invoke('entries:get', { id: waiting.id }))).status).toBe('CREATED');

    await ok(reopened.invoke('queue:update', { paused: false }));
    for (const id of [running.id, waiting.id]) {
      await waitFor(async () => (await ok(reopened.invoke('entries:get', { id }))).status === 'COMPLETED' || undefined, `${id} to complete after resume`);
    }
  });

  it('a pause that takes effect while a claim is under way: what it got goes back unrun, attempt uncounted', async () => {
    // The claim was sent before the pause (an idle poll, say) and answers after it: another process's
    // pause heard meanwhile, or a slow server. Forced here by holding the claim's reply until the pause
    // has been applied.
    const started: string[] = [];
    const pipeline: Stage[] = [1, 2, 3].map((n) => ({ name: `stage ${n}`, run: ({ entry }) => (started.push(`${entry.title}:${n}`), Promise.resolve()) }));
    const core = await openDriverCore(driver, { workers: 1, pipeline });
    const claims: string[] = [];
    core.events.on('claimed', ({ ids }) => claims.push(...ids));
    const title = 'claimed as the pause lands';
    let held = 0;
    const claim = core.store.claim.bind(core.store);
    core.store.claim = async (token, limit) => {
      const got = await claim(token, limit);
      if (held === 0 && got.some((e) => e.title === title)) {
        held++;
        await ok(core.invoke('queue:update', { paused: true }));
      }
      return got;
    };
    const entry = await ok(core.invoke('entries:create', { title }));
    await waitFor(() => held === 1 || undefined, 'the claim to be held');
    await sleep(QUIET_MS);
    expect(started).toEqual([]);
    expect(claims).toEqual([]);
    expect(await ok(core.invoke('entries:get', { id: entry.id }))).toMatchObject({ status: 'CREATED', lockedBy: null, attempts: 0 });

    await ok(core.invoke('queue:update', { paused: false }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: entry.id }))).status === 'COMPLETED' || undefined, 'completion after the resume');
    expect(started).toEqual([`${title}:1`, `${title}:2`, `${title}:3`]);
  });

  it('grows and shrinks the pool live; a shrink lets each retiring loop finish its stage (every entry is claimed once per stage)', async () => {
    const core = await openDriverCore(driver, { workers: 1, stageDelayMs: 150 });
    const claimsOf = new Map<string, number>();
    const claimers: { workerId: string; ids: string[] }[] = [];
    core.events.on('claimed', (c) => {
      claimers.push(c);
      for (const id of c.ids) claimsOf.set(id, (claimsOf.get(id) ?? 0) + 1);
    });
    await ok(core.invoke('queue:update', { workers: 4 }));
    expect(core.workerIds).toHaveLength(4);
    expect(new Set(core.workerIds).size).toBe(4);
    const ids: string[] = [];
    for (let i = 0; i < 8; i++) ids.push((await ok(core.invoke('entries:create', { title: `resize ${i}` }))).id);
    // All four loops work: four distinct claimers while the first stages run.
    await waitFor(() => new Set(claimers.map((c) => c.workerId)).size === 4 || undefined, 'four loops claiming');
    const before = core.workerIds;
    await ok(core.invoke('queue:update', { workers: 1 }));
    expect(core.workerIds).toEqual(before.slice(0, 1));
    for (const id of ids) {
      await waitFor(async () => (await ok(core.invoke('entries:get', { id }))).status === 'COMPLETED' || undefined, `${id} to complete`, 60_000);
    }
    // Nothing was given back mid-stage: each entry was claimed exactly once for each of its 3 stages.
    expect(ids.map((id) => claimsOf.get(id))).toEqual(ids.map(() => 3));
    // The retired loops have exited: new work goes to the one loop left.
    const seen = claimers.length;
    const late = await ok(core.invoke('entries:create', { title: 'after the shrink' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: late.id }))).status === 'COMPLETED' || undefined, 'the late entry');
    expect(new Set(claimers.slice(seen).map((c) => c.workerId))).toEqual(new Set(before.slice(0, 1)));
    // Growing again never reuses a retired loop's id (it is the lock token).
    await ok(core.invoke('queue:update', { workers: 2 }));
    expect(before).not.toContain(core.workerIds[1]);
  });

  it('a new stage delay applies to the next stage, and every stage event carries its stage and duration', async () => {
    const core = await openDriverCore(driver, { workers: 1, stageDelayMs: 0 });
    await ok(core.invoke('queue:update', { stageDelayMs: 300 }));
    const slow = await ok(core.invoke('entries:create', { title: 'slow' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: slow.id }))).status === 'COMPLETED' || undefined, 'the slow entry');
    const detail = await ok(core.invoke('entries:get', { id: slow.id }));
    const runs = detail.events.filter((e) => e.stage !== null);
    expect(runs.map((e) => [e.from, e.to, e.stage])).toEqual([
      ['CREATED', 'STAGE_1', 1],
      ['STAGE_1', 'STAGE_2', 2],
      ['STAGE_2', 'COMPLETED', 3],
    ]);
    // Timers may fire a millisecond early against the monotonic clock.
    for (const e of runs) expect(e.durationMs).toBeGreaterThanOrEqual(295);
    expect(detail.events.filter((e) => e.stage === null).map((e) => [e.from, e.to, e.durationMs])).toEqual([[null, 'CREATED', null]]);

    await ok(core.invoke('queue:update', { stageDelayMs: 0 }));
    const fast = await ok(core.invoke('entries:create', { title: 'fast' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: fast.id }))).status === 'COMPLETED' || undefined, 'the fast entry');
    const fastRuns = (await ok(core.invoke('entries:get', { id: fast.id }))).events.filter((e) => e.stage !== null);
    expect(fastRuns).toHaveLength(3);
    for (const e of fastRuns) expect(e.durationMs).toBeLessThan(295);
  });

  it('failed attempts and final failures record the stage that ran and how long it took', async () => {
    let calls = 0;
    const flaky: Stage = {
      name: 'flaky',
      run: async ({ entry }) => {
        await sleep(20);
        if (entry.title === 'always fails') throw new Error('never works');
        if (calls++ === 0) throw new Error('first try fails');
      },
    };
    const core = await openDriverCore(driver, { workers: 1, maxAttempts: 2, backoffBaseMs: 0, backoffMaxMs: 0, pipeline: [{ name: 'first', run: () => Promise.resolve() }, flaky] });
    const retried = await ok(core.invoke('entries:create', { title: 'fails once' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: retried.id }))).status === 'COMPLETED' || undefined, 'the retried entry');
    const doomed = await ok(core.invoke('entries:create', { title: 'always fails' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: doomed.id }))).status === 'FAILED' || undefined, 'the doomed entry');

    const shape = async (id: string) =>
      (await ok(core.invoke('entries:get', { id }))).events.map((e) => ({ from: e.from, to: e.to, stage: e.stage, timed: e.durationMs !== null && e.durationMs >= 15 }));
    expect(await shape(retried.id)).toEqual([
      { from: null, to: 'CREATED', stage: null, timed: false },
      { from: 'CREATED', to: 'STAGE_1', stage: 1, timed: false },
      { from: 'STAGE_1', to: 'STAGE_1', stage: 2, timed: true },
      { from: 'STAGE_1', to: 'COMPLETED', stage: 2, timed: true },
    ]);
    expect(await shape(doomed.id)).toEqual([
      { from: null, to: 'CREATED', stage: null, timed: false },
      { from: 'CREATED', to: 'STAGE_1', stage: 1, timed: false },
      { from: 'STAGE_1', to: 'STAGE_1', stage: 2, timed: true },
      { from: 'STAGE_1', to: 'FAILED', stage: 2, timed: true },
    ]);
  });
});

describeShared('queue state across processes [server]')('queue state across processes [server]', () => {
  it("a core sees another core's pause within a few seconds, and claims again on its resume", async () => {
    const schema = freshSchema();
    const url = DATABASE_URL as string;
    const api = await openDriverCore('server', { schema, databaseUrl: url });
    const worker = await openDriverCore('server', { schema, databaseUrl: url, workers: 1 });
    const seen: QueueState[] = [];
    worker.events.on('queueState', ({ state }) => seen.push(state));
    const claims: string[] = [];
    worker.events.on('claimed', ({ ids }) => claims.push(...ids));

    await ok(api.invoke('queue:update', { paused: true }));
    await waitFor(() => seen.some((s) => s.paused) || undefined, 'the worker core to apply the pause');
    const e = await ok(api.invoke('entries:create', { title: 'made while paused elsewhere' }));
    await sleep(QUIET_MS);
    expect(claims).toEqual([]);

    await ok(api.invoke('queue:update', { paused: false, workers: 2 }));
    await waitFor(async () => (await ok(api.invoke('entries:get', { id: e.id }))).status === 'COMPLETED' || undefined, 'completion after the resume');
    await waitFor(() => worker.workerIds.length === 2 || undefined, 'the worker core to resize');
  });

  it('a settings row deleted by hand comes back with the defaults instead of failing every call', async () => {
    const core = await openDriverCore('server');
    await ok(core.invoke('queue:update', { paused: true }));
    const admin = await adminClient();
    await admin.query(`DELETE FROM "${core.where}".queue_settings`);
    expect(await ok(core.invoke('queue:state', {}))).toMatchObject({ paused: false, retentionDays: 30 });
    await admin.query(`DELETE FROM "${core.where}".queue_settings`);
    expect(await ok(core.invoke('queue:update', { paused: true }))).toMatchObject({ paused: true, retentionDays: 30 });
  });
});

describe('the CLI: pause, resume, settings, throughput', () => {
  async function cli(dataDir: string, ...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
    let stdout = '';
    let stderr = '';
    const code = await main(['--data-dir', dataDir, ...argv], {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
    return { code, stdout, stderr };
  }

  it('throughput: the counts per minute and each stage\'s p50/p95, as the app’s chart reads them', async () => {
    const core = await openTestCore({ workers: 2, stageDelayMs: 0 });
    const made = [];
    for (let i = 0; i < 5; i++) made.push(await ok(core.invoke('entries:create', { title: `cli throughput ${i}` })));
    await waitFor(async () => (await ok(core.invoke('entries:stats', {}))).counts.COMPLETED === made.length || undefined, 'all to complete');
    await core.close();

    const json = await cli(core.dataDir, 'throughput', '--json');
    expect(json.code).toBe(0);
    const t = JSON.parse(json.stdout) as Throughput;
    expect(t.buckets).toHaveLength(60);
    expect(t.buckets.reduce((n, b) => n + b.completed, 0)).toBe(made.length);
    expect(t.stages.map((st) => [st.stage, st.runs])).toEqual([[1, 5], [2, 5], [3, 5]]);
    const day = JSON.parse((await cli(core.dataDir, 'throughput', '--window', 'day', '--json')).stdout) as Throughput;
    expect(day.buckets).toHaveLength(24);
    const human = await cli(core.dataDir, 'throughput');
    expect(human.stdout).toMatch(/^Last hour: 5 completed, 0 failed/);
    expect(human.stdout).toMatch(/STAGE\s+RUNS\s+P50\s+P95/);
    const bad = await cli(core.dataDir, 'throughput', '--window', 'week');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--window must be hour or day/);
  });

  it('pauses, resumes, shows and changes the settings; refuses bad values', async () => {
    const seed = await openTestCore();
    await seed.close();
    const dir = seed.dataDir;
    expect(await cli(dir, 'pause')).toMatchObject({ code: 0, stdout: expect.stringContaining('Paused') as unknown });
    let shown = JSON.parse((await cli(dir, 'settings', '--json')).stdout) as QueueState;
    expect(shown.paused).toBe(true);
    expect((await cli(dir, 'resume')).code).toBe(0);
    const changed = await cli(dir, 'settings', '--workers', '6', '--stage-delay', '250', '--retention-days', 'never', '--notify', 'off', '--json');
    expect(changed.code).toBe(0);
    shown = JSON.parse(changed.stdout) as QueueState;
    expect(shown).toEqual({ paused: false, workers: 6, stageDelayMs: 250, retentionDays: null, notifyOnFailure: false });
    const human = await cli(dir, 'settings', '--retention-days', '14');
    expect(human.stdout).toMatch(/retention\s+14 days/);
    expect(human.stdout).toMatch(/workers\s+6/);

    const zero = await cli(dir, 'settings', '--workers', '0');
    expect(zero.code).toBe(1);
    expect(zero.stderr).toMatch(/^INVALID_INPUT: workers must be at least 1/);
    expect((await cli(dir, 'settings', '--notify', 'maybe')).code).toBe(2);
    expect((await cli(dir, 'settings', '--retention-days', 'soon')).code).toBe(2);

    // What the CLI stored is what the app opens with.
    const app = await openTestCore({ dataDir: dir, workers: 1 });
    expect(await ok(app.invoke('queue:state', {}))).toEqual({ paused: false, workers: 6, stageDelayMs: 250, retentionDays: 14, notifyOnFailure: false });
    expect(app.workerIds).toHaveLength(6);
  });
});

describeShared('the server pool follows the live worker count')('the server pool follows the live worker count', () => {
  it('raised from 2 to 12 loops, all 12 get a connection at once (the start sized the pool for 2)', async () => {
    const core = await openDriverCore('server', { workers: 2 });
    await ok(core.invoke('queue:update', { workers: 12 }));
    expect(core.workerIds).toHaveLength(12);
    // Hold the table: every loop's next claim then waits inside Postgres, holding its connection, so
    // Postgres's own lock table counts how many statements the pool let run at once.
    const locker = new pg.Client({ connectionString: DATABASE_URL });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query(`LOCK TABLE "${core.where}".entries IN ACCESS EXCLUSIVE MODE`);
      const admin = await adminClient();
      const waiting = async () =>
        Number(
          (
            await admin.query<{ n: string }>(`SELECT count(DISTINCT pid) AS n FROM pg_locks WHERE relation = $1::regclass AND NOT granted`, [
              `"${core.where}".entries`,
            ])
          ).rows[0]?.n,
        );
      // With the start's pool (2 + 4 connections) this stays at 6 at most.
      await waitFor(async () => ((await waiting()) >= 12 ? true : undefined), '12 claims waiting on the table at once', 15_000);
    } finally {
      await locker.query('ROLLBACK').catch(() => undefined);
      await locker.end();
    }
  });
});
