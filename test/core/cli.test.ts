/**
 * The CLI (src/cli/cli.ts) against an embedded data dir and against a shared server, through the
 * same contract and envelopes as the app. Most calls go through its exported `main(argv, env, io)`
 * in this process, on the source; real child processes run what ships — the built out/cli/cli.js
 * and worker.js with plain node, no tsx — and prove the wiring end to end: argv, environment,
 * stdout/stderr and exit codes.
 */
import { describe, expect, it } from 'vitest';
import type { Entry, EntryDetail, EntryPage, Stats } from '../../src/shared/contract';
import { freshDataDir, openTestCore, waitFor } from '../support/core';
import { DATABASE_URL, describeShared, freshSchema, runCli, spawnCli } from '../support/shared-pg';
import { openCore, type Core, type CoreOptions } from '../../src/main/core/index';
import { track } from '../support/core';
import { main } from '../../src/cli/cli';

type Target = { args: string[]; failOne: (title: string) => Promise<string> };

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * The CLI in this process, with an empty environment (as `spawnCli` clears ENTRYFLOW_*). Like
 * `runCli`, stdout loses its final newline.
 */
async function inProcess(argv: string[], env: NodeJS.ProcessEnv = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout: stdout.replace(/\n$/, ''), stderr };
}

const cli = (target: Target, ...args: string[]) => inProcess([...target.args, ...args]);

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

function roundTrip(name: string, target: () => Target) {
  it(`add / list / get / retry / stats round trip (${name})`, async () => {
    const t = target();
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
    expect(conflict.stderr).toMatch(/^CONFLICT: .*only FAILED or CANCELLED entries can be retried/);
  }, 120_000);

  it(`cancel / delete / bulk / retry --start-over, and CANCELLED in list and stats (${name})`, async () => {
    const t = target();
    const ids: string[] = [];
    for (const title of ['one', 'two', 'three', 'four']) ids.push(((await cli(t, 'add', title)).stdout.split(' ')[0]) as string);
    const [a, b, c, d] = ids as [string, string, string, string];

    const cancelled = await cli(t, 'cancel', a);
    expect([cancelled.code, cancelled.stdout]).toEqual([0, `${a}  CANCELLED  (cancelled)`]);
    expect((await json<Entry>(t, 'cancel', b)).status).toBe('CANCELLED');
    const again = await cli(t, 'cancel', a);
    expect([again.code, again.stderr.trim()]).toEqual([1, `CONFLICT: Entry ${a} is already CANCELLED.`]);
    const stats = await json<Stats>(t, 'stats');
    expect(stats.counts).toMatchObject({ CREATED: 2, CANCELLED: 2 });
    expect((await cli(t, 'stats')).stdout).toMatch(/^CANCELLED +2$/m);
    expect((await json<EntryPage>(t, 'list', '--status', 'CANCELLED')).items.map((e) => e.id).sort()).toEqual([a, b].sort());
    expect((await cli(t, 'list')).stdout).toContain('CANCELLED 2');

    const over = await json<Entry>(t, 'retry', a, '--start-over');
    expect([over.status, over.progress]).toEqual(['CREATED', 0]);
    expect((await cli(t, 'retry', b)).stdout).toBe(`${b}  CREATED  (retried)`);

    const refused = await cli(t, 'delete', c);
    expect([refused.code, refused.stderr]).toEqual([1, expect.stringMatching(/^CONFLICT: .*cancel it first/)]);
    await cli(t, 'cancel', c);
    expect((await cli(t, 'delete', c)).stdout).toBe(`${c}  (deleted)`);
    const gone = await cli(t, 'get', c);
    expect([gone.code, gone.stderr.trim()]).toEqual([1, `NOT_FOUND: No entry with id ${c}.`]);

    const byIds = await cli(t, 'bulk', 'cancel', '--ids', `${a},${b},${c}`);
    expect([byIds.code, byIds.stdout]).toEqual([0, 'Cancelled 2 entries; 1 skipped (not waiting or running, or gone)']);
    expect(await json(t, 'bulk', 'retry', '--status', 'CANCELLED', '--search', 'tw')).toEqual({ affected: 1, skipped: 0 });
    expect((await cli(t, 'bulk', 'cancel', '--all')).stdout).toBe('Cancelled 2 entries; 1 skipped (not waiting or running, or gone)');
    expect((await cli(t, 'bulk', 'delete', '--all')).stdout).toBe('Deleted 3 entries; 0 skipped (not finished, or gone)');
    expect((await json<Stats>(t, 'stats')).total).toBe(0);
    expect(d).toMatch(/^[0-9a-f-]{36}$/);

    const vague = await cli(t, 'bulk', 'delete');
    expect([vague.code, vague.stderr.split('\n')[0]]).toEqual([2, 'error: bulk needs exactly one of: --ids ID,ID,…, a filter (--status S and/or --search Q), or --all']);
    const both = await cli(t, 'bulk', 'delete', '--all', '--status', 'FAILED');
    expect(both.code).toBe(2);
    const badAction = await cli(t, 'bulk', 'archive', '--all');
    expect([badAction.code, badAction.stderr.split('\n')[0]]).toEqual([2, 'error: bulk takes one action: retry, cancel, delete']);
    const badStatus = await cli(t, 'bulk', 'retry', '--status', 'DONE');
    expect([badStatus.code, badStatus.stderr]).toEqual([1, expect.stringMatching(/^INVALID_INPUT: filter.status: status must be one of/)]);
    // Each call opens the data folder afresh (seconds on a loaded machine, embedded), hence the long limit.
  }, 300_000);
}

