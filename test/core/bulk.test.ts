/**
 * entries:bulk (issue 11, item 2) on both drivers: retry, cancel and delete by ids and by the list's
 * filter, at a few thousand entries (several batches), with exact counts, the running stages of
 * cancelled entries aborted, and a fast-check property over random mixes of statuses and actions:
 * affected + skipped is what was named (or matched), affected is exactly the entries in a status the
 * action applies to, and the stored counts equal the table's.
 */
import fc from 'fast-check';
import { expect, it } from 'vitest';
import type { Stage } from '../../src/main/core/pipeline';
import { BULK_BATCH } from '../../src/main/core/store';
import { BULK_IDS_MAX, STATUSES, type BulkAction, type Entry, type Status } from '../../src/shared/contract';
import { allEntries, describeEachDriver, ok, openDriverCore, waitFor, type DriverCore } from '../support/core';
import { seedStatuses, storedCounts, tableCounts } from '../support/seed';

const APPLIES: Record<BulkAction, readonly Status[]> = {
  retry: ['FAILED', 'CANCELLED'],
  cancel: ['CREATED', 'STAGE_1', 'STAGE_2'],
  delete: ['COMPLETED', 'FAILED', 'CANCELLED'],
};

/** What the list shows for a filter: the entries "select all" covers. */
async function listed(core: DriverCore, filter: { status?: Status; search?: string }): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await ok(core.invoke('entries:list', { limit: 200, ...filter, ...(cursor ? { cursor } : {}) }));
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

const statusOf = async (core: DriverCore) => new Map((await allEntries(core)).map((e) => [e.id, e.status]));

/** A few thousand entries: more than two batches in each status group the actions touch. */
const MANY = 2 * BULK_BATCH + 500;
function mix(n: number): Status[] {
  return Array.from({ length: n }, (_, i) => STATUSES[i % STATUSES.length] as Status);
}

