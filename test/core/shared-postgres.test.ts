/**
 * The same queue on a shared PostgreSQL server, worked by several processes at once: headless
 * worker processes (scripts/worker.ts) against one schema, the test process creating entries
 * through an API-only core. Each test has its own schema, dropped after it.
 */
import { expect, it } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import { ok, track, waitFor } from '../support/core';
import { DATABASE_URL, adminClient, describeShared, freshSchema, runScript, spawnScript, type Child } from '../support/shared-pg';

const describe = describeShared('shared-postgres.test.ts');

function startWorker(schema: string, extra: string[]): Child {
  return spawnScript('scripts/worker.ts', ['--database-url', DATABASE_URL ?? '', '--schema', schema, '--log-level', 'info', ...extra]);
}

async function apiCore(schema: string): Promise<Core> {
  return track(await openCore({ databaseUrl: DATABASE_URL, schema, workers: 0 }));
}

async function createMany(core: Core, n: number): Promise<string[]> {
  const ids: string[] = [];
  // A few calls in flight at once, like several users; the pool has 4 connections.
  for (let i = 0; i < n; i += 8) {
    const batch = await Promise.all(Array.from({ length: Math.min(8, n - i) }, (_, k) => ok(core.invoke('entries:create', { title: `entry ${i + k}` }))));
    ids.push(...batch.map((e) => e.id));
  }
  return ids;
}

async function completed(core: Core): Promise<number> {
  return (await ok(core.invoke('entries:stats', {}))).counts.COMPLETED;
}

/**
 * Per entry: the status changes (creation included) in event order. Each must be one step of the
 * 3-stage path, each exactly once, at strictly increasing times.
 */
async function checkHistories(schema: string, ids: readonly string[]): Promise<void> {
  const admin = await adminClient();
  const { rows } = await admin.query<{ entry_id: string; path: string; increasing: boolean; n: string }>(
    `SELECT entry_id,
            string_agg(coalesce(from_status, '-') || '>' || to_status, ' ' ORDER BY id) AS path,
            bool_and(ok) AS increasing, count(*) AS n
     FROM (SELECT *, coalesce(at > lag(at) OVER (PARTITION BY entry_id ORDER BY id), true) AS ok
           FROM "${schema}".entry_events WHERE from_status IS DISTINCT FROM to_status) t
     GROUP BY entry_id`,
  );
  expect(rows).toHaveLength(ids.length);
  const bad = rows.filter((r) => r.path !== '->CREATED CREATED>STAGE_1 STAGE_1>STAGE_2 STAGE_2>COMPLETED' || !r.increasing);
  expect(bad).toEqual([]);
  const statuses = await admin.query<{ status: string; n: string }>(`SELECT status, count(*) AS n FROM "${schema}".entries GROUP BY status`);
  expect(statuses.rows.map((r) => [r.status, Number(r.n)])).toEqual([['COMPLETED', ids.length]]);
}

