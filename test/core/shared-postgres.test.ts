/**
 * The same queue on a shared PostgreSQL server, worked by several processes at once: headless
 * worker processes (the built out/cli/worker.js, run with plain node) against one schema, the test
 * process creating entries through an API-only core. Each test has its own schema, dropped after it.
 */
import { beforeAll, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import { takeoverGraceMs } from '../../src/main/core/store';
import { ok, track, waitFor } from '../support/core';
import { DATABASE_URL, adminClient, describeShared, ensureCliBuilt, freshSchema, runCli, spawnCli, type Child } from '../support/shared-pg';

const describe = describeShared('shared-postgres.test.ts');

/** `name` becomes the process's application_name on the server (PGAPPNAME), so the database can tell who wrote. */
function startWorker(schema: string, extra: string[], name = 'entryflow-worker'): Child {
  return spawnCli('worker', ['--database-url', DATABASE_URL ?? '', '--schema', schema, '--log-level', 'info', ...extra], { PGAPPNAME: name });
}

interface Handover {
  entry_id: string;
  old_by: string;
  old_at: Date;
  new_by: string | null;
  at: Date;
  writer: string;
}

/**
 * Records, in the database and by its clock, every time a lock leaves its holder: the old holder and
 * its last stamp (claim or heartbeat), the new holder (null: released), the writing statement's
 * now() and the writing process. A test instrument only; the core knows nothing of it.
 */
async function recordHandovers(schema: string): Promise<() => Promise<Handover[]>> {
  const admin = await adminClient();
  const s = `"${schema}"`;
  await admin.query(`
    CREATE TABLE ${s}.test_handovers (entry_id text, old_by text, old_at timestamptz, new_by text, at timestamptz, writer text);
    CREATE FUNCTION ${s}.test_record_handover() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      INSERT INTO ${s}.test_handovers VALUES (OLD.id, OLD.locked_by, OLD.locked_at, NEW.locked_by, now(), current_setting('application_name'));
      RETURN NEW;
    END $$;
    CREATE TRIGGER test_record_handover AFTER UPDATE ON ${s}.entries FOR EACH ROW
      WHEN (OLD.locked_by IS NOT NULL AND OLD.locked_by IS DISTINCT FROM NEW.locked_by)
      EXECUTE FUNCTION ${s}.test_record_handover();`);
  return async () => (await admin.query<Handover>(`SELECT * FROM ${s}.test_handovers ORDER BY at`)).rows;
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
  beforeAll(ensureCliBuilt);

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

  it('a SIGKILLed worker process: its entries are taken over only after their locks expired, none done twice', async () => {
    const schema = freshSchema();
    const api = await apiCore(schema);
    const handovers = await recordHandovers(schema);
    const lockTimeout = 1500;
    const args = ['--workers', '4', '--stage-delay', '200', '--lock-timeout', String(lockTimeout)];
    const victim = startWorker(schema, args, 'victim');
    const others = [startWorker(schema, args, 'survivor-1'), startWorker(schema, args, 'survivor-2')];
    await Promise.all([victim, ...others].map((w) => w.waitForLine(/worker ready/)));

    const ids = await createMany(api, 60);
    const line = await victim.waitForLine(/"status":"STAGE_1"/);
    const instance = /"worker":"([0-9a-f]+)\//.exec(line)?.[1];
    expect(instance).toBeDefined();
    victim.proc.kill('SIGKILL');
    await victim.exited;

    await waitFor(async () => (await completed(api)) === 60, '60 entries COMPLETED', 60_000);
    await checkHistories(schema, ids);
    // Every lock the victim held when it died went to another process (taken or released), and not
    // before it expired: judged by the database's own clock, the writer's now() is at least the
    // victim's last stamp plus the lock timeout and the takeover grace. No wall clock is raced.
    const all = await handovers();
    const takeovers = all.filter((h) => h.old_by.startsWith(`${instance}/`) && h.writer !== 'victim');
    expect(takeovers.length).toBeGreaterThan(0);
    for (const h of takeovers) {
      expect(h.writer, JSON.stringify(h)).toMatch(/^survivor-/);
      expect(h.at.getTime() - h.old_at.getTime(), JSON.stringify(h)).toBeGreaterThanOrEqual(lockTimeout + takeoverGraceMs(lockTimeout));
    }
    // The same rule for every claim that took a held lock, whoever held it (a holder's own writes
    // only ever release: finish and release set locked_by to NULL).
    for (const h of all.filter((x) => x.new_by !== null)) {
      expect(h.at.getTime() - h.old_at.getTime(), JSON.stringify(h)).toBeGreaterThanOrEqual(lockTimeout + takeoverGraceMs(lockTimeout));
    }
    // The orphaned entries moved on by a surviving process only.
    const orphaned = [...new Set(takeovers.map((h) => h.entry_id))];
    const admin = await adminClient();
    const after = await admin.query<{ worker_id: string }>(
      `SELECT ev.worker_id FROM "${schema}".entry_events ev
       JOIN "${schema}".test_handovers h ON h.entry_id = ev.entry_id AND h.old_by LIKE $2 AND h.writer <> 'victim'
       WHERE ev.entry_id = ANY($1) AND ev.from_status IS DISTINCT FROM ev.to_status AND ev.at >= h.at`,
      [orphaned, `${instance}/%`],
    );
    expect(after.rows.length).toBeGreaterThan(0);
    for (const r of after.rows) expect(r.worker_id.startsWith(`${instance}/`)).toBe(false);
  });

  it('a create in one process wakes an idle worker in another via LISTEN/NOTIFY, also after the listener reconnects', async () => {
    const schema = freshSchema();
    const api = await apiCore(schema);
    // Idle poll of 10 minutes: any pickup within seconds is the notification's doing.
    const worker = startWorker(schema, ['--workers', '2', '--stage-delay', '0', '--idle-poll', '600000']);
    await worker.waitForLine(/worker ready/);

    // Picked up at all within this bound (20× a loaded machine's worst, and 1/20 of the idle poll)
    // proves the wake-up: no wall-clock threshold to race.
    const pickup = async (title: string): Promise<void> => {
      const e = await ok(api.invoke('entries:create', { title }));
      await worker.waitForLine(new RegExp(`"entry":"${e.id}","status":"COMPLETED"`), 30_000);
    };
    await pickup('first');
    await pickup('second');

    const admin = await adminClient();
    const listeners = async () =>
      (await admin.query<{ pid: number }>(`SELECT pid FROM pg_stat_activity WHERE query = $1`, [`LISTEN "entryflow_wakeup:${schema}"`])).rows.map((r) => r.pid);
    const [old] = await waitFor(async () => ((await listeners()).length === 1 ? listeners() : false), 'the LISTEN connection');
    await admin.query('SELECT pg_terminate_backend($1)', [old]);
    await waitFor(async () => {
      const now = await listeners();
      return now.length === 1 && now[0] !== old;
    }, 'the listener to reconnect');
    await pickup('after reconnect');
    expect(worker.lines.some((l) => /wake-up connection lost; reconnecting/.test(l))).toBe(true);
  });

  it('two processes starting at once on an empty schema both come up; migrations applied once', async () => {
    const schema = freshSchema();
    const args = ['--database-url', DATABASE_URL ?? '', '--schema', schema, 'stats', '--json'];
    const [a, b] = await Promise.all([runCli('cli', args), runCli('cli', args)]);
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