describeEachDriver('entries:bulk', (driver) => {
  it(`by ids, at ${MANY} entries: each action changes exactly the entries it applies to; the rest are skipped`, async () => {
    const core = await openDriverCore(driver);
    const ids = await seedStatuses(core, mix(MANY));
    const before = await statusOf(core);
    const expectCancel = ids.filter((id) => APPLIES.cancel.includes(before.get(id) as Status)).length;

    // Named: every entry, one of them twice, and two that do not exist.
    const named = [...ids, ids[0] as string, 'gone-1', 'gone-2'];
    const cancelled = await ok(core.invoke('entries:bulk', { action: 'cancel', ids: named }));
    expect(cancelled).toEqual({ affected: expectCancel, skipped: named.length - expectCancel });
    const after = await statusOf(core);
    for (const id of ids) {
      const was = before.get(id) as Status;
      expect(after.get(id)).toBe(APPLIES.cancel.includes(was) ? 'CANCELLED' : was);
    }
    expect(await storedCounts(core)).toEqual(await tableCounts(core));

    // Retry the FAILED and CANCELLED ones: each resumes in the status it left.
    const retried = await ok(core.invoke('entries:bulk', { action: 'retry', ids }));
    const retryable = ids.filter((id) => APPLIES.retry.includes(after.get(id) as Status));
    expect(retried).toEqual({ affected: retryable.length, skipped: ids.length - retryable.length });
    const resumed = await statusOf(core);
    for (const id of retryable) {
      const was = before.get(id) as Status;
      expect(resumed.get(id)).toBe(was === 'FAILED' || was === 'CANCELLED' ? (was === 'FAILED' ? 'CREATED' : 'STAGE_1') : was);
    }
    expect(await storedCounts(core)).toEqual(await tableCounts(core));

    // Delete what is finished (only the COMPLETED ones now).
    const completed = ids.filter((id) => resumed.get(id) === 'COMPLETED');
    expect(await ok(core.invoke('entries:bulk', { action: 'delete', ids }))).toEqual({ affected: completed.length, skipped: ids.length - completed.length });
    const left = await statusOf(core);
    expect(left.size).toBe(ids.length - completed.length);
    for (const id of completed) expect(left.has(id)).toBe(false);
    expect(await storedCounts(core)).toEqual(await tableCounts(core));
  }, 180_000);

  it(`by filter, at ${MANY} entries: exactly the list's filter (status and search over id, title, error, result)`, async () => {
    const core = await openDriverCore(driver);
    const statuses = mix(MANY);
    const ids = await seedStatuses(core, statuses, (i) => (i % 5 === 0 ? `Alpha ${i}` : `beta ${i}`));
    expect(ids).toHaveLength(MANY);

    // Search matches the title, case-insensitively, across pages and batches.
    const alphaCancelled = await listed(core, { search: 'alpha', status: 'CANCELLED' });
    expect(alphaCancelled.length).toBeGreaterThan(50);
    const r1 = await ok(core.invoke('entries:bulk', { action: 'retry', filter: { search: 'alpha', status: 'CANCELLED' } }));
    expect(r1).toEqual({ affected: alphaCancelled.length, skipped: 0 });
    expect(await listed(core, { search: 'alpha', status: 'CANCELLED' })).toEqual([]);
    expect((await listed(core, { search: 'beta', status: 'CANCELLED' })).length).toBeGreaterThan(200);

    // Search also covers the error ('seeded failure') and the result ('done') texts.
    const failing = await listed(core, { search: 'SEEDED FAIL' });
    expect(failing.every((e) => e.status === 'FAILED')).toBe(true);
    const r2 = await ok(core.invoke('entries:bulk', { action: 'delete', filter: { search: 'seeded fail' } }));
    expect(r2).toEqual({ affected: failing.length, skipped: 0 });

    // No filter: every entry; the action applies to some, the others are skipped.
    const everything = await listed(core, {});
    const active = everything.filter((e) => APPLIES.cancel.includes(e.status)).length;
    const r3 = await ok(core.invoke('entries:bulk', { action: 'cancel', filter: {} }));
    expect(r3).toEqual({ affected: active, skipped: everything.length - active });
    expect(await storedCounts(core)).toMatchObject({ CREATED: 0, STAGE_1: 0, STAGE_2: 0 });

    // A filter that matches nothing.
    expect(await ok(core.invoke('entries:bulk', { action: 'delete', filter: { search: 'no such text' } }))).toEqual({ affected: 0, skipped: 0 });
    const r4 = await ok(core.invoke('entries:bulk', { action: 'delete', filter: {} }));
    expect(r4).toEqual({ affected: everything.length, skipped: 0 });
    expect(await storedCounts(core)).toEqual(await tableCounts(core));
    expect(await tableCounts(core)).toEqual(Object.fromEntries(STATUSES.map((s) => [s, 0])));
  }, 180_000);

  it('a bulk cancel aborts the running stages of the entries it cancels, and leaves the others running', async () => {
    const watch = { started: new Set<string>(), aborted: new Map<string, string>() };
    const waits: Stage = {
      name: 'waits for its signal',
      run: ({ entry, signal }) => {
        watch.started.add(entry.id);
        return new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            watch.aborted.set(entry.id, signal.reason instanceof Error ? signal.reason.message : String(signal.reason));
            reject(new Error('aborted'));
          }),
        );
      },
    };
    const core = await openDriverCore(driver, { workers: 3, pipeline: [waits] });
    const a = await ok(core.invoke('entries:create', { title: 'cancel me' }));
    const b = await ok(core.invoke('entries:create', { title: 'cancel me too' }));
    const c = await ok(core.invoke('entries:create', { title: 'keep running' }));
    await waitFor(() => watch.started.size === 3 || undefined, 'three stages to start');
    const res = await ok(core.invoke('entries:bulk', { action: 'cancel', filter: { search: 'cancel me' } }));
    expect(res).toEqual({ affected: 2, skipped: 0 });
    await waitFor(() => watch.aborted.size === 2 || undefined, 'both stages to see the abort');
    expect([watch.aborted.get(a.id), watch.aborted.get(b.id)]).toEqual(['a person cancelled this entry', 'a person cancelled this entry']);
    expect(watch.aborted.has(c.id)).toBe(false);
    const still = await ok(core.invoke('entries:get', { id: c.id }));
    expect(still).toMatchObject({ status: 'CREATED', lockedBy: expect.any(String) as string });
    expect((await ok(core.invoke('entries:stats', {}))).lostLocks).toBe(0);
    await ok(core.invoke('entries:cancel', { id: c.id }));
    await waitFor(() => watch.aborted.size === 3 || undefined, 'the last stage to stop');
  });

  it('refuses malformed requests with INVALID_INPUT', async () => {
    const core = await openDriverCore(driver);
    const bad = async (payload: unknown, message: RegExp) => {
      const r = await core.invoke('entries:bulk', payload);
      expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      if (!r.ok) expect(r.error.message).toMatch(message);
    };
    await bad({ action: 'cancel' }, /pass ids or filter, exactly one of them/);
    await bad({ action: 'cancel', ids: ['a'], filter: {} }, /pass ids or filter, exactly one of them/);
    await bad({ action: 'archive', ids: ['a'] }, /action must be one of retry, cancel, delete/);
    await bad({ action: 'retry', ids: [] }, /at least one/);
    await bad({ action: 'retry', ids: Array.from({ length: BULK_IDS_MAX + 1 }, (_, i) => `id${i}`) }, /at most 10000/);
    await bad({ action: 'retry', filter: { status: 'DONE' } }, /status must be one of/);
  });

  it('property: for random mixes of statuses and random bulk actions, affected + skipped = named, and counts equal the table', async () => {
    const core = await openDriverCore(driver);
    let run = 0;
    const actionArb = fc.constantFrom<BulkAction>('retry', 'cancel', 'delete');
    const stepArb = fc.oneof(
      fc.record({
        action: actionArb,
        /** Which of the run's entries to name (by index), plus a few unknown ids. */
        pick: fc.array(fc.nat(), { maxLength: 30 }),
        unknown: fc.nat({ max: 3 }),
      }),
      fc.record({ action: actionArb, status: fc.option(fc.constantFrom(...STATUSES), { nil: undefined }), tag: fc.constantFrom('', ' red', ' blue') }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(...STATUSES), { minLength: 1, maxLength: 25 }), fc.array(stepArb, { minLength: 1, maxLength: 6 }), async (statuses, steps) => {
        // Each run's entries carry their own tag, so a filter never reaches an earlier run's.
        const tag = `run${++run}x`;
        const ids = await seedStatuses(core, statuses, (i) => `${tag}${i % 2 === 0 ? ' red' : ' blue'}`);
        for (const step of steps) {
          const now = await statusOf(core);
          if ('pick' in step) {
            const named = [...step.pick.map((k) => ids[k % ids.length] as string), ...Array.from({ length: step.unknown }, (_, i) => `${tag}-none-${i}`)];
            if (named.length === 0) continue;
            const applicable = new Set(named.filter((id) => APPLIES[step.action].includes(now.get(id) as Status)));
            const res = await ok(core.invoke('entries:bulk', { action: step.action, ids: named }));
            expect(res.affected + res.skipped).toBe(named.length);
            expect(res.affected).toBe(applicable.size);
          } else {
            const filter = { search: `${tag}${step.tag}`, ...(step.status ? { status: step.status } : {}) };
            const matched = await listed(core, filter);
            const res = await ok(core.invoke('entries:bulk', { action: step.action, filter }));
            expect(res.affected + res.skipped).toBe(matched.length);
            expect(res.affected).toBe(matched.filter((e) => APPLIES[step.action].includes(e.status)).length);
          }
          expect(await storedCounts(core)).toEqual(await tableCounts(core));
        }
      }),
      { numRuns: 15 },
    );
  }, 240_000);
});
