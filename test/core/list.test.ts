/**
 * entries:list — keyset pagination newest first, whole-table counts, status filter, literal search,
 * limits, and plain-JSON DTOs (ISO-8601 strings, not Dates).
 */
import pg from 'pg';
import { expect, it } from 'vitest';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, STATUSES, type Entry, type EntryPage, type Status, type StatusCounts } from '../../src/shared/contract';
import type { Core } from '../../src/main/core/index';
import type { Outcome } from '../../src/main/core/store';
import { allEntries, describeEachDriver, ok, openDriverCore } from '../support/core';
import { DATABASE_URL, describeShared, freshSchema } from '../support/shared-pg';

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

async function createMany(core: Core, n: number, title = (i: number) => `entry ${i}`): Promise<Entry[]> {
  const out: Entry[] = [];
  for (let i = 0; i < n; i++) out.push(await ok(core.invoke('entries:create', { title: title(i) })));
  return out;
}

/** Moves the given CREATED entries one or more stages through the store, as a worker would. */
async function advance(core: Core, ids: readonly string[], to: Status): Promise<void> {
  const path: Status[] = ['CREATED', 'STAGE_1', 'STAGE_2', 'COMPLETED'];
  const progress: Partial<Record<Status, number>> = { STAGE_1: 33, STAGE_2: 66, COMPLETED: 100 };
  const want = new Set(ids);
  let from: Status = 'CREATED';
  const steps = to === 'FAILED' ? ['FAILED' as const] : path.slice(1, path.indexOf(to) + 1);
  for (const next of steps) {
    // Claim everything claimable, finish only ours, release the rest.
    const claimed = await core.store.claim('list-test', 10_000);
    const mine = claimed.filter((e) => want.has(e.id));
    expect(mine.map((e) => e.id).sort()).toEqual([...ids].sort());
    const outcomes: Outcome[] = mine.map((e) => ({
      id: e.id,
      from,
      to: next,
      progress: next === 'FAILED' ? e.progress : (progress[next] ?? 0),
      result: next === 'COMPLETED' ? 'done' : null,
      error: next === 'FAILED' ? 'gave up' : null,
      delayMs: 0,
    }));
    const res = await core.store.finishAndClaim('list-test', outcomes, 0);
    expect(res.lost).toEqual([]);
    await core.store.release(
      'list-test',
      claimed.filter((e) => !want.has(e.id)).map((e) => e.id),
    );
    from = next;
  }
}

/** Creates titles full of LIKE's special characters and checks that searches match them literally. */
async function checkLiteralSearch(core: Core): Promise<void> {
  // No title searched for here is hex (ids are, and a search matches ids too): 'pqr', not 'abc'.
  const titles = ['100%', '1000', 'a_b', 'axb', 'back\\slash', 'backslash', 'pqr', 'PQR def', 'Café crème', 'x%y_z\\w', 'wow!', "it's", 'e!_x'];
  await createMany(core, titles.length, (i) => titles[i] as string);
  const search = async (s: string) => (await ok(core.invoke('entries:list', { search: s, limit: 200 }))).items.map((e) => e.title).sort();

  expect(await search('%')).toEqual(['100%', 'x%y_z\\w']);
  expect(await search('0%')).toEqual(['100%']);
  expect(await search('100%')).toEqual(['100%']);
  expect(await search('_')).toEqual(['a_b', 'e!_x', 'x%y_z\\w'].sort());
  expect(await search('a_b')).toEqual(['a_b']);
  expect(await search('\\')).toEqual(['back\\slash', 'x%y_z\\w']);
  expect(await search('k\\s')).toEqual(['back\\slash']);
  expect(await search('%y_z\\')).toEqual(['x%y_z\\w']);
  // Whatever the escape character is, it is only text too.
  expect(await search('!')).toEqual(['e!_x', 'wow!']);
  expect(await search('!_')).toEqual(['e!_x']);
  expect(await search('pqr')).toEqual(['PQR def', 'pqr'].sort());
  expect(await search('PQR')).toEqual(['PQR def', 'pqr'].sort());
  expect(await search('pQr D')).toEqual(['PQR def']);
  expect(await search('CAFÉ CRÈME')).toEqual(['Café crème']);
  expect(await search("'")).toEqual(["it's"]);
  expect(await search("t's")).toEqual(["it's"]);
  // An empty search is no filter.
  expect(await search('')).toHaveLength(titles.length);
}

