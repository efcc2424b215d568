/**
 * Issue 9, item 7: a shared server's settings, commits whose reply was lost, and partitions.
 *
 * - A server (or URL) with standard_conforming_strings = off: search still matches literally.
 * - A URL search_path that disagrees with the schema option is refused, naming both.
 * - finishAndClaim commits but its reply never arrives (a real TCP proxy swallows it): the loop
 *   settles by reading the rows back, reports no lock loss that never happened, and runs the entries
 *   claimed in the lost reply at once instead of after the lock timeout.
 * - A partition (the proxy drops every byte and closes nothing): calls end with UNAVAILABLE within
 *   the connection's time bounds, and close() returns.
 */
import { afterEach, expect, it } from 'vitest';
import pg from 'pg';
import { openCore, type Core, type CoreOptions, type Stage } from '../../src/main/core/index';
import { connectionConfig } from '../../src/main/core/drivers/server';
import type { Logger } from '../../src/main/core/logger';
import type { Outcome, Store } from '../../src/main/core/store';
import { ok, openTestCore, track, waitFor } from '../support/core';
import { DATABASE_URL, adminClient, describeShared, freshSchema } from '../support/shared-pg';
import { startTcpProxy, targetOf, type TcpProxy } from '../support/tcp-proxy';

const describe = describeShared('server-faults.test.ts');

const proxies: TcpProxy[] = [];
afterEach(async () => {
  await Promise.all(proxies.splice(0).map((p) => p.close()));
});

async function proxy(): Promise<TcpProxy> {
  const p = await startTcpProxy(targetOf(DATABASE_URL ?? ''));
  proxies.push(p);
  return p;
}

/** The test server's URL with libpq `options` added. */
function withOptions(url: string, options: string): string {
  const u = new URL(url);
  u.searchParams.set('options', options);
  return u.toString();
}

async function serverCore(options: CoreOptions & { databaseUrl?: string }): Promise<Core> {
  return track(await openCore({ workers: 0, idlePollMs: 50, backoffBaseMs: 10, databaseUrl: DATABASE_URL, ...options }));
}

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (message: string) => void lines.push(`${level} ${message}`);
  return { lines, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

async function openFailure(p: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    const core = await p;
    track(core as Core);
  } catch (err) {
    return err as { code?: string; message: string };
  }
  throw new Error('expected openCore to fail');
}

describe('a server with standard_conforming_strings = off', () => {
  it("the connection keeps the URL's options next to the schema's search_path", async () => {
    const schema = freshSchema();
    const client = new pg.Client(connectionConfig(withOptions(DATABASE_URL ?? '', '-c standard_conforming_strings=off'), schema));
    await client.connect();
    try {
      const r = await client.query<{ scs: string; sp: string }>(`SELECT current_setting('standard_conforming_strings') AS scs, current_setting('search_path') AS sp`);
      expect(r.rows[0]).toEqual({ scs: 'off', sp: schema });
    } finally {
      await client.end();
    }
  });

  it('search matches %, _, ! and a backslash literally, returning exactly the matching titles', async () => {
    const core = await serverCore({ databaseUrl: withOptions(DATABASE_URL ?? '', '-c standard_conforming_strings=off'), schema: freshSchema() });
    const titles = ['100% sure', '1000 ways', 'a_b c', 'axb c', 'x!y', 'xy', 'x!!y z', 'back\\slash', 'backslash', 'back/slash'];
    for (const title of titles) await ok(core.invoke('entries:create', { title }));
    const search = async (s: string) => (await ok(core.invoke('entries:list', { search: s }))).items.map((e) => e.title).sort();
    expect(await search('100%')).toEqual(['100% sure']);
    expect(await search('a_b')).toEqual(['a_b c']);
    expect(await search('x!y')).toEqual(['x!y']);
    expect(await search('back\\slash')).toEqual(['back\\slash']);
    expect(await search('%')).toEqual(['100% sure']);
    expect(await search('!')).toEqual(['x!!y z', 'x!y']);
  });
});

