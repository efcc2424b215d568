/**
 * Issue 11, item 6: export. The filtered entries as CSV or JSON, streamed in keyset batches, on both
 * drivers. CSV is read back with a real parser (csv-parse), so quoting is checked by something that
 * did not write it. Filters are compared with the list's own answer, page by page.
 */
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { main } from '../../src/cli/cli';
import type { Stage } from '../../src/main/core/index';
import { CSV_COLUMNS, EXPORT_BATCH, csvText, exportToFile, writeEntries } from '../../src/main/core/export';
import type { Entry, EntryFilter, EntryPage, ExportResult } from '../../src/shared/contract';
import { describeEachDriver, ok, openDriverCore, waitFor, type DriverCore, type DriverName } from '../support/core';
import { DATABASE_URL } from '../support/shared-pg';

/** What a stage does per title: return this result, or throw this error (maxAttempts 1: FAILED at once). */
const SPECS = new Map<string, { result?: string; error?: string }>([
  ['plain, with a comma', { result: 'line one\nline two\r\nline "three"' }],
  ['He said "hi"', { result: 'a\u0000b' }],
  ['مرحبا بالعالم، تقرير', { result: 'نتيجة' }],
  ['=HYPERLINK("http://evil.example","x")', { result: '+SUM(A1:A2)' }],
  ['-2+3', { error: '@cmd|calc' }],
  ['@SUM(1)', { error: '\tleading tab' }],
  ['+1 555 0100', { result: '-negative' }],
  ['quarterly report', { error: 'disk on fire,\nreally' }],
]);

const specStage: Stage = {
  name: 'spec',
  run: ({ entry }) => {
    const spec = SPECS.get(entry.title);
    if (spec?.error !== undefined) return Promise.reject(new Error(spec.error));
    return Promise.resolve(spec?.result);
  },
};

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'entryflow-export-'));
}

/** The list's answer for a filter, every page. */
async function listed(core: DriverCore, filter: EntryFilter): Promise<Entry[]> {
  const out: Entry[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page: EntryPage = await ok(core.invoke('entries:list', { ...filter, limit: 200, ...(cursor ? { cursor } : {}) }));
    out.push(...page.items);
    if (!page.nextCursor) return out;
    cursor = page.nextCursor;
  }
}

/** A core whose export goes to `file` (a chooser that answers at once, as the CLI's --out does). */
async function coreExportingTo(driver: DriverName, file: string | null, options: Parameters<typeof openDriverCore>[1] = {}): Promise<DriverCore> {
  return openDriverCore(driver, { ...options, chooseExportPath: () => Promise.resolve(file) });
}

/** The spec entries, run through the one-stage pipeline until every one is finished. */
async function seedSpecs(core: DriverCore): Promise<void> {
  for (const title of SPECS.keys()) await ok(core.invoke('entries:create', { title }));
  await waitFor(async () => {
    const s = await ok(core.invoke('entries:stats', {}));
    return s.counts.COMPLETED + s.counts.FAILED === SPECS.size || undefined;
  }, 'every spec entry to finish');
}

/** RFC 4180 as csv-parse reads it (strict quotes), skipping a BOM. */
function parseCsv(text: string): string[][] {
  const records: unknown = parse(text, { bom: true, relax_quotes: false });
  return records as string[][];
}

const defused = (s: string | null): string => (s === null ? '' : /^[=+\-@\t\r]/.test(s) ? `'${s}` : s);

function expectedRow(e: Entry): string[] {
  return [e.id, e.title, e.status, String(e.progress), String(e.attempts), e.error, e.result, e.createdAt, e.updatedAt].map(defused);
}

