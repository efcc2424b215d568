/**
 * The parent's side of lock-child.ts: spawn children that take the data-folder lock on command, and
 * read their answers one line at a time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..', '..', '..');
const CHILD = resolve(import.meta.dirname, 'lock-child.ts');

export interface LockChild {
  proc: ChildProcess;
  readonly pid: number;
  /** Sends one command; arguments are joined with tabs (paths may hold spaces). */
  send(...words: string[]): void;
  /** The next line of output not yet taken (rejects on exit or timeout). */
  next(what: string, timeoutMs?: number): Promise<string>;
  /** Sends one command and returns its next answer line. */
  ask(what: string, ...words: string[]): Promise<string>;
  kill(): Promise<void>;
}

export async function spawnLockChild(): Promise<LockChild> {
  const proc = spawn(process.execPath, ['--import', 'tsx', CHILD], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const stderr: string[] = [];
  let wake: (() => void) | null = null;
  let buf = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    buf += chunk;
    let nl: number;
    while ((nl = buf.indexOf('\n')) >= 0) {
      lines.push(buf.slice(0, nl));
      buf = buf.slice(nl + 1);
    }
    wake?.();
  });
  proc.stderr.setEncoding('utf8').on('data', (c: string) => stderr.push(c));
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let gone = false;
  void exited.then(() => {
    gone = true;
    wake?.();
  });

  const next = (what: string, timeoutMs = 60_000) =>
    new Promise<string>((res, rej) => {
      const timer = setTimeout(() => finish(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${stderr.join('')}`)), timeoutMs);
      const finish = (err: Error | null, line?: string) => {
        clearTimeout(timer);
        wake = null;
        if (err) rej(err);
        else res(line as string);
      };
      const check = () => {
        const line = lines.shift();
        if (line !== undefined) finish(null, line);
        else if (gone) finish(new Error(`lock child exited before ${what}; stderr: ${stderr.join('')}`));
      };
      wake = check;
      check();
    });

  const child: LockChild = {
    proc,
    pid: proc.pid as number,
    send: (...words) => proc.stdin.write(`${words.join('\t')}\n`),
    next,
    ask(what, ...words) {
      child.send(...words);
      return next(what);
    },
    async kill() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
      await exited;
    },
  };
  const first = await next('the lock child to start', 120_000);
  if (first !== 'ready') throw new Error(`lock child said ${first} instead of ready; stderr: ${stderr.join('')}`);
  return child;
}
