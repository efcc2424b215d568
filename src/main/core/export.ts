/**
 * Export: the entries a filter matches, as CSV or JSON, streamed to a Writable.
 *
 * Bounded memory whatever the count: rows are read in keyset batches of EXPORT_BATCH through
 * `store.list` (the list's own query, so status and search mean exactly what they mean on screen),
 * newest first, and each batch is written before the next is read, waiting for 'drain' when the
 * destination is full. At most one batch and one chunk of text are held at a time.
 *
 * Not a snapshot: each batch is its own statement, so an entry that changes during a long export is
 * written as it was when its batch was read. Keyset order (by id) means none is written twice or
 * skipped because others were created meanwhile (new ids sort above the first batch).
 *
 * CSV (RFC 4180): a header row, CRLF between records, every text cell quoted (quotes doubled, so
 * commas, quotes and newlines inside a result survive), null as an empty cell. Formula injection
 * (OWASP, "CSV Injection"): a text cell that starts with = + - @ TAB or CR gets a leading single
 * quote, so a spreadsheet shows it as text instead of running it. The file starts with a UTF-8 BOM:
 * Excel, still the usual reader of a CSV, otherwise decodes it as the local ANSI code page and
 * garbles every non-ASCII title; CSV libraries (csv-parse `bom`, pandas, Python's utf-8-sig) skip it.
 * JSON: one array of Entry DTOs (the contract's shape), no BOM (RFC 8259 forbids one).
 */
import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { randomBytes } from 'node:crypto';
import type { Entry, EntryFilter, ExportFormat } from '../../shared/contract';
import { CoreError, errorMessage } from './errors';
import type { Store } from './store';

/** Rows per statement: large enough that 100k entries are 200 round trips, small enough to hold. */
export const EXPORT_BATCH = 500;

export const CSV_COLUMNS = ['id', 'title', 'status', 'progress', 'attempts', 'error', 'result', 'created_at', 'updated_at'] as const;

/** What an exporter needs from the store: the list's keyset read. */
export type ExportStore = Pick<Store, 'list'>;

const BOM = '\uFEFF';
/** OWASP's list of characters a spreadsheet reads as the start of a formula (or a cell break). */
const FORMULA_START = /^[=+\-@\t\r]/;

/** One CSV text cell: defused against formulas, then quoted with inner quotes doubled. */
export function csvText(value: string | null): string {
  if (value === null) return '';
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return `"${safe.replaceAll('"', '""')}"`;
}

function csvRow(e: Entry): string {
  return [
    csvText(e.id),
    csvText(e.title),
    csvText(e.status),
    String(e.progress),
    String(e.attempts),
    csvText(e.error),
    csvText(e.result),
    csvText(e.createdAt),
    csvText(e.updatedAt),
  ].join(',');
}

interface Format {
  head: string;
  /** `first`: the batch holds the very first row written. */
  rows(batch: readonly Entry[], first: boolean): string;
  tail(count: number): string;
}

const FORMATS: Record<ExportFormat, Format> = {
  csv: {
    head: `${BOM}${CSV_COLUMNS.join(',')}\r\n`,
    rows: (batch) => batch.map((e) => `${csvRow(e)}\r\n`).join(''),
    tail: () => '',
  },
  json: {
    head: '[',
    rows: (batch, first) => batch.map((e, i) => `${first && i === 0 ? '' : ','}\n${JSON.stringify(e)}`).join(''),
    tail: (count) => (count === 0 ? ']\n' : '\n]\n'),
  },
};

/** Writes and, when the destination's buffer is full, waits until it drains (or fails, or closes). */
async function write(out: Writable, chunk: string): Promise<void> {
  if (out.destroyed) throw out.errored ?? new Error('the export destination was closed');
  if (out.write(chunk)) return;
  const ac = new AbortController();
  try {
    // `once` rejects on 'error'; a destination closed without an error would otherwise never drain.
    await Promise.race([once(out, 'drain', { signal: ac.signal }), once(out, 'close', { signal: ac.signal }).then(() => {
      throw out.errored ?? new Error('the export destination was closed');
    })]);
  } finally {
    ac.abort();
  }
}

/**
 * Streams every entry matching `filter` to `out` in `format`; resolves with how many were written.
 * Does not end `out` (stdout must stay open); the caller does.
 */
export async function writeEntries(
  store: ExportStore,
  out: Writable,
  format: ExportFormat,
  filter: EntryFilter = {},
  /** Aborted when the core starts closing: a long export must not hold up a quit. */
  signal?: AbortSignal,
): Promise<number> {
  const f = FORMATS[format];
  await write(out, f.head);
  let count = 0;
  let afterId: string | undefined;
  for (;;) {
    if (signal?.aborted) throw new CoreError('UNAVAILABLE', 'Entryflow is shutting down, so the export was stopped before it was complete.');
    const page = await store.list({ status: filter.status, search: filter.search, afterId, limit: EXPORT_BATCH });
    if (page.items.length > 0) await write(out, f.rows(page.items, count === 0));
    count += page.items.length;
    const last = page.items.at(-1);
    if (!page.more || last === undefined) break;
    afterId = last.id;
  }
  await write(out, f.tail(count));
  return count;
}

/** A file-system failure, said so a person can act on it; anything else (the database) passes through. */
function fileError(err: unknown, path: string): unknown {
  if (err instanceof CoreError) return err;
  const code = typeof err === 'object' && err !== null && 'syscall' in err && 'code' in err ? String(err.code) : undefined;
  if (code === undefined) return err;
  const why = code === 'ENOSPC' ? 'the disk is full' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : errorMessage(err);
  return new CoreError('UNAVAILABLE', `Could not write the export to ${path}: ${why}. Choose another place and try again.`, { cause: err });
}

/**
 * Exports into `path`, all or nothing: the rows go to a temporary file in the same folder (so the
 * final rename stays on one file system and is atomic), which replaces `path` only once complete.
 * A failure removes the temporary file and leaves whatever was at `path` untouched.
 */
export async function exportToFile(
  store: ExportStore,
  path: string,
  format: ExportFormat,
  filter: EntryFilter = {},
  signal?: AbortSignal,
): Promise<number> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(4).toString('hex')}.partial`);
  const out = createWriteStream(temp, { flags: 'wx' });
  // A failed open or write is reported by `write`/`finished` below; this keeps it from being unhandled.
  const failed = new Promise<never>((_, reject) => out.once('error', reject));
  failed.catch(() => undefined);
  try {
    await Promise.race([once(out, 'open'), failed]);
    const count = await writeEntries(store, out, format, filter, signal);
    out.end();
    // Resolves once the data is flushed and the file closed (autoClose); rejects on a write error.
    await finished(out);
    await rename(temp, path);
    return count;
  } catch (err) {
    out.destroy();
    await rm(temp, { force: true });
    throw fileError(err, path);
  }
}
