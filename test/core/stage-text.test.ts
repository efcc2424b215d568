/**
 * Issue 9, item 6: whatever a stage returns or throws is stored safely, the same on both drivers.
 *
 * The bug: a custom stage threw an error whose message held a NUL. PGlite silently dropped it; a
 * server refused the whole statement (22021), and the loop sent the same statement again forever
 * with its batch locked — after the lock timeout other loops reran those stages and wedged the same
 * way. Now: NUL and lone surrogates become U+FFFD, text is cut to ERROR_TEXT_MAX / RESULT_TEXT_MAX
 * (text.ts) at a code-point boundary, and a statement the server refuses for its content (class 22)
 * fails only the entry whose outcome it was, while the rest of the batch goes on.
 */
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { openCore, type Core, type CoreOptions, type Stage } from '../../src/main/core/index';
import { PGDATA_DIR, PGLITE_EXTENSIONS } from '../../src/main/core/drivers/embedded';
import { ERROR_TEXT_MAX, RESULT_TEXT_MAX, storableText } from '../../src/main/core/text';
import type { Entry, EntryDetail } from '../../src/shared/contract';
import { freshDataDir, ok, openTestCore, track, waitFor } from '../support/core';
import { DATABASE_URL, adminClient, freshSchema } from '../support/shared-pg';

const MB5 = 5 * 1024 * 1024;
const EMOJI = '\u{1F600}'; // two UTF-16 units: a surrogate pair

/** A code unit that is a surrogate with no partner next to it, at i. */
function loneSurrogateAt(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const n = s.charCodeAt(i + 1);
    return !(n >= 0xdc00 && n <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const p = s.charCodeAt(i - 1);
    return !(p >= 0xd800 && p <= 0xdbff);
  }
  return false;
}

describe('storableText', () => {
  // Units that stress it: any code point, NUL, both halves of a pair alone, a whole pair, and any
  // single UTF-16 unit (which is how lone surrogates arrive from JavaScript).
  const unit = fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom('\u0000', '\uD800', '\uDBFF', '\uDC00', '\uDFFF', EMOJI, '…'),
    fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  );
  const text = fc.string({ unit, maxLength: 120 });
  const max = fc.integer({ min: 1, max: 100 });

  it('never holds a NUL or a lone surrogate, and never exceeds max', () => {
    fc.assert(
      fc.property(text, max, (s, m) => {
        const out = storableText(s, m);
        expect(out.includes('\u0000')).toBe(false);
        expect(out.isWellFormed()).toBe(true);
        expect(out.length).toBeLessThanOrEqual(m);
      }),
      { numRuns: 2000 },
    );
  });

  it('within max: the same text, unit for unit, with only NUL and lone surrogates replaced by U+FFFD', () => {
    fc.assert(
      fc.property(text, (s) => {
        const out = storableText(s, s.length);
        expect(out.length).toBe(s.length);
        for (let i = 0; i < s.length; i++) {
          const bad = s[i] === '\u0000' || loneSurrogateAt(s, i);
          expect(out[i]).toBe(bad ? '\uFFFD' : s[i]);
        }
        // Text with nothing to replace comes back as it was.
        if (!s.includes('\u0000') && s.isWellFormed()) expect(out).toBe(s);
      }),
      { numRuns: 2000 },
    );
  });

  it('past max: a prefix of the cleaned text and an ellipsis, never splitting a pair, never shorter than needed', () => {
    fc.assert(
      fc.property(text, max, (s, m) => {
        fc.pre(s.length > m);
        const out = storableText(s, m);
        const clean = storableText(s, s.length);
        expect(out.endsWith('…')).toBe(true);
        const kept = out.slice(0, -1);
        expect(clean.startsWith(kept)).toBe(true);
        // One unit for the ellipsis, and one more only where the cut would split a pair.
        expect(kept.length).toBeGreaterThanOrEqual(m - 2);
        if (kept.length === m - 2) expect(clean.codePointAt(m - 2)).toBeGreaterThan(0xffff);
        // Cutting again changes nothing.
        expect(storableText(out, m)).toBe(out);
      }),
      { numRuns: 2000 },
    );
  });

  it('the documented sizes, on megabytes', () => {
    expect(storableText('x'.repeat(MB5), ERROR_TEXT_MAX)).toBe(`${'x'.repeat(ERROR_TEXT_MAX - 1)}…`);
    expect(storableText('x'.repeat(MB5), RESULT_TEXT_MAX)).toHaveLength(RESULT_TEXT_MAX);
  });
});

/** What each entry's stage does, by its title, and what must be stored for it. */
interface Case {
  stage: () => string;
  status: 'COMPLETED' | 'FAILED';
  stored: string;
}

function thrower(value: unknown): () => string {
  return () => {
    throw value;
  };
}

