/**
 * The command line: the same calls the desktop app makes, through `core.invoke` and the shared
 * contract, on a core without workers. Output is a table for people, `--json` for scripts.
 * Exit codes: 0 ok, 1 the call answered an error (printed as `CODE: message`), 2 a usage mistake.
 *
 *   npm run cli -- --database-url postgres://… add "Quarterly report"
 *
 * Product, not a script: `npm run build` bundles it to out/cli/cli.js, which plain `node` runs
 * (`npm run cli` builds it, then runs that). It reaches the core only through its index.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { resolve as resolvePath } from 'node:path';
import { Writable } from 'node:stream';
import { parseArgs } from 'node:util';
import { CoreError, openCore, type Core } from '../main/core/index';
import { BULK_ACTIONS, EXPORT_FORMATS, STATUSES, THROUGHPUT_WINDOWS, type BulkAction, type ThroughputWindow, type Entry, type Envelope, type ExportFormat, type QueueState } from '../shared/contract';
import { errorMessage } from '../shared/error-message';
import { UsageError, intFlag, resolveTarget } from './target';

const USAGE = `Usage: npm run cli -- [--database-url URL | --data-dir DIR] COMMAND [options]
   or: node out/cli/cli.js [--database-url URL | --data-dir DIR] COMMAND [options]

Commands:
  add TITLE                       create an entry
  list [--status S] [--search Q] [--limit N] [--json]
                                  newest first; S is one of ${STATUSES.join(', ')}
  get ID [--json]                 one entry with its history
  retry ID [--start-over]         a FAILED or CANCELLED entry runs again from the stage it stopped
                                  in (--start-over: from the first stage, at 0%)
  cancel ID                       stop a waiting or running entry (it becomes CANCELLED)
  delete ID                       remove a finished entry (COMPLETED, FAILED, CANCELLED) and its history
  bulk ACTION (--ids ID,ID,… | [--status S] [--search Q] | --all)
                                  ACTION is retry, cancel or delete: on the named entries, on every
                                  entry the list's filter matches, or on all entries; those the
                                  action does not apply to are counted as skipped
  stats [--json]                  counts per status
  throughput [--window hour|day] [--json]
                                  completed and failed per minute (hour, the default) or per hour
                                  (day), and each stage's p50/p95 duration
  pause                           workers everywhere claim nothing (running stages finish); stored
  resume                          workers claim again
  settings [--workers N] [--stage-delay MS] [--retention-days N|never] [--notify on|off] [--json]
                                  show the queue's settings, or change the ones given (stored in
                                  the database; running apps apply them within a few seconds)
  export --format csv|json [--status S] [--search Q] [--out FILE]
                                  every entry the filter matches, newest first, streamed to
                                  stdout or written whole to FILE (a failed export leaves none)

Where the queue is: --database-url URL (env ENTRYFLOW_DATABASE_URL), optionally --schema NAME,
or --data-dir DIR (env ENTRYFLOW_DATA_DIR).

Options that govern the queue (the same as the worker's; the CLI runs no stages itself):
  --max-attempts N     opening an embedded folder fails entries whose process died in a stage
                       this many times (default 3)
  --stage-timeout MS   checked like the worker's (default 60000)
`;

class CallFailed extends Error {}

function unwrap<T>(r: Envelope<T>): T {
  if (!r.ok) throw new CallFailed(`${r.error.code}: ${r.error.message}`);
  return r.data;
}

function table(rows: string[][]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd()).join('\n') + '\n';
}

const short = (s: string | null, n: number) => (s === null ? '' : s.length > n ? `${s.slice(0, n - 1)}…` : s);

function entryLines(e: Entry): string[][] {
  return [
    ['id', e.id],
    ['title', e.title],
    ['status', e.status],
    ['progress', `${e.progress}%`],
    ['attempts', String(e.attempts)],
    ['created', e.createdAt],
    ['updated', e.updatedAt],
    ...(e.lockedBy ? [['locked by', `${e.lockedBy} since ${e.lockedAt ?? '?'}`]] : []),
    ...(e.result ? [['result', e.result]] : []),
    ...(e.error ? [['error', e.error]] : []),
  ];
}

interface SettingsFlags {
  workers?: string | undefined;
  'stage-delay'?: string | undefined;
  'retention-days'?: string | undefined;
  notify?: string | undefined;
}

function settingsLines(s: QueueState): string {
  return table([
    ['paused', s.paused ? 'yes' : 'no'],
    ['workers', String(s.workers)],
    ['stage delay', `${s.stageDelayMs} ms`],
    ['retention', s.retentionDays === null ? 'never' : `${s.retentionDays} days`],
    ['notify on failure', s.notifyOnFailure ? 'on' : 'off'],
  ]);
}

/** The settings flags as a queue:update payload; the contract checks the ranges. */
function settingsPatch(flags: SettingsFlags): { workers?: number; stageDelayMs?: number; retentionDays?: number | null; notifyOnFailure?: boolean } {
  const workers = intFlag('workers', flags.workers);
  const stageDelayMs = intFlag('stage-delay', flags['stage-delay']);
  const days = flags['retention-days'];
  const notify = flags.notify;
  if (notify !== undefined && notify !== 'on' && notify !== 'off') throw new UsageError('--notify takes on or off');
  return {
    ...(workers !== undefined ? { workers } : {}),
    ...(stageDelayMs !== undefined ? { stageDelayMs } : {}),
    ...(days !== undefined ? { retentionDays: days === 'never' ? null : intFlag('retention-days', days) } : {}),
    ...(notify !== undefined ? { notifyOnFailure: notify === 'on' } : {}),
  };
}