describe('the schema given twice', () => {
  it('a URL search_path other than the schema option: openCore refuses with INVALID_INPUT naming both, creating nothing', async () => {
    const other = freshSchema();
    const mine = freshSchema();
    const err = await openFailure(openCore({ databaseUrl: withOptions(DATABASE_URL ?? '', `-c search_path=${other}`), schema: mine, workers: 0 }));
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.message).toContain(other);
    expect(err.message).toContain(mine);
    const admin = await adminClient();
    const made = await admin.query(`SELECT nspname FROM pg_namespace WHERE nspname = ANY($1)`, [[other, mine]]);
    expect(made.rows).toEqual([]);
  });

  it('the same schema both ways opens, with the tables in that schema', async () => {
    const schema = freshSchema();
    const core = await serverCore({ databaseUrl: withOptions(DATABASE_URL ?? '', `-c search_path=${schema}`), schema });
    await ok(core.invoke('entries:create', { title: 'here' }));
    const admin = await adminClient();
    const rows = await admin.query<{ title: string }>(`SELECT title FROM "${schema}".entries`);
    expect(rows.rows).toEqual([{ title: 'here' }]);
  });
});

/** The first stage's outcome for an entry just claimed from CREATED. */
function toStage1(id: string): Outcome {
  return { id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 };
}

async function createIds(core: Core, n: number, prefix: string): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push((await ok(core.invoke('entries:create', { title: `${prefix} ${i}` }))).id);
  return ids;
}

/** settle() on both drivers; on a server, read back through a second pool, as after a reconnect. */
const SETTLE_TARGETS: [string, () => Promise<{ writer: Store; reader: Store }>][] = [
  [
    'embedded',
    async () => {
      const core = await openTestCore({ workers: 0 });
      return { writer: core.store, reader: core.store };
    },
  ],
  [
    'server',
    async () => {
      const schema = freshSchema();
      const a = await serverCore({ schema });
      const b = await serverCore({ schema });
      return { writer: a.store, reader: b.store };
    },
  ],
];

describe.each(SETTLE_TARGETS)('store.settle on the %s driver', (_name, open) => {
  it('before the write committed: null (sending it again is safe); after: what it finished and claimed, nothing lost', async () => {
    const { writer, reader } = await open();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await writer.create(`0000-settle-${i}`, `settle ${i}`)).id);
    const token = 'proc/w1';
    const [e0, e1] = (await writer.claim(token, 2)).map((e) => e.id);
    expect([e0, e1]).toEqual([ids[0], ids[1]]);
    // e0's stage is done; e1's still runs (held).
    const outcomes = [toStage1(e0 as string)];

    expect(await reader.settle(token, outcomes, [e1 as string])).toBeNull();

    // e0 moved on and is kept (its next stage is this loop's), the claim takes one more.
    const res = await writer.finishAndClaim(token, outcomes, 2);
    expect(res.finished.map((e) => e.id)).toEqual([e0]);
    expect(res.claimed.map((e) => e.id).sort()).toEqual([e0, ids[2]]);

    // e0 is still locked by us, but in its new status: committed, not "not yet written".
    const settled = await reader.settle(token, outcomes, [e1 as string]);
    expect(settled).not.toBeNull();
    expect(settled?.lost).toEqual([]);
    expect(settled?.finished.map((e) => [e.id, e.status, e.lockedBy])).toEqual([[e0, 'STAGE_1', token]]);
    expect(settled?.claimed.map((e) => e.id).sort()).toEqual([e0, ids[2]]);
    for (const e of settled?.claimed ?? []) expect(e).toMatchObject({ lockedBy: token, attempts: 1 });
  });

  it('an outcome it released (no claim) that another worker moved on before the settle is found as written', async () => {
    const { writer, reader } = await open();
    const id = (await writer.create('0000-moved-on', 'moved on')).id;
    await writer.claim('proc/w1', 1);
    const outcomes = [toStage1(id)];
    expect((await writer.finishAndClaim('proc/w1', outcomes, 0)).claimed).toEqual([]);
    // Another worker takes it the next step before the first one settles.
    expect((await reader.claim('proc/w2', 1)).map((e) => e.id)).toEqual([id]);
    await reader.finishAndClaim('proc/w2', [{ id, from: 'STAGE_1', to: 'STAGE_2', progress: 66, result: null, error: null, delayMs: 0 }], 0);

    const settled = await reader.settle('proc/w1', outcomes, []);
    expect(settled?.lost).toEqual([]);
    expect(settled?.claimed).toEqual([]);
    expect(settled?.finished.map((e) => [e.id, e.status])).toEqual([[id, 'STAGE_2']]);
  });


  it('a failed attempt to be retried (status unchanged, a note instead of a move) is found as written', async () => {
    const { writer, reader } = await open();
    const id = (await writer.create('0000-retry', 'retried')).id;
    await writer.claim('proc/w1', 1);
    const retry: Outcome = { id, from: 'CREATED', to: 'CREATED', progress: 0, result: null, error: 'boom', delayMs: 60_000 };
    await writer.finishAndClaim('proc/w1', [retry], 0);
    const settled = await reader.settle('proc/w1', [retry], []);
    expect(settled?.lost).toEqual([]);
    expect(settled?.finished.map((e) => [e.id, e.status, e.error])).toEqual([[id, 'CREATED', 'boom']]);
  });
});

