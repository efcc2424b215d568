/**
 * Entries in chosen statuses, made fast and for real: created through the API, then moved by the
 * store's own claim and fenced finish (a stage's outcome may name any status), cancelled through
 * the API. No SQL of its own.
 */
import type { Core } from '../../src/main/core/index';
import type { Outcome } from '../../src/main/core/store';
import { STATUSES, type Status, type StatusCounts } from '../../src/shared/contract';
import { allEntries, ok } from './core';

const PROGRESS: Record<Status, number> = { CREATED: 0, STAGE_1: 33, STAGE_2: 66, COMPLETED: 100, FAILED: 0, CANCELLED: 0 };

/** Creates `statuses.length` entries, the i-th ending in statuses[i]; returns their ids in that order. */
export async function seedStatuses(core: Core, statuses: readonly Status[], title = (i: number) => `seeded ${i}`): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < statuses.length; i += 50) {
    const made = await Promise.all(statuses.slice(i, i + 50).map((_, j) => ok(core.invoke('entries:create', { title: title(i + j) }))));
    ids.push(...made.map((e) => e.id));
  }
  const token = 'seed';
  const byId = new Map(ids.map((id, i) => [id, statuses[i] as Status]));
  const held = [];
  for (let got = await core.store.claim(token, 1000); got.length > 0; got = await core.store.claim(token, 1000)) held.push(...got);
  const outcomes: Outcome[] = [];
  const toCancel: string[] = [];
  const keep: string[] = [];
  for (const e of held) {
    const want = byId.get(e.id) ?? 'CREATED';
    if (want === 'CREATED') {
      keep.push(e.id);
      continue;
    }
    // CANCELLED comes from a real cancel, of an entry one stage on; the rest from a finish out of CREATED.
    const to: Status = want === 'CANCELLED' ? 'STAGE_1' : want;
    outcomes.push({ id: e.id, from: 'CREATED', to, progress: PROGRESS[to], result: to === 'COMPLETED' ? 'done' : null, error: to === 'FAILED' ? 'seeded failure' : null, delayMs: 0 });
    if (want === 'CANCELLED') toCancel.push(e.id);
  }
  for (let i = 0; i < outcomes.length; i += 1000) await core.store.finishAndClaim(token, outcomes.slice(i, i + 1000), 0);
  await core.store.release(token, keep);
  for (let i = 0; i < toCancel.length; i += 1000) await ok(core.invoke('entries:bulk', { action: 'cancel', ids: toCancel.slice(i, i + 1000) }));
  return ids;
}

/** The statuses the table really holds, counted row by row through the list (not entry_counts). */
export async function tableCounts(core: Core): Promise<StatusCounts> {
  const counts = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const e of await allEntries(core)) counts[e.status]++;
  return counts;
}

export async function storedCounts(core: Core): Promise<StatusCounts> {
  return (await ok(core.invoke('entries:stats', {}))).counts;
}