describe('csvText', () => {
  it('any text parses back (csv-parse) to itself, with a leading quote exactly when it could start a formula', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme-composite', maxLength: 40 }), fc.string({ maxLength: 5 }), (text, other) => {
        const line = `${csvText(text)},${csvText(other)}\r\n`;
        const [record] = parseCsv(line);
        expect(record).toEqual([defused(text), defused(other)]);
      }),
      { numRuns: 500 },
    );
  });

  it('prefixes OWASP’s formula starters and nothing else', () => {
    for (const c of ['=', '+', '-', '@', '\t', '\r']) expect(csvText(`${c}x`)).toBe(`"'${c}x"`);
    for (const s of ['x=1', ' =1', '1-2', "'quoted"]) expect(csvText(s)).toBe(`"${s}"`);
    expect(csvText(null)).toBe('');
  });
});

describeEachDriver('export', (driver) => {
  it('CSV: a header, a BOM, CRLF records, and every entry round-trips through a real CSV parser', async () => {
    const dir = tempDir();
    const file = join(dir, 'out.csv');
    const core = await coreExportingTo(driver, file, { workers: 2, maxAttempts: 1, pipeline: [specStage] });
    await seedSpecs(core);
    const result: ExportResult = await ok(core.invoke('entries:export', { format: 'csv' }));
    expect(result).toEqual({ path: file, count: SPECS.size });

    const raw = readFileSync(file, 'utf8');
    expect(raw.startsWith(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(raw.endsWith('\r\n')).toBe(true);
    const [header, ...records] = parseCsv(raw);
    expect(header).toEqual([...CSV_COLUMNS]);
    const entries = await listed(core, {});
    expect(records).toEqual(entries.map(expectedRow));

    const byTitle = new Map(records.map((r) => [r[1], r]));
    // Formula starters are defused; the rest is verbatim (RTL, quotes, newlines, the NUL made U+FFFD).
    expect(byTitle.get(`'=HYPERLINK("http://evil.example","x")`)?.[6]).toBe("'+SUM(A1:A2)");
    expect(byTitle.get("'-2+3")?.[5]).toBe("'@cmd|calc");
    expect(byTitle.get("'@SUM(1)")?.[5]).toBe("'\tleading tab");
    expect(byTitle.get("'+1 555 0100")?.[6]).toBe("'-negative");
    expect(byTitle.get('مرحبا بالعالم، تقرير')?.[6]).toBe('نتيجة');
    expect(byTitle.get('plain, with a comma')?.[6]).toBe('line one\nline two\r\nline "three"');
    expect(byTitle.get('He said "hi"')?.[6]).toBe('a\uFFFDb');
    expect(byTitle.get('quarterly report')?.[5]).toBe('disk on fire,\nreally');
    expect(readdirSync(dir)).toEqual(['out.csv']);
  });

  it('JSON: one array of the same Entry DTOs the list returns', async () => {
    const file = join(tempDir(), 'out.json');
    const core = await coreExportingTo(driver, file, { workers: 2, maxAttempts: 1, pipeline: [specStage] });
    await seedSpecs(core);
    expect(await ok(core.invoke('entries:export', { format: 'json' }))).toEqual({ path: file, count: SPECS.size });
    const raw = readFileSync(file, 'utf8');
    expect(raw.charCodeAt(0)).not.toBe(0xfeff);
    expect(JSON.parse(raw)).toEqual(await listed(core, {}));
  });

  it('a filter exports exactly what the list shows for it, across batch boundaries', async () => {
    const dir = tempDir();
    let file = '';
    const core = await openDriverCore(driver, { chooseExportPath: () => Promise.resolve(file) });
    // Two full batches and one more; every third is a "report", some have 100%_ in the title.
    const n = 2 * EXPORT_BATCH + 1;
    for (let i = 0; i < n; i++) {
      const title = `${i % 3 === 0 ? 'report' : 'memo'} ${String(i).padStart(4, '0')}${i % 7 === 0 ? ' 100%_done' : ''}`;
      await core.store.create(`${String(1e6 + i)}-x`, title);
    }
    const someId = (await listed(core, {}))[17]?.id ?? '';
    const filters: EntryFilter[] = [
      {},
      { status: 'CREATED' },
      { status: 'FAILED' },
      { search: 'REPORT' },
      { search: '100%_' },
      { search: `…${someId.slice(-5)}` },
      { status: 'CREATED', search: 'memo 00' },
      { search: 'no such thing' },
    ];
    for (const [i, filter] of filters.entries()) {
      file = join(dir, `f${i}.json`);
      const r = await ok(core.invoke('entries:export', { format: 'json', filter }));
      const expected = await listed(core, filter);
      expect(r.count, JSON.stringify(filter)).toBe(expected.length);
      expect((JSON.parse(readFileSync(file, 'utf8')) as Entry[]).map((e) => e.id), JSON.stringify(filter)).toEqual(expected.map((e) => e.id));
    }
    expect(await listed(core, {})).toHaveLength(n);
  });

  it('an empty result is a header alone (CSV) or [] (JSON)', async () => {
    const dir = tempDir();
    let file = '';
    const core = await openDriverCore(driver, { chooseExportPath: () => Promise.resolve(file) });
    await ok(core.invoke('entries:create', { title: 'only one' }));
    for (const format of ['csv', 'json'] as const) {
      file = join(dir, `empty.${format}`);
      expect(await ok(core.invoke('entries:export', { format, filter: { status: 'COMPLETED' } }))).toEqual({ path: file, count: 0 });
    }
    expect(readFileSync(join(dir, 'empty.csv'), 'utf8')).toBe(`\uFEFF${CSV_COLUMNS.join(',')}\r\n`);
    expect(JSON.parse(readFileSync(join(dir, 'empty.json'), 'utf8'))).toEqual([]);
  });

  it('a cancelled dialog writes nothing; a core without a chooser says how to export instead', async () => {
    const cancelled = await coreExportingTo(driver, null);
    await ok(cancelled.invoke('entries:create', { title: 'x' }));
    expect(await ok(cancelled.invoke('entries:export', { format: 'csv' }))).toEqual({ path: null, count: 0 });
    const bare = await openDriverCore(driver, {});
    const r = await bare.invoke('entries:export', { format: 'json' });
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('UNAVAILABLE');
      expect(r.error.message).toContain('--out FILE');
    }
    const bad = await bare.invoke('entries:export', { format: 'xml' });
    expect(bad.ok ? null : bad.error.code).toBe('INVALID_INPUT');
    // The destination is main's to choose: a caller (the renderer) cannot name one.
    const named = await cancelled.invoke('entries:export', { format: 'csv', path: '/tmp/evil.csv' });
    expect(named.ok ? null : named.error).toEqual({ code: 'INVALID_INPUT', message: 'unknown field: path' });
  });

  it('a failed export leaves no half file and the old file untouched', async () => {
    const dir = tempDir();
    const core = await openDriverCore(driver, {});
    for (let i = 0; i < EXPORT_BATCH + 10; i++) await core.store.create(`${String(1e6 + i)}-y`, `entry ${i}`);
    const file = join(dir, 'keep.csv');
    writeFileSync(file, 'the previous export\n');
    // The real store, failing on its second batch (as a connection dropped mid-export would).
    let calls = 0;
    const failing = {
      list: (q: Parameters<typeof core.store.list>[0]) => (++calls === 2 ? Promise.reject(new Error('connection lost')) : core.store.list(q)),
    };
    await expect(exportToFile(failing, file, 'csv')).rejects.toThrow('connection lost');
    expect(readFileSync(file, 'utf8')).toBe('the previous export\n');
    expect(readdirSync(dir)).toEqual(['keep.csv']);
    // A folder that does not exist: a file-system error a person can act on.
    const gone = await openDriverCore(driver, { chooseExportPath: () => Promise.resolve(join(dir, 'no-such-folder', 'x.csv')) });
    const r = await gone.invoke('entries:export', { format: 'csv' });
    expect(r.ok ? null : r.error.code).toBe('UNAVAILABLE');
    expect(r.ok ? '' : r.error.message).toMatch(/Could not write the export to .*no-such-folder/);
  });

  it('closing the core stops an export in flight: an error, and no file', async () => {
    const dir = tempDir();
    const core = await openDriverCore(driver, { chooseExportPath: () => Promise.resolve(join(dir, 'late.csv')) });
    for (let i = 0; i < 2 * EXPORT_BATCH + 1; i++) await core.store.create(`${String(1e6 + i)}-c`, `entry ${i}`);
    const exporting = core.invoke('entries:export', { format: 'csv' });
    const closed = core.close();
    const r = await exporting;
    await closed;
    expect(r.ok ? null : r.error.code).toBe('UNAVAILABLE');
    expect(r.ok ? '' : r.error.message).toContain('shutting down');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits for drain: never more than one chunk above the destination’s buffer', async () => {
    const core = await openDriverCore(driver, {});
    for (let i = 0; i < 2 * EXPORT_BATCH + 1; i++) await core.store.create(`${String(1e6 + i)}-z`, `entry ${i}`);
    const chunks: number[] = [];
    let maxBuffered = 0;
    let text = '';
    // A slow reader with a small buffer.
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, callback) {
        chunks.push(chunk.length);
        maxBuffered = Math.max(maxBuffered, this.writableLength);
        text += chunk.toString('utf8');
        setImmediate(callback);
      },
    });
    const count = await writeEntries(core.store, slow, 'json');
    expect(count).toBe(2 * EXPORT_BATCH + 1);
    slow.end();
    await finished(slow);
    expect(JSON.parse(text)).toHaveLength(count);
    // Without waiting for 'drain', all chunks would be queued at once: the buffer would hold them all.
    const total = chunks.reduce((a, b) => a + b, 0);
    expect(maxBuffered).toBeLessThanOrEqual(1024 + Math.max(...chunks));
    expect(maxBuffered).toBeLessThan(total);
  });

  it('the CLI streams to stdout and writes --out whole', async () => {
    const core = await openDriverCore(driver, {});
    for (const t of ['alpha, one', 'beta "two"', '=gamma']) await ok(core.invoke('entries:create', { title: t }));
    const expected = await listed(core, {});
    const target = driver === 'embedded' ? ['--data-dir', core.where] : ['--database-url', DATABASE_URL ?? '', '--schema', core.where];
    if (driver === 'embedded') await core.close();
    const run = async (...args: string[]) => {
      let stdout = '';
      let stderr = '';
      const code = await main([...target, ...args], {}, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
      return { code, stdout, stderr };
    };
    const csv = await run('export', '--format', 'csv');
    expect([csv.code, csv.stderr]).toEqual([0, '']);
    const [, ...records] = parseCsv(csv.stdout);
    expect(records).toEqual(expected.map(expectedRow));

    const json = await run('export', '--format', 'json', '--search', 'BETA');
    expect((JSON.parse(json.stdout) as Entry[]).map((e) => e.title)).toEqual(['beta "two"']);

    const dir = tempDir();
    const out = await run('export', '--format', 'csv', '--status', 'CREATED', '--out', join(dir, 'x.csv'));
    expect([out.code, out.stdout.trim()]).toEqual([0, `Exported 3 entries to ${join(dir, 'x.csv')}`]);
    expect(parseCsv(readFileSync(join(dir, 'x.csv'), 'utf8'))).toHaveLength(4);

    const usage = await run('export');
    expect([usage.code, usage.stderr.split('\n')[0]]).toEqual([2, 'error: export needs --format (csv or json)']);
    const badStatus = await run('export', '--format', 'json', '--status', 'DONE');
    expect(badStatus.code).toBe(1);
    expect(badStatus.stderr).toMatch(/^INVALID_INPUT: status must be one of/);
    expect(existsSync(join(dir, 'x.csv'))).toBe(true);
  });
});