const CASES: Record<string, Case> = {
  plain: { stage: () => 'fine', status: 'COMPLETED', stored: 'fine' },
  'result NUL': { stage: () => 'before\u0000after', status: 'COMPLETED', stored: 'before\uFFFDafter' },
  'result lone high surrogate': { stage: () => 'x\uD800y', status: 'COMPLETED', stored: 'x\uFFFDy' },
  'result lone low surrogate at the end': { stage: () => 'x\uDC00', status: 'COMPLETED', stored: 'x\uFFFD' },
  'result 5 MB': { stage: () => 'r'.repeat(MB5), status: 'COMPLETED', stored: `${'r'.repeat(RESULT_TEXT_MAX - 1)}…` },
  'result exactly the limit': { stage: () => 'b'.repeat(RESULT_TEXT_MAX), status: 'COMPLETED', stored: 'b'.repeat(RESULT_TEXT_MAX) },
  // The pair sits across the cut: it goes whole, not half.
  'result emoji at the cut': {
    stage: () => `${'a'.repeat(RESULT_TEXT_MAX - 2)}${EMOJI}tail`,
    status: 'COMPLETED',
    stored: `${'a'.repeat(RESULT_TEXT_MAX - 2)}…`,
  },
  'result emoji before the cut': {
    stage: () => `${'a'.repeat(RESULT_TEXT_MAX - 3)}${EMOJI}tail`,
    status: 'COMPLETED',
    stored: `${'a'.repeat(RESULT_TEXT_MAX - 3)}${EMOJI}…`,
  },
  'error NUL': { stage: thrower(new Error('bad\u0000byte')), status: 'FAILED', stored: 'bad\uFFFDbyte' },
  'error lone surrogate': { stage: thrower(new Error('e\uDBFF')), status: 'FAILED', stored: 'e\uFFFD' },
  'error 5 MB with a NUL': {
    stage: thrower(new Error(`E\u0000${'e'.repeat(MB5)}`)),
    status: 'FAILED',
    stored: `E\uFFFD${'e'.repeat(ERROR_TEXT_MAX - 3)}…`,
  },
  'error emoji at the cut': {
    stage: thrower(new Error(`${'a'.repeat(ERROR_TEXT_MAX - 2)}${EMOJI}x`)),
    status: 'FAILED',
    stored: `${'a'.repeat(ERROR_TEXT_MAX - 2)}…`,
  },
  'thrown string with a NUL': { stage: thrower('str\u0000ing'), status: 'FAILED', stored: 'str\uFFFDing' },
};
const TITLES = Object.keys(CASES);

/** One of the two drivers, opened on fresh data; `exec` runs setup SQL while no core is open. */
interface Target {
  open(options: CoreOptions): Promise<Core>;
  exec(sql: string): Promise<void>;
}

function embedded(): Target {
  const dataDir = freshDataDir();
  return {
    open: (options) => openTestCore({ ...options, dataDir }),
    async exec(sql) {
      const pg = await PGlite.create({ dataDir: join(dataDir, PGDATA_DIR), extensions: PGLITE_EXTENSIONS });
      try {
        await pg.exec(sql);
      } finally {
        await pg.close();
      }
    },
  };
}

function server(): Target {
  const schema = freshSchema();
  return {
    open: async (options) => track(await openCore({ workers: 0, idlePollMs: 50, backoffBaseMs: 10, ...options, databaseUrl: DATABASE_URL, schema })),
    async exec(sql) {
      const admin = await adminClient();
      await admin.query(`BEGIN; SET LOCAL search_path TO "${schema}"; ${sql}; COMMIT;`);
    },
  };
}

const TARGETS: [string, () => Target][] = [['embedded', embedded]];
if (DATABASE_URL) TARGETS.push(['server', server]);
else console.warn('\n[entryflow] stage-text.test.ts: server cases SKIPPED — TEST_DATABASE_URL is not set.\n');

/**
 * Creates entries with an API-only core, then opens one worker loop on them with every setting in
 * `options`: its first claim takes all of them as one batch.
 */
async function batchOf(target: Target, titles: readonly string[], options: CoreOptions): Promise<{ core: Core; ids: string[] }> {
  const api = await target.open({ workers: 0 });
  const ids: string[] = [];
  for (const title of titles) ids.push((await ok(api.invoke('entries:create', { title }))).id);
  await api.close();
  return { core: await target.open({ workers: 1, batchSize: titles.length, ...options }), ids };
}

async function settled(core: Core, ids: readonly string[], what: string, timeoutMs = 30_000): Promise<EntryDetail[]> {
  return waitFor(
    async () => {
      const all = await Promise.all(ids.map(async (id) => ok(core.invoke('entries:get', { id }))));
      return all.every((e) => e.status === 'COMPLETED' || e.status === 'FAILED') ? all : undefined;
    },
    what,
    timeoutMs,
  );
}