describe('CLI', () => {
  roundTrip('embedded data dir', () => {
    const dir = freshDataDir();
    return { args: ['--data-dir', dir], failOne: (title) => failedEntry((o) => openTestCore({ ...o, dataDir: dir }), title) };
  });

  it('usage mistakes exit 2 with help; --help exits 0', async () => {
    const help = await inProcess(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Commands:');
    const bare = await inProcess([]);
    expect([bare.code, bare.stdout.includes('Commands:')]).toEqual([2, true]);
    const nowhere = await inProcess(['stats']);
    expect(nowhere.code).toBe(2);
    expect(nowhere.stderr).toContain('--database-url URL or --data-dir DIR');
    const both = await inProcess(['stats'], { ENTRYFLOW_DATABASE_URL: 'postgres://x@127.0.0.1:1/x', ENTRYFLOW_DATA_DIR: freshDataDir() });
    expect([both.code, both.stderr.split('\n')[0]]).toEqual([2, 'error: give either --database-url or --data-dir, not both']);
    const badFlag = await inProcess(['--nope', 'stats']);
    expect([badFlag.code, badFlag.stderr]).toEqual([2, expect.stringMatching(/^error: Unknown option '--nope'/)]);
    const badLimit = await inProcess(['--data-dir', freshDataDir(), 'list', '--limit', 'ten']);
    expect([badLimit.code, badLimit.stderr.split('\n')[0]]).toEqual([2, 'error: --limit must be a whole number, got "ten"']);
  });

  it('reads ENTRYFLOW_DATA_DIR', async () => {
    const dir = freshDataDir();
    const r = await inProcess(['add', 'from env'], { ENTRYFLOW_DATA_DIR: dir });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('from env');
    const listed = await inProcess(['list', '--json'], { ENTRYFLOW_DATA_DIR: dir });
    expect((JSON.parse(listed.stdout) as EntryPage).items.map((e) => e.title)).toEqual(['from env']);
  });

  it('as a real process (the built out/cli/cli.js, plain node): environment, stdout, stderr and exit codes are wired through', async () => {
    const dir = freshDataDir();
    const [added, unknown, help] = await Promise.all([
      runCli('cli', ['add', 'from a process'], { ENTRYFLOW_DATA_DIR: dir }),
      runCli('cli', ['--data-dir', freshDataDir(), 'frobnicate']),
      runCli('cli', ['--help']),
    ]);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('node out/cli/cli.js')]);
    expect([added.code, added.stderr]).toEqual([0, '']);
    expect(added.stdout).toMatch(/^[0-9a-f-]{36} {2}CREATED {2}from a process$/);
    // The process really wrote to the data dir the environment named.
    const listed = await inProcess(['--data-dir', dir, 'list', '--json']);
    expect((JSON.parse(listed.stdout) as EntryPage).items.map((e) => e.title)).toEqual(['from a process']);
    expect([unknown.code, unknown.stdout, unknown.stderr.split('\n')[0]]).toEqual([2, '', 'error: unknown command "frobnicate"']);
    expect(unknown.stderr).toContain('Commands:');
  }, 120_000);

  it('the built worker (out/cli/worker.js, plain node) works an embedded folder and stops on SIGTERM with exit 0', async () => {
    const dir = freshDataDir();
    const added = await inProcess(['--data-dir', dir, 'add', 'for the worker']);
    expect(added.code).toBe(0);
    const id = added.stdout.split(' ')[0] as string;
    const help = await runCli('worker', ['--help']);
    expect([help.code, help.stdout]).toEqual([0, expect.stringContaining('node out/cli/worker.js')]);

    const worker = spawnCli('worker', ['--data-dir', dir, '--workers', '1', '--stage-delay', '0']);
    await worker.waitForLine(new RegExp(`"entry":"${id}","status":"COMPLETED"`));
    worker.proc.kill('SIGTERM');
    expect(await worker.exited).toEqual({ code: 0, signal: null });
    expect(worker.lines.at(-1)).toMatch(/ INFO {2}stopped$/);
    expect(worker.stderr.join('')).toBe('');
    // It closed the folder (and its lock) on the way out: the CLI opens it and sees the work done.
    const detail = JSON.parse((await inProcess(['--data-dir', dir, 'get', id, '--json'])).stdout) as EntryDetail;
    expect(detail.events.map((e) => e.to)).toEqual(['CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED']);
  }, 120_000);
});

describeShared('cli.test.ts (server part)')('CLI on a shared server', () => {
  roundTrip('shared server', () => {
    const schema = freshSchema();
    const open = async (o: CoreOptions) => track(await openCore({ ...o, databaseUrl: DATABASE_URL, schema, stageDelayMs: 0 }));
    return { args: ['--database-url', DATABASE_URL ?? '', '--schema', schema], failOne: (title) => failedEntry(open, title) };
  });
});
