/**
 * The CLI (scripts/cli.ts) as a user runs it: a separate process, against an embedded data dir and
 * against a shared server, through the same contract and envelopes as the app.
 */
import { describe, expect, it } from 'vitest';
import type { Entry, EntryDetail, EntryPage, Stats } from '../../src/shared/contract';
import { freshDataDir, openTestCore, waitFor } from '../support/core';
import { DATABASE_URL, describeShared, freshSchema, runScript } from '../support/shared-pg';
import { openCore, type Core, type CoreOptions } from '../../src/main/core/index';
import { track } from '../support/core';

type Target = { args: string[]; failOne: (title: string) => Promise<string> };

const cli = (target: Target, ...args: string[]) => runScript('scripts/cli.ts', [...target.args, ...args]);

async function json<T>(target: Target, ...args: string[]): Promise<T> {
  const r = await cli(target, ...args, '--json');
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as T;
}

/** A core whose one stage always throws, run until one entry is FAILED, then closed. */
async function failedEntry(open: (o: CoreOptions) => Promise<Core>, title: string): Promise<string> {
  const core = await open({
    workers: 1,
    maxAttempts: 1,
    idlePollMs: 50,
    pipeline: [{ name: 'broken', run: () => Promise.reject(new Error('disk on fire')) }],
  });
  const created = await core.invoke('entries:create', { title });
  if (!created.ok) throw new Error(created.error.message);
  await waitFor(async () => {
    const r = await core.invoke('entries:get', { id: created.data.id });
    return r.ok && r.data.status === 'FAILED';
  }, 'the entry to fail');
  await core.close();
  return created.data.id;
}

function roundTrip(name: string, target: () => Promise<Target>) {
  it(`add / list / get / retry / stats round trip (${name})`, async () => {
    const t = await target();
    const failedId = await t.failOne('broken one');

    const added = await cli(t, 'add', 'Quarterly report');
    expect(added.code).toBe(0);
    expect(added.stdout).toMatch(/^[0-9a-f-]{36} {2}CREATED {2}Quarterly report$/);
    const id = added.stdout.split(' ')[0] as string;

    const table = await cli(t, 'list');
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(/^ID +STATUS +PROGRESS +UPDATED +TITLE$/);
    expect(table.stdout).toContain('Quarterly report');
    const page = await json<EntryPage>(t, 'list', '--search', 'quarterly', '--limit', '5');
    expect(page.items.map((e) => e.id)).toEqual([id]);
    expect((await json<EntryPage>(t, 'list', '--status', 'FAILED')).items.map((e) => e.id)).toEqual([failedId]);

    const detail = await json<EntryDetail>(t, 'get', id);
    expect(detail.title).toBe('Quarterly report');
    expect(detail.events.map((e) => e.to)).toEqual(['CREATED']);
    expect((await cli(t, 'get', failedId)).stdout).toContain('disk on fire');

    const retried = await json<Entry>(t, 'retry', failedId);
    expect(retried.status).toBe('CREATED');
    const stats = await json<Stats>(t, 'stats');
    expect(stats.counts).toMatchObject({ CREATED: 2, FAILED: 0 });
    expect(stats.workers).toBe(0);

    const empty = await cli(t, 'add', '   ');
    expect([empty.code, empty.stderr.trim()]).toEqual([1, 'INVALID_INPUT: title must not be empty']);
    const missing = await cli(t, 'get', 'no-such-id');
    expect([missing.code, missing.stderr.trim()]).toEqual([1, 'NOT_FOUND: No entry with id no-such-id.']);
    const conflict = await cli(t, 'retry', id);
    expect(conflict.code).toBe(1);
    expect(conflict.stderr).toMatch(/^CONFLICT: .*only FAILED entries can be retried/);
    // Ten process starts (tsx compiles the core each time): generous for a loaded CI machine.
  }, 300_000);
}

describe('CLI', () => {
  roundTrip('embedded data dir', async () => {
    const dir = freshDataDir();
    return { args: ['--data-dir', dir], failOne: (title) => failedEntry((o) => openTestCore({ ...o, dataDir: dir }), title) };
  });

  it('usage mistakes exit 2 with help; --help exits 0', async () => {
    const help = await runScript('scripts/cli.ts', ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Commands:');
    const nowhere = await runScript('scripts/cli.ts', ['stats']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('--database-url URL or --data-dir DIR');
    const unknown = await runScript('scripts/cli.ts', ['--data-dir', freshDataDir(), 'frobnicate']);
    expect([unknown.code, unknown.stderr.split('\n')[0]]).toEqual([2, 'error: unknown command "frobnicate"']);
  }, 120_000);

  it('reads ENTRYFLOW_DATA_DIR', async () => {
    const dir = freshDataDir();
    const r = await runScript('scripts/cli.ts', ['add', 'from env'], { ENTRYFLOW_DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('from env');
  }, 120_000);
});

describeShared('cli.test.ts (server part)')('CLI on a shared server', () => {
  roundTrip('shared server', async () => {
    const schema = freshSchema();
    const open = async (o: CoreOptions) => track(await openCore({ ...o, databaseUrl: DATABASE_URL, schema, stageDelayMs: 0 }));
    return { args: ['--database-url', DATABASE_URL ?? '', '--schema', schema], failOne: (title) => failedEntry(open, title) };
  });
});