describe.each(TARGETS)('stage text on the %s driver', (_name, makeTarget) => {
  it('results and errors holding NUL, lone surrogates, megabytes and split pairs are stored as documented, the whole batch progressing', async () => {
    const runs = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const stage: Stage = {
      name: 'hostile text',
      run: async ({ entry }) => {
        runs.set(entry.title, (runs.get(entry.title) ?? 0) + 1);
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        try {
          await new Promise((r) => setImmediate(r));
          return (CASES[entry.title] as Case).stage();
        } finally {
          inFlight--;
        }
      },
    };
    const { core, ids } = await batchOf(makeTarget(), TITLES, { pipeline: [stage], maxAttempts: 1 });
    const storeErrors: string[] = [];
    core.events.on('storeError', ({ error }) => storeErrors.push(error));
    // A spy on the real store (the loop calls it through this object): how many outcomes per write.
    const writes: number[] = [];
    const finishAndClaim = core.store.finishAndClaim.bind(core.store);
    core.store.finishAndClaim = (...args: Parameters<typeof finishAndClaim>) => {
      writes.push(args[1].length);
      return finishAndClaim(...args);
    };

    const done = await settled(core, ids, 'every entry of the batch to finish');
    // One batch, each stage run exactly once: nothing was retried or rerun. Stages that ended
    // together were written together: one statement for the batch, not one per entry.
    expect(maxInFlight).toBe(TITLES.length);
    expect(writes).toEqual([TITLES.length]);
    expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(TITLES.map((t) => [t, 1])));
    expect(storeErrors).toEqual([]);

    // The same table for both drivers: what one stores, the other stores too.
    const stored = Object.fromEntries(done.map((e) => [e.title, { status: e.status, text: e.status === 'COMPLETED' ? e.result : e.error }]));
    const expected = Object.fromEntries(TITLES.map((t) => [t, { status: (CASES[t] as Case).status, text: (CASES[t] as Case).stored }]));
    for (const t of TITLES) expect(stored[t], t).toEqual(expected[t]);

    for (const e of done) {
      expect(e.lockedBy).toBeNull();
      if (e.result !== null) expect(e.result.length).toBeLessThanOrEqual(RESULT_TEXT_MAX);
      if (e.error !== null) expect(e.error.length).toBeLessThanOrEqual(ERROR_TEXT_MAX);
      // The FAILED event carries the same stored error.
      if (e.status === 'FAILED') expect(e.events.at(-1)).toMatchObject({ from: 'CREATED', to: 'FAILED', message: e.error });
    }
    // Readable through the list as well, with the same text.
    const listed = new Map((await ok(core.invoke('entries:list', { limit: 100 }))).items.map((e: Entry) => [e.id, e]));
    for (const e of done) expect([listed.get(e.id)?.result, listed.get(e.id)?.error]).toEqual([e.result, e.error]);
  });

  it('an outcome the database refuses for its content fails that entry alone; the batch and the loop go on', async () => {
    const target = makeTarget();
    const runs = new Map<string, number>();
    let inFlight = 0;
    let maxInFlight = 0;
    const stage: Stage = {
      name: 'poisonous',
      run: async ({ entry }) => {
        runs.set(entry.title, (runs.get(entry.title) ?? 0) + 1);
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setImmediate(r));
        inFlight--;
        return entry.title === 'poisoned' ? 'a poison result' : `ok ${entry.title}`;
      },
    };
    const titles = ['fine 1', 'poisoned', 'fine 2', 'fine 3'];
    const api = await target.open({ workers: 0 });
    const ids: string[] = [];
    for (const title of titles) ids.push((await ok(api.invoke('entries:create', { title }))).id);
    await api.close();
    // A refusal no cleaning can prevent: the database raises class 22 (data exception) for this
    // text. (A CHECK constraint would raise 23514, class 23, which is not a content refusal.)
    await target.exec(`
      CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.result LIKE '%poison%' THEN
          RAISE EXCEPTION 'result refused by the test: %', NEW.result USING ERRCODE = '22023';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER refuse_poison BEFORE UPDATE ON entries FOR EACH ROW EXECUTE FUNCTION refuse_poison()`);
    const core = await target.open({ workers: 1, batchSize: titles.length, maxAttempts: 3, pipeline: [stage] });
    const storeErrors: string[] = [];
    core.events.on('storeError', ({ error }) => storeErrors.push(error));

    const done = await settled(core, ids, 'the poisoned batch to settle');
    const byTitle = new Map(done.map((e) => [e.title, e]));
    for (const t of ['fine 1', 'fine 2', 'fine 3']) expect(byTitle.get(t)).toMatchObject({ status: 'COMPLETED', result: `ok ${t}`, lockedBy: null });
    const poisoned = byTitle.get('poisoned');
    expect(poisoned).toMatchObject({ status: 'FAILED', result: null, lockedBy: null });
    expect(poisoned?.error).toMatch(/could not store this stage's outcome/);
    expect(poisoned?.error).toContain('result refused by the test');
    // All four were one batch, and refused is final: neither the statement nor the stage went round again.
    expect(maxInFlight).toBe(titles.length);
    expect(Object.fromEntries(runs)).toEqual(Object.fromEntries(titles.map((t) => [t, 1])));
    expect(storeErrors).toEqual([]);

    // The loop still works.
    const after = await ok(core.invoke('entries:create', { title: 'made after the refusal' }));
    const [later] = await settled(core, [after.id], 'an entry created after the refusal to complete');
    expect(later).toMatchObject({ status: 'COMPLETED', result: 'ok made after the refusal' });
  });
});