describe('store.settle after a real lock loss', () => {
  it('an outcome fenced out because another process took the entry over is reported lost, not finished', async () => {
    const schema = freshSchema();
    const writer = (await serverCore({ schema })).store;
    const id = (await writer.create('0000-taken', 'taken over')).id;
    expect((await writer.claim('A', 1)).map((e) => e.id)).toEqual([id]);
    await writer.finishAndClaim('A', [toStage1(id)], 0);
    // A now runs stage 2; its last step on the entry (CREATED → STAGE_1) is its own.
    expect((await writer.claim('A', 1)).map((e) => e.id)).toEqual([id]);
    // Another process, with a 1 ms lock timeout, takes the lock over: mark, wait out the grace, take.
    const taker = (await serverCore({ schema, lockTimeoutMs: 1 })).store;
    await waitFor(async () => {
      await taker.rescueStale();
      return (await taker.claim('B', 1)).length > 0 || undefined;
    }, 'the takeover');
    const toStage2: Outcome = { id, from: 'STAGE_1', to: 'STAGE_2', progress: 66, result: null, error: null, delayMs: 0 };
    expect((await writer.finishAndClaim('A', [toStage2], 0)).lost).toEqual([id]);
    // Whether or not that statement had committed, settle must say the same.
    expect(await writer.settle('A', [toStage2], [])).toEqual({ finished: [], claimed: [], lost: [id] });
  });
});

/**
 * A core whose loop's first finishAndClaim commits but never hears back: the proxy swallows the reply
 * and, until `resume()`, holds everything the core sends next (its settle among it), so the test can
 * look at the rows (and let other processes work) first.
 */
async function lostReply(schema: string, n: number) {
  const api = await serverCore({ schema });
  const ids = await createIds(api, n, 'lost reply');
  const runs: string[] = [];
  const pipeline = (who: string): Stage[] =>
    [0, 1, 2].map((k) => ({
      name: `stage ${k + 1}`,
      run: async ({ entry }) => {
        runs.push(`${entry.id}:${k}:${who}`);
        await new Promise((r) => setImmediate(r));
      },
    }));
  const p = await proxy();
  const dropped = p.dropNextReply('entryflow_finish_and_claim');
  const logger = recordingLogger();
  // A lock timeout far past the test's own: an entry left locked by the lost reply would hang it.
  const core = await serverCore({ databaseUrl: p.urlFor(DATABASE_URL ?? ''), schema, workers: 1, batchSize: 2, lockTimeoutMs: 120_000, pipeline: pipeline('a'), logger });
  const lockLost: string[] = [];
  const storeErrors: string[] = [];
  core.events.on('lockLost', ({ entryId }) => lockLost.push(entryId));
  core.events.on('storeError', ({ error }) => storeErrors.push(error));

  // The statement ran to its end on the server (committed) before the connection was cut.
  expect(await dropped).toEqual({ completed: true, errored: false });
  p.pause();
  const admin = await adminClient();
  const rows = await admin.query<{ id: string; status: string; locked_by: string | null }>(`SELECT id, status, locked_by FROM "${schema}".entries ORDER BY id`);
  // The lost reply held a finished batch (entries 0 and 1), kept for their next stage: a claim of 2.
  expect(rows.rows.slice(0, 4)).toEqual([
    { id: ids[0], status: 'STAGE_1', locked_by: core.workerIds[0] },
    { id: ids[1], status: 'STAGE_1', locked_by: core.workerIds[0] },
    { id: ids[2], status: 'CREATED', locked_by: null },
    { id: ids[3], status: 'CREATED', locked_by: null },
  ]);

  const ranBy = (id: string, k: number) => runs.filter((r) => r.startsWith(`${id}:${k}:`)).map((r) => r.split(':')[2]);
  return {
    api,
    ids,
    lockLost,
    storeErrors,
    logger,
    pipeline,
    resume: () => p.resume(),
    async allComplete() {
      await waitFor(async () => (await ok(api.invoke('entries:stats', {}))).counts.COMPLETED === n || undefined, `all ${n} to complete`, 30_000);
    },
    /** Every stage of every entry ran exactly once; returns who ran them. */
    eachStageOnce(): string[][] {
      return ids.map((id) =>
        [0, 1, 2].map((k) => {
          const who = ranBy(id, k);
          expect(who, `${id} stage ${k}`).toHaveLength(1);
          return who[0] as string;
        }),
      );
    },
    async historiesClean() {
      const r = await admin.query<{ id: string; attempts: number; path: string }>(
        `SELECT e.id, e.attempts, string_agg(coalesce(ev.from_status, '-') || '>' || ev.to_status, ' ' ORDER BY ev.id) AS path
         FROM "${schema}".entries e JOIN "${schema}".entry_events ev ON ev.entry_id = e.id GROUP BY e.id, e.attempts ORDER BY e.id`,
      );
      expect(r.rows).toEqual(ids.map((id) => ({ id, attempts: 1, path: '->CREATED CREATED>STAGE_1 STAGE_1>STAGE_2 STAGE_2>COMPLETED' })));
    },
  };
}