function countOf(entries: readonly Entry[]): StatusCounts {
  const c = Object.fromEntries(STATUSES.map((s) => [s, 0])) as StatusCounts;
  for (const e of entries) c[e.status]++;
  return c;
}

describeEachDriver('entries:list', (driver) => {
  it('walks ~250 entries newest first in pages of 50 with no duplicates or gaps', async () => {
    const core = await openDriverCore(driver);
    const created = await createMany(core, 253);
    const newestFirst = created.map((e) => e.id).reverse();
    // UUIDv7 ids sort by creation time: the newest-first order is the id order, descending.
    expect([...newestFirst].sort().reverse()).toEqual(newestFirst);

    const seen: string[] = [];
    const pages: EntryPage[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await ok(core.invoke('entries:list', { limit: 50, ...(cursor === undefined ? {} : { cursor }) }));
      pages.push(page);
      seen.push(...page.items.map((e) => e.id));
      if (page.nextCursor === null) break;
      expect(page.items).toHaveLength(50);
      expect(page.nextCursor).toMatch(/^[A-Za-z0-9_-]+$/);
      cursor = page.nextCursor;
      expect(pages.length).toBeLessThan(10);
    }
    expect(pages.map((p) => p.items.length)).toEqual([50, 50, 50, 50, 50, 3]);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(newestFirst);
    for (let i = 1; i < seen.length; i++) expect((seen[i - 1] as string) > (seen[i] as string)).toBe(true);
    // Every page reports the whole table's counts.
    for (const p of pages) expect(p.counts).toEqual({ CREATED: 253, STAGE_1: 0, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 });
  });

  it('ends with nextCursor null exactly when the last item is reached, also on an exact multiple', async () => {
    const core = await openDriverCore(driver);
    await createMany(core, 100);
    const first = await ok(core.invoke('entries:list', { limit: 50 }));
    expect(first.nextCursor).not.toBeNull();
    const second = await ok(core.invoke('entries:list', { limit: 50, cursor: first.nextCursor ?? '' }));
    expect(second.items).toHaveLength(50);
    // 100 = 2 × 50: the second page is the last one and says so, rather than pointing at an empty page.
    expect(second.nextCursor).toBeNull();
    const empty = await openDriverCore(driver);
    expect(await ok(empty.invoke('entries:list', {}))).toEqual({
      items: [],
      nextCursor: null,
      counts: { CREATED: 0, STAGE_1: 0, STAGE_2: 0, COMPLETED: 0, FAILED: 0, CANCELLED: 0 },
      matched: null,
    });
  });

  it('keeps paging stable while new entries arrive: the cursor is a key, not an offset', async () => {
    const core = await openDriverCore(driver);
    const created = await createMany(core, 30);
    const first = await ok(core.invoke('entries:list', { limit: 10 }));
    await createMany(core, 5, (i) => `late ${i}`);
    const second = await ok(core.invoke('entries:list', { limit: 10, cursor: first.nextCursor ?? '' }));
    const expected = created.map((e) => e.id).reverse();
    expect(first.items.map((e) => e.id)).toEqual(expected.slice(0, 10));
    expect(second.items.map((e) => e.id)).toEqual(expected.slice(10, 20));
    expect(second.counts.CREATED).toBe(35);
  });

  it('filters by status; counts cover the whole table regardless of filter, search and page', async () => {
    const core = await openDriverCore(driver);
    const created = await createMany(core, 20);
    const ids = created.map((e) => e.id);
    await advance(core, ids.slice(0, 3), 'STAGE_1');
    await advance(core, ids.slice(3, 7), 'STAGE_2');
    await advance(core, ids.slice(7, 12), 'COMPLETED');
    await advance(core, ids.slice(12, 14), 'FAILED');
    const expected: StatusCounts = { CREATED: 6, STAGE_1: 3, STAGE_2: 4, COMPLETED: 5, FAILED: 2, CANCELLED: 0 };

    const everything = await allEntries(core);
    expect(countOf(everything)).toEqual(expected);

    for (const status of STATUSES) {
      const page = await ok(core.invoke('entries:list', { status, limit: 2 }));
      const all = await allEntries(core, status);
      expect(all).toHaveLength(expected[status]);
      expect(all.every((e) => e.status === status)).toBe(true);
      expect(all.map((e) => e.id)).toEqual(everything.filter((e) => e.status === status).map((e) => e.id));
      expect(page.items.length).toBe(Math.min(2, expected[status]));
      expect(page.nextCursor === null).toBe(expected[status] <= 2);
      expect(page.counts).toEqual(expected);
    }
    const searched = await ok(core.invoke('entries:list', { search: 'entry 1', status: 'COMPLETED' }));
    // entry 7..11 are COMPLETED; of those only 'entry 10' and 'entry 11' contain 'entry 1'.
    expect(searched.items.map((e) => e.title)).toEqual(['entry 11', 'entry 10']);
    expect(searched.counts).toEqual(expected);
    const nothing = await ok(core.invoke('entries:list', { search: 'no such title' }));
    expect(nothing.items).toEqual([]);
    expect(nothing.counts).toEqual(expected);
    // The list's counts agree with stats.
    expect((await ok(core.invoke('entries:stats', {}))).counts).toEqual(expected);
  });

  // A filter on an active status walks the claimable index from whichever end passes fewer rows,
  // stopping at the count entry_counts gives (store.ts, entriesOf). Each layout below puts the
  // filtered status where one walk or the other is taken; every one must list exactly the entries in
  // that status, newest first, page by page, and count a search within it exactly.
  it.each([
    ['the oldest entries in STAGE_1 under many waiting (walked oldest first)', (i: number) => (i < 4 ? 'STAGE_1' : 'CREATED')],
    ['STAGE_1 between many older in STAGE_2 and a few newer waiting (walked newest first)', (i: number) => (i < 18 ? 'STAGE_2' : i < 22 ? 'STAGE_1' : 'CREATED')],
    ['every status interleaved, finished ones too', (i: number) => (['STAGE_1', 'CREATED', 'STAGE_2', 'COMPLETED', 'CREATED', 'FAILED', 'STAGE_1'] as const)[i % 7] as Status],
  ] as const)('lists an active status whole, page by page, wherever its entries sit: %s', async (_, statusOf) => {
    const core = await openDriverCore(driver);
    const made = await createMany(core, 28);
    // Later stages first: advance() moves every claimable entry, so each group goes through alone.
    for (const to of ['COMPLETED', 'FAILED', 'STAGE_2', 'STAGE_1'] as const) {
      const ids = made.filter((_e, i) => statusOf(i) === to).map((e) => e.id);
      if (ids.length > 0) await advance(core, ids, to);
    }
    const everything = await allEntries(core);
    expect(everything.map((e) => e.status)).toEqual(made.map((_e, i) => statusOf(i)).reverse());
    for (const status of ['CREATED', 'STAGE_1', 'STAGE_2'] as const) {
      const want = everything.filter((e) => e.status === status).map((e) => e.id);
      const got: string[] = [];
      let cursor: string | null = null;
      do {
        const page: EntryPage = await ok(core.invoke('entries:list', { status, limit: 3, ...(cursor ? { cursor } : {}) }));
        got.push(...page.items.map((e) => e.id));
        cursor = page.nextCursor;
      } while (cursor !== null);
      expect(got, status).toEqual(want);
      // 'entry 1' matches entry 1 and entry 10…19.
      const titled = everything.filter((e) => e.status === status && e.title.includes('entry 1'));
      const searched = await ok(core.invoke('entries:list', { status, search: 'entry 1', limit: 200 }));
      expect(searched.items.map((e) => e.id), `${status} + search`).toEqual(titled.map((e) => e.id));
      expect(searched.matched).toEqual({ count: titled.length, capped: false });
    }
  });

  it('from re-reads a window: newest first from that entry, inclusive, with the filter applied', async () => {
    const core = await openDriverCore(driver);
    const made = await createMany(core, 10);
    const newestFirst = made.map((e) => e.id).reverse();
    const window = await ok(core.invoke('entries:list', { from: newestFirst[3], limit: 4 }));
    expect(window.items.map((e) => e.id)).toEqual(newestFirst.slice(3, 7));
    expect(window.nextCursor).not.toBeNull();
    const tail = await ok(core.invoke('entries:list', { from: newestFirst[7], limit: 4 }));
    expect(tail.items.map((e) => e.id)).toEqual(newestFirst.slice(7));
    expect(tail.nextCursor).toBeNull();
    const searched = await ok(core.invoke('entries:list', { from: newestFirst[0], search: 'entry 1', limit: 50 }));
    expect(searched.items.map((e) => e.title)).toEqual(['entry 1']);
  });

  it('searches case-insensitively and matches %, _ and \\ literally', async () => {
    await checkLiteralSearch(await openDriverCore(driver));
  });

  it('defaults to 50 items, allows up to 200, refuses 201', async () => {
    const core = await openDriverCore(driver);
    await createMany(core, 230);
    const def = await ok(core.invoke('entries:list', {}));
    expect(LIST_LIMIT_DEFAULT).toBe(50);
    expect(def.items).toHaveLength(50);
    expect(def.nextCursor).not.toBeNull();
    const max = await ok(core.invoke('entries:list', { limit: LIST_LIMIT_MAX }));
    expect(max.items).toHaveLength(200);
    const rest = await ok(core.invoke('entries:list', { limit: 200, cursor: max.nextCursor ?? '' }));
    expect(rest.items).toHaveLength(30);
    expect(rest.nextCursor).toBeNull();
    const over = await core.invoke('entries:list', { limit: 201 });
    expect(over.ok).toBe(false);
    if (!over.ok) expect(over.error.code).toBe('INVALID_INPUT');
  });

  it('returns plain JSON: ISO-8601 timestamp strings, identical after a JSON round trip', async () => {
    const core = await openDriverCore(driver);
    const created = await createMany(core, 3);
    await advance(core, [created[0]?.id ?? ''], 'STAGE_1');
    const claimed = await core.store.claim('holder', 1); // one entry with lockedAt set
    expect(claimed).toHaveLength(1);

    const page = await ok(core.invoke('entries:list', {}));
    const detail = await ok(core.invoke('entries:get', { id: created[0]?.id ?? '' }));
    const stats = await ok(core.invoke('entries:stats', {}));
    for (const value of [page, detail, stats, created]) expect(JSON.parse(JSON.stringify(value))).toEqual(value);

    const checkEntry = (e: Entry) => {
      for (const k of ['createdAt', 'updatedAt'] as const) {
        expect(typeof e[k], k).toBe('string');
        expect(e[k], k).toMatch(ISO);
        expect(new Date(e[k]).toISOString()).toBe(e[k]);
      }
      // null: claimable at once; a date only after a failed attempt's backoff.
      if (e.runAfter !== null) expect(new Date(e.runAfter).toISOString()).toBe(e.runAfter);
      if (e.lockedAt !== null) {
        expect(typeof e.lockedAt).toBe('string');
        expect(e.lockedAt).toMatch(ISO);
      }
      // Nothing in a DTO is a class instance.
      for (const [k, v] of Object.entries(e)) if (k !== 'events') expect(v === null || ['string', 'number'].includes(typeof v), k).toBe(true);
    };
    page.items.forEach(checkEntry);
    created.forEach(checkEntry);
    checkEntry(detail);
    expect(page.items.filter((e) => e.lockedAt !== null)).toHaveLength(1);
    expect(detail.events.length).toBeGreaterThanOrEqual(2);
    for (const ev of detail.events) {
      expect(typeof ev.at).toBe('string');
      expect(ev.at).toMatch(ISO);
      expect(typeof ev.id).toBe('string');
    }
    // Newest first is also newest createdAt first.
    const times = page.items.map((e) => Date.parse(e.createdAt));
    expect([...times].sort((a, b) => b - a)).toEqual(times);
  });
});

// Server only: it is a setting of the server's sessions. The embedded engine's own connection always
// runs with the default (on), and the embedded driver refuses to open otherwise.
describeShared('list.test.ts')('entries:list on a server with standard_conforming_strings = off', () => {
  it('still searches %, _, \\, ! and quotes literally', async () => {
    const schema = freshSchema();
    // Off for this test's connections only: the setting rides on the URL (with the schema's search
    // path, so the URL's options and the schema option agree), not on the database or a role.
    const url = new URL(DATABASE_URL ?? '');
    url.searchParams.set('options', `-c search_path=${schema} -c standard_conforming_strings=off`);
    // The precondition, so this test cannot pass for want of the setting: a connection from this URL
    // really runs with it off (in which '\\' starts an escape inside a plain '…' literal).
    const probe = new pg.Client({ connectionString: url.toString() });
    await probe.connect();
    try {
      const { rows } = await probe.query<{ standard_conforming_strings: string }>('SHOW standard_conforming_strings');
      expect(rows[0]?.standard_conforming_strings).toBe('off');
    } finally {
      await probe.end();
    }
    await checkLiteralSearch(await openDriverCore('server', { databaseUrl: url.toString(), schema }));
  });
});
