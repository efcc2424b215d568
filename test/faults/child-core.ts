/**
 * A core in a child process, for the fault suite to kill at awkward moments. Run with
 * `node --import tsx test/faults/child-core.ts <mode> <dataDir> [stageDelayMs]`.
 *
 *   work   open with 4 workers and short stages, then create entries in a loop, printing
 *          `ack <id>` once each create's envelope is ok (only then is the id promised).
 *   open   open the core (initdb + migrate on a fresh dir), print `opened`, stay up until killed.
 *   close  open, create a few entries, print `closing`, close, print `closed`.
 *   poison one worker runs a one-stage pipeline whose stage ends the process (SIGKILL, or
 *          process.exit(137) with CHILD_POISON_HOW=exit) for the entry titled `poison`, after
 *          appending a line to <dataDir>/../poison-starts.log; other entries pass at once. Prints
 *          `settled` once no entry has work left, then closes and prints `closed`.
 *
 * Every mode prints `opening` just before openCore. CHILD_TEMPLATE, when set, is the first-launch
 * template (openCore's `template` option).
 *
 * Lines on stdout are the protocol; anything unexpected goes to stderr and exits non-zero.
 */
import { appendFileSync } from 'node:fs';
import { openCore, type Core, type Stage } from '../../src/main/core/index';
import { POISON_MAX_ATTEMPTS, POISON_TITLE, poisonStartsFile } from './support/poison';

const [mode, dataDir, delayArg] = process.argv.slice(2);
if (!mode || !dataDir) {
  process.stderr.write('usage: child-core.ts <work|open|close|poison> <dataDir> [stageDelayMs]\n');
  process.exit(2);
}
const stageDelayMs = Number(delayArg ?? '20');
const say = (line: string) => process.stdout.write(`${line}\n`);

const poisonPipeline: Stage[] = [
  {
    name: 'kills the process for one entry',
    run: ({ entry }) => {
      if (entry.title === POISON_TITLE) {
        // Written before dying, so the parent counts every start of the poisoned stage.
        appendFileSync(poisonStartsFile(dataDir), `${process.pid}\n`);
        if (process.env.CHILD_POISON_HOW === 'exit') process.exit(137);
        process.kill(process.pid, 'SIGKILL');
      }
      return Promise.resolve();
    },
  },
];

async function untilSettled(core: Core): Promise<void> {
  for (;;) {
    const c = await core.store.counts();
    if (c.CREATED + c.STAGE_1 + c.STAGE_2 === 0) return;
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function main(): Promise<void> {
  say('opening');
  const poison = mode === 'poison';
  const core = await openCore({
    dataDir,
    template: process.env.CHILD_TEMPLATE,
    workers: mode === 'work' || (poison && process.env.CHILD_POISON_CROWD) ? 4 : poison ? 1 : 0,
    stageDelayMs,
    idlePollMs: 20,
    backoffBaseMs: 10,
    shutdownGraceMs: 200,
    // CHILD_POISON_CROWD: the poisoned entry is claimed in one batch with others, beside other loops,
    // so a crash also catches bystanders in flight.
    ...(poison ? { pipeline: poisonPipeline, maxAttempts: POISON_MAX_ATTEMPTS, batchSize: process.env.CHILD_POISON_CROWD ? 4 : 1 } : {}),
  });
  say('opened');
  if (poison) {
    await untilSettled(core);
    say('settled');
    await core.close();
    say('closed');
    return;
  }
  if (mode === 'open') {
    // Stay alive until the parent kills us.
    setInterval(() => undefined, 60_000);
    return;
  }
  if (mode === 'close') {
    for (let i = 0; i < 20; i++) {
      const r = await core.invoke('entries:create', { title: `before close ${i}` });
      if (r.ok) say(`ack ${r.data.id}`);
    }
    say('closing');
    await core.close();
    say('closed');
    return;
  }
  for (let i = 0; ; i++) {
    const r = await core.invoke('entries:create', { title: `crash test ${i}` });
    if (!r.ok) {
      process.stderr.write(`create failed: ${r.error.code} ${r.error.message}\n`);
      process.exit(3);
    }
    say(`ack ${r.data.id}`);
  }
}

main().catch((err: unknown) => {
  const e = err as { code?: string; message?: string };
  say(`error ${e.code ?? 'UNKNOWN'} ${JSON.stringify(e.message ?? String(err))}`);
  process.exit(1);
});