interface Flags {
  status?: string | undefined;
  search?: string | undefined;
  limit?: string | undefined;
  format?: string | undefined;
  out?: string | undefined;
  ids?: string | undefined;
  all?: boolean | undefined;
  'start-over'?: boolean | undefined;
  window?: string | undefined;
}

/** The filter flags as the contract takes them; it validates them, so its messages reach the user. */
function filterOf(flags: Flags) {
  return {
    ...(flags.status !== undefined ? { status: flags.status as Entry['status'] } : {}),
    ...(flags.search !== undefined ? { search: flags.search } : {}),
  };
}

function formatOf(flags: Flags): ExportFormat {
  const format = flags.format;
  if (format === undefined) throw new UsageError(`export needs --format (${EXPORT_FORMATS.join(' or ')})`);
  if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format must be ${EXPORT_FORMATS.join(' or ')}, got ${JSON.stringify(format)}`);
  return format as ExportFormat;
}


const COMMANDS = ['add', 'list', 'get', 'retry', 'cancel', 'delete', 'bulk', 'stats', 'throughput', 'pause', 'resume', 'settings', 'export'];

const PAST: Record<BulkAction, string> = { retry: 'Retried', cancel: 'Cancelled', delete: 'Deleted' };
/** Why an entry a bulk action named was left alone. */
const LEFT_ALONE: Record<BulkAction, string> = { retry: 'not FAILED or CANCELLED', cancel: 'not waiting or running', delete: 'not finished' };
const entries = (n: number) => `${n.toLocaleString('en-US')} ${n === 1 ? 'entry' : 'entries'}`;

/** What a bulk command names: ids, a filter, or everything; exactly one, so nothing is swept up by accident. */
function bulkTarget(flags: Flags): { ids: string[] } | { filter: { status?: Entry['status']; search?: string } } {
  const byFilter = flags.status !== undefined || flags.search !== undefined;
  const given = [flags.ids !== undefined, byFilter, flags.all === true].filter(Boolean).length;
  if (given !== 1) throw new UsageError('bulk needs exactly one of: --ids ID,ID,…, a filter (--status S and/or --search Q), or --all');
  if (flags.ids !== undefined) return { ids: flags.ids.split(',').map((id) => id.trim()).filter((id) => id !== '') };
  return {
    filter: {
      ...(flags.status !== undefined ? { status: flags.status as Entry['status'] } : {}),
      ...(flags.search !== undefined ? { search: flags.search } : {}),
    },
  };
}

async function run(core: Core, command: string, args: string[], json: boolean, flags: Flags & SettingsFlags): Promise<string> {
  const out = (data: unknown, human: () => string) => (json ? `${JSON.stringify(data, null, 2)}\n` : human());
  const one = (what: string) => {
    if (args.length !== 1) throw new UsageError(`${command} takes exactly one ${what}`);
    return args[0] as string;
  };
  switch (command) {
    case 'add': {
      const e = unwrap(await core.invoke('entries:create', { title: one('TITLE (quote it if it has spaces)') }));
      return out(e, () => `${e.id}  ${e.status}  ${e.title}\n`);
    }
    case 'list': {
      if (args.length > 0) throw new UsageError('list takes no positional arguments');
      const limit = intFlag('limit', flags.limit);
      // The contract validates status/search/limit; we pass them on as typed so its messages reach the user.
      const page = unwrap(await core.invoke('entries:list', { ...filterOf(flags), ...(limit !== undefined ? { limit } : {}) }));
      return out(page, () => {
        const rows = [['ID', 'STATUS', 'PROGRESS', 'UPDATED', 'TITLE'], ...page.items.map((e) => [e.id, e.status, `${e.progress}%`, e.updatedAt, short(e.title, 60)])];
        const counts = STATUSES.map((s) => `${s} ${page.counts[s]}`).join(', ');
        return `${table(rows)}${page.items.length} shown${page.nextCursor ? ' (more exist)' : ''}; ${counts}\n`;
      });
    }
    case 'get': {
      const d = unwrap(await core.invoke('entries:get', { id: one('ID') }));
      return out(d, () => {
        const history = [['AT', 'FROM', 'TO', 'WORKER', 'NOTE'], ...d.events.map((ev) => [ev.at, ev.from ?? '-', ev.to, ev.workerId ?? '', short(ev.message, 80)])];
        return `${table(entryLines(d))}\n${table(history)}`;
      });
    }
    case 'retry': {
      const e = unwrap(await core.invoke('entries:retry', { id: one('ID'), ...(flags['start-over'] ? { from: 'start' as const } : {}) }));
      return out(e, () => `${e.id}  ${e.status}  (retried${flags['start-over'] ? ' from the start' : ''})\n`);
    }
    case 'cancel': {
      const e = unwrap(await core.invoke('entries:cancel', { id: one('ID') }));
      return out(e, () => `${e.id}  ${e.status}  (cancelled)\n`);
    }
    case 'delete': {
      const d = unwrap(await core.invoke('entries:delete', { id: one('ID') }));
      return out(d, () => `${d.id}  (deleted)\n`);
    }
    case 'bulk': {
      if (args.length !== 1 || !BULK_ACTIONS.includes(args[0] as BulkAction)) {
        throw new UsageError(`bulk takes one action: ${BULK_ACTIONS.join(', ')}`);
      }
      const action = args[0] as BulkAction;
      const r = unwrap(await core.invoke('entries:bulk', { action, ...bulkTarget(flags) }));
      return out(r, () => `${PAST[action]} ${entries(r.affected)}; ${r.skipped.toLocaleString('en-US')} skipped (${LEFT_ALONE[action]}, or gone)\n`);
    }
    case 'throughput': {
      if (args.length > 0) throw new UsageError('throughput takes no positional arguments; use --window hour|day');
      const window = flags.window ?? 'hour';
      if (!(THROUGHPUT_WINDOWS as readonly string[]).includes(window)) throw new UsageError(`--window must be ${THROUGHPUT_WINDOWS.join(' or ')}, got ${JSON.stringify(window)}`);
      const t = unwrap(await core.invoke('stats:throughput', { window: window as ThroughputWindow }));
      const ms = (v: number | null) => (v === null ? '—' : `${Math.round(v)} ms`);
      return out(t, () => {
        // Only the buckets with something in them: an idle hour is 60 lines of zeros otherwise.
        const busy = t.buckets.filter((b) => b.completed > 0 || b.failed > 0);
        const done = t.buckets.reduce((n, b) => n + b.completed, 0);
        const failed = t.buckets.reduce((n, b) => n + b.failed, 0);
        return [
          `Last ${window}: ${done.toLocaleString('en-US')} completed, ${failed.toLocaleString('en-US')} failed\n`,
          busy.length > 0 ? table([['FROM', 'COMPLETED', 'FAILED'], ...busy.map((b) => [b.at, String(b.completed), String(b.failed)])]) : '',
          table([['STAGE', 'RUNS', 'P50', 'P95'], ...t.stages.map((st) => [String(st.stage), String(st.runs), ms(st.p50Ms), ms(st.p95Ms)])]),
        ].join('');
      });
    }
    case 'stats': {
      if (args.length > 0) throw new UsageError('stats takes no positional arguments');
      const s = unwrap(await core.invoke('entries:stats', {}));
      return out(s, () => table([['STATUS', 'COUNT'], ...STATUSES.map((st) => [st, String(s.counts[st])]), ['total', String(s.total)]]));
    }
    case 'pause':
    case 'resume': {
      if (args.length > 0) throw new UsageError(`${command} takes no arguments`);
      const s = unwrap(await core.invoke('queue:update', { paused: command === 'pause' }));
      return out(s, () => (s.paused ? 'Paused: no worker claims new work; stages already running finish.\n' : 'Resumed: workers claim again.\n'));
    }
    case 'settings': {
      if (args.length > 0) throw new UsageError('settings takes no positional arguments; use --workers, --stage-delay, --retention-days, --notify');
      const patch = settingsPatch(flags);
      const s: QueueState =
        Object.keys(patch).length === 0 ? unwrap(await core.invoke('queue:state', {})) : unwrap(await core.invoke<'queue:update'>('queue:update', patch));
      return out(s, () => settingsLines(s));
    }
    case 'export': {
      // Only --out goes through entries:export (the core was opened with --out as its chooser);
      // stdout is streamed by exportTo in runCommand.
      const r = unwrap(await core.invoke('entries:export', { format: formatOf(flags), filter: filterOf(flags) }));
      return out(r, () => `Exported ${r.count} ${r.count === 1 ? 'entry' : 'entries'} to ${r.path ?? '?'}\n`);
    }
    default:
      throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  }
}

/** An Writable over io.stdout for callers that pass no stream (tests): no backpressure, which they do not need. */
function writableOf(io: CliIo): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      io.stdout(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
      callback();
    },
  });
}

/** Where the CLI writes; the entry point passes process.stdout/stderr, tests collect strings. */
export interface CliIo {
  stdout(text: string): void;
  stderr(text: string): void;
  /** stdout as a stream, for output too large to hold (export); absent: written through `stdout`. */
  stdoutStream?: Writable;
}

async function runCommand(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      'database-url': { type: 'string' },
      'data-dir': { type: 'string' },
      schema: { type: 'string' },
      status: { type: 'string' },
      search: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
      out: { type: 'string', short: 'o' },
      ids: { type: 'string' },
      all: { type: 'boolean', default: false },
      'start-over': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'max-attempts': { type: 'string' },
      'stage-timeout': { type: 'string' },
      workers: { type: 'string' },
      'stage-delay': { type: 'string' },
      'retention-days': { type: 'string' },
      notify: { type: 'string' },
      window: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
    allowPositionals: true,
  });
  const [command, ...args] = positionals;
  if (values.help || command === undefined || command === 'help') {
    io.stdout(USAGE);
    return values.help || command === 'help' ? 0 : 2;
  }
  if (!COMMANDS.includes(command)) throw new UsageError(`unknown command ${JSON.stringify(command)}`);
  const exporting = command === 'export';
  if (exporting) {
    if (args.length > 0) throw new UsageError('export takes no positional arguments');
    formatOf(values);
    if (values.out === '') throw new UsageError('--out needs a file name');
  }
  const outFile = exporting && values.out !== undefined ? resolvePath(values.out) : undefined;
  const core = await openCore({
    ...resolveTarget(values, env),
    workers: 0,
    maxAttempts: intFlag('max-attempts', values['max-attempts']),
    stageTimeoutMs: intFlag('stage-timeout', values['stage-timeout']),
    ...(outFile !== undefined ? { chooseExportPath: () => Promise.resolve(outFile) } : {}),
  });
  try {
    if (exporting && outFile === undefined) {
      const stream = io.stdoutStream ?? writableOf(io);
      // A reader that goes away (`| head`) fails the next write with EPIPE; without a listener the
      // stream's 'error' would kill the process before the core closes.
      const ignore = () => undefined;
      stream.on('error', ignore);
      try {
        await core.exportTo(stream, { format: formatOf(values), filter: filterOf(values) });
        // Flushed before main resolves and the entry point calls process.exit.
        await new Promise<void>((resolve, reject) => stream.write('', (err) => (err ? reject(err) : resolve())));
      } catch (err) {
        if (err instanceof CoreError && err.code === 'INVALID_INPUT') throw new CallFailed(`${err.code}: ${err.message}`);
        // The reader stopped reading (`| head`): what it wanted was written; not our failure.
        if (typeof err === 'object' && err !== null && 'code' in err && err.code === 'EPIPE') return 0;
        throw err;
      } finally {
        stream.off('error', ignore);
      }
      return 0;
    }
    io.stdout(await run(core, command, args, values.json, values));
    return 0;
  } finally {
    await core.close();
  }
}

/**
 * The whole CLI as a function: parses `argv` (the arguments after the script), reads the target from
 * `env` when no flag gives it, writes to `io`, and resolves with the exit code. Never throws.
 */
export async function main(argv: string[], env: NodeJS.ProcessEnv, io: CliIo): Promise<number> {
  try {
    return await runCommand(argv, env, io);
  } catch (err) {
    if (err instanceof UsageError || (err instanceof TypeError && 'code' in err && String(err.code).startsWith('ERR_PARSE_ARGS'))) {
      io.stderr(`error: ${err.message}\n\n${USAGE}`);
      return 2;
    }
    if (err instanceof CallFailed) {
      io.stderr(`${err.message}\n`);
      return 1;
    }
    // openCore's errors (DATA_DIR_LOCKED, DATABASE_UNREACHABLE, …) carry a code too.
    const code = typeof err === 'object' && err !== null && 'code' in err ? `${String(err.code)}: ` : '';
    io.stderr(`${code}${errorMessage(err)}\n`);
    return 1;
  }
}

/** True when this module is the script node was started with (not when a test imports it). */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (script === undefined) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  void main(process.argv.slice(2), process.env, {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    stdoutStream: process.stdout,
  }).then((code) => process.exit(code));
}