describe('shared PostgreSQL', () => {
  it('4 worker processes × 4 loops complete 2,000 entries, each stage exactly once', async () => {
    const schema = freshSchema();
    const api = await apiCore(schema);
    const workers = Array.from({ length: 4 }, () => startWorker(schema, ['--workers', '4', '--stage-delay', '0']));
    await Promise.all(workers.map((w) => w.waitForLine(/worker ready/)));

    const ids = await createMany(api, 2000);
    await waitFor(async () => (await completed(api)) === 2000, '2,000 entries COMPLETED', 120_000);
    await checkHistories(schema, ids);

    const admin = await adminClient();
    // The last stage was claimed exactly once per entry: a second claim would have counted an attempt.
    const attempts = await admin.query<{ attempts: number; n: string }>(`SELECT attempts, count(*) AS n FROM "${schema}".entries GROUP BY attempts`);
    expect(attempts.rows.map((r) => [r.attempts, Number(r.n)])).toEqual([[1, 2000]]);
    // Every process took part, and no fenced write was refused (no two holders of one entry).
    const processes = await admin.query<{ n: string }>(
      `SELECT count(DISTINCT split_part(worker_id, '/', 1)) AS n FROM "${schema}".entry_events WHERE worker_id IS NOT NULL`,
    );
    expect(Number(processes.rows[0]?.n)).toBe(4);
    for (const w of workers) expect(w.lines.filter((l) => /lock was lost|store call failed/.test(l))).toEqual([]);

    for (const w of workers) w.proc.kill('SIGTERM');
    const exits = await Promise.all(workers.map((w) => w.exited));
    expect(exits.map((e) => e.code)).toEqual([0, 0, 0, 0]);
  });

  it('a SIGKILLed worker process: its entries are taken over after the lock timeout, none done twice', async () => {
    const schema = freshSchema();
    const api = await apiCore(schema);
    const args = ['--workers', '4', '--stage-delay', '200', '--lock-timeout', '1500'];
    const [victim, ...others] = Array.from({ length: 3 }, () => startWorker(schema, args)) as [Child, Child, Child];
    await Promise.all([victim, ...others].map((w) => w.waitForLine(/worker ready/)));

    const ids = await createMany(api, 60);
    const line = await victim.waitForLine(/"status":"STAGE_1"/);
    const instance = /"worker":"([0-9a-f]+)\//.exec(line)?.[1];
    expect(instance).toBeDefined();
    victim.proc.kill('SIGKILL');
    await victim.exited;

    const admin = await adminClient();
    const killedAt = (await admin.query<{ now: Date }>('SELECT now()')).rows[0]?.now as Date;
    const held = (await admin.query<{ id: string }>(`SELECT id FROM "${schema}".entries WHERE locked_by LIKE $1`, [`${instance}/%`])).rows.map((r) => r.id);
    expect(held.length).toBeGreaterThan(0);

    await waitFor(async () => (await completed(api)) === 60, '60 entries COMPLETED', 60_000);
    await checkHistories(schema, ids);
    // The orphaned entries moved on only once their locks had expired, by a surviving process.
    const next = await admin.query<{ entry_id: string; at: Date; worker_id: string }>(
      `SELECT DISTINCT ON (entry_id) entry_id, at, worker_id FROM "${schema}".entry_events
       WHERE entry_id = ANY($1) AND from_status IS DISTINCT FROM to_status AND at > $2 ORDER BY entry_id, id`,
      [held, killedAt],
    );
    expect(next.rows).toHaveLength(held.length);
    for (const r of next.rows) {
      expect(r.at.getTime() - killedAt.getTime()).toBeGreaterThanOrEqual(1000);
      expect(r.worker_id.startsWith(`${instance}/`)).toBe(false);
    }
  });

  it('a create in one process wakes an idle worker in another via LISTEN/NOTIFY, also after the listener reconnects', async () => {
    const schema = freshSchema();
    const api = await apiCore(schema);
    // Idle poll of 10 minutes: any pickup within seconds is the notification's doing.
    const worker = startWorker(schema, ['--workers', '2', '--stage-delay', '0', '--idle-poll', '600000']);
    await worker.waitForLine(/worker ready/);

    const pickup = async (title: string): Promise<number> => {
      const started = Date.now();
      const e = await ok(api.invoke('entries:create', { title }));
      await worker.waitForLine(new RegExp(`"entry":"${e.id}","status":"COMPLETED"`), 2000);
      return Date.now() - started;
    };
    // The first one may meet loops before their first wait; from the second on they are idle.
    await pickup('first');
    expect(await pickup('second')).toBeLessThan(2000);

    const admin = await adminClient();
    const listeners = async () =>
      (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN "entryflow_wakeup:${schema}"`])).rows.map((r) => r.pid);
    const [old] = await waitFor(async () => ((await listeners()).length === 1 ? listeners() : false), 'the LISTEN connection');
    await admin.query('SELECT pg_terminate_backend($1)', [old]);
    await waitFor(async () => {
      const now = await listeners();
      return now.length === 1 && now[0] !== old;
    }, 'the listener to reconnect');
    expect(await pickup('after reconnect')).toBeLessThan(2000);
    expect(worker.lines.some((l) => /wake-up connection lost; reconnecting/.test(l))).toBe(true);
  });

  it('two processes starting at once on an empty schema both come up; migrations applied once', async () => {
    const schema = freshSchema();
    const args = ['--database-url', DATABASE_URL ?? '', '--schema', schema, 'stats', '--json'];
    const [a, b] = await Promise.all([runScript('scripts/cli.ts', args), runScript('scripts/cli.ts', args)]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    expect((JSON.parse(a.stdout) as { total: number }).total).toBe(0);
    const admin = await adminClient();
    const journal = await admin.query<{ n: string; distinct: string }>(
      `SELECT count(*) AS n, count(DISTINCT created_at) AS distinct FROM "${schema}".__drizzle_migrations`,
    );
    const { readFileSync } = await import('node:fs');
    const expected = (JSON.parse(readFileSync('drizzle/meta/_journal.json', 'utf8')) as { entries: unknown[] }).entries.length;
    expect([Number(journal.rows[0]?.n), Number(journal.rows[0]?.distinct)]).toEqual([expected, expected]);
    // The foreign key points into this schema, not at public.entries.
    const fk = await admin.query<{ target: string }>(
      `SELECT confrelid::regclass::text AS target FROM pg_constraint WHERE contype = 'f' AND connamespace = $1::regnamespace`,
      [schema],
    );
    expect(fk.rows.map((r) => r.target)).toEqual([`${schema}.entries`]);
  });
});
