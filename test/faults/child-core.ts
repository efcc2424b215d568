/**
 * A core in a child process, for the fault suite to kill at awkward moments. Run with
 * `node --import tsx test/faults/child-core.ts <mode> <dataDir> [stageDelayMs]`.
 *
 *   work   open with 4 workers and short stages, then create entries in a loop, printing
 *          `ack <id>` once each create's envelope is ok (only then is the id promised).
 *   open   open the core (initdb + migrate on a fresh dir), print `opened`, stay up until killed.
 *   close  open, create a few entries, print `closing`, close, print `closed`.
 *
 * Lines on stdout are the protocol; anything unexpected goes to stderr and exits non-zero.
 */
import { openCore } from '../../src/main/core/index';

const [mode, dataDir, delayArg] = process.argv.slice(2);
if (!mode || !dataDir) {
  process.stderr.write('usage: child-core.ts <work|open|close> <dataDir> [stageDelayMs]\n');
  process.exit(2);
}
const stageDelayMs = Number(delayArg ?? '20');
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(): Promise<void> {
  const core = await openCore({ dataDir, workers: mode === 'work' ? 4 : 0, stageDelayMs, idlePollMs: 20, backoffBaseMs: 10, shutdownGraceMs: 200 });
  say('opened');
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