describe('a commit whose reply is lost', () => {
  it('finishAndClaim commits, the reply never comes: no false lock loss, each stage once, the claimed entries run at once', async () => {
    const t = await lostReply(freshSchema(), 6);
    t.resume();
    await t.allComplete();
    expect(t.lockLost).toEqual([]);
    expect(t.storeErrors).toHaveLength(1);
    expect(t.logger.lines.some((l) => /reply was lost had committed/.test(l))).toBe(true);
    t.eachStageOnce();
    await t.historiesClean();
  });

  it('another process works on while it waits to settle: what the lost statement kept stays its own, no false lock loss', async () => {
    const schema = freshSchema();
    const t = await lostReply(schema, 4);
    // Another process takes entries 2 and 3 the whole way while the first still waits to settle; it
    // cannot take 0 and 1, which the lost statement kept (a released entry moved on elsewhere is
    // settle's other case, in 'store.settle' above).
    const b = await serverCore({ schema, workers: 2, lockTimeoutMs: 120_000, pipeline: t.pipeline('b') });
    b.events.on('lockLost', ({ entryId }) => t.lockLost.push(entryId));
    await waitFor(
      async () => {
        const es = await Promise.all(t.ids.slice(2, 4).map(async (id) => ok(t.api.invoke('entries:get', { id }))));
        return es.every((e) => e.status === 'COMPLETED') || undefined;
      },
      'the other process to complete entries 2 and 3',
    );
    t.resume();
    await t.allComplete();
    expect(t.lockLost).toEqual([]);
    expect(t.eachStageOnce()).toEqual([
      ['a', 'a', 'a'],
      ['a', 'a', 'a'],
      ['b', 'b', 'b'],
      ['b', 'b', 'b'],
    ]);
    await t.historiesClean();
  });
});

describe('a partition', () => {
  /** Short bounds so a partition shows within seconds; the real ones are 10 s connect and 60–75 s per statement. */
  const timeouts = { connectMs: 1000, statementMs: 1000, queryMs: 2000, closeMs: 1000 };

  it('mid-connection: calls end UNAVAILABLE within the time bounds instead of hanging, and close() returns', async () => {
    const schema = freshSchema();
    const p = await proxy();
    const core = await serverCore({ databaseUrl: p.urlFor(DATABASE_URL ?? ''), schema, workers: 1, stageDelayMs: 0, shutdownGraceMs: 200, timeouts });
    const first = await ok(core.invoke('entries:create', { title: 'before the partition' }));
    await waitFor(async () => (await ok(core.invoke('entries:get', { id: first.id }))).status === 'COMPLETED' || undefined, 'the first entry to complete');

    p.blackhole();
    for (const [channel, payload] of [
      ['entries:list', {}],
      ['entries:create', { title: 'during the partition' }],
      ['entries:get', { id: first.id }],
    ] as const) {
      const started = Date.now();
      const res = await core.invoke(channel, payload);
      expect(res.ok, channel).toBe(false);
      if (!res.ok) expect(res.error.code, `${channel}: ${res.error.message}`).toBe('UNAVAILABLE');
      // Generous: the bound is the 2 s reply timeout (or 1 s connect), not a race against it.
      expect(Date.now() - started, channel).toBeLessThan(20_000);
    }
    const started = Date.now();
    await core.close();
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('from the start: openCore fails with DATABASE_UNREACHABLE after the connect timeout', async () => {
    const p = await proxy();
    p.blackhole();
    const started = Date.now();
    const err = await openFailure(openCore({ databaseUrl: p.urlFor(DATABASE_URL ?? ''), schema: freshSchema(), workers: 1, timeouts }));
    expect(err.code).toBe('DATABASE_UNREACHABLE');
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
