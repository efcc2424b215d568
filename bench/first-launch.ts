/**
 * First launch: a brand-new data folder created by initdb vs unpacked from the build-time template
 * (scripts/make-template.ts), and a reopen of an existing one. Each run is a fresh child process
 * (bench/first-launch-child.ts) so the peak RSS is that of one open + close; medians of RUNS runs.
 *
 *   npm run bench:first-launch [-- --runs N]
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { makeTemplate } from '../scripts/make-template';

const run = promisify(execFile);
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const runsArg = process.argv.indexOf('--runs');
const RUNS = runsArg >= 0 ? Number(process.argv[runsArg + 1]) : 3;

interface Sample {
  createdFrom: string;
  openMs: number;
  closeMs: number;
  maxRssMiB: number;
}

async function child(dataDir: string, template: string): Promise<Sample> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', join(root, 'bench', 'first-launch-child.ts'), dataDir, template], {
    cwd: root,
    maxBuffer: 1 << 20,
  });
  const last = stdout.trim().split('\n').at(-1) ?? '';
  return JSON.parse(last) as Sample;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[m] ?? NaN) : ((s[m - 1] ?? NaN) + (s[m] ?? NaN)) / 2;
};

const tmp = mkdtempSync(join(tmpdir(), 'entryflow-first-launch-'));
try {
  const templateDir = join(tmp, 'pgdata-template');
  const t = performance.now();
  const size = await makeTemplate(templateDir);
  console.log(`template: ${(size / 1024).toFixed(0)} KiB, built in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const missing = join(tmp, 'no-template');
  const cases: { name: string; expect: string; samples: Sample[] }[] = [
    { name: 'first launch, initdb', expect: 'initdb', samples: [] },
    { name: 'first launch, template', expect: 'template', samples: [] },
    { name: 'reopen', expect: 'existing', samples: [] },
  ];
  const [initdb, template, reopen] = cases as [(typeof cases)[0], (typeof cases)[0], (typeof cases)[0]];
  // Interleaved, so drift in the machine's load touches every case alike.
  for (let i = 0; i < RUNS; i++) {
    initdb.samples.push(await child(join(tmp, `initdb-${i}`), missing));
    const dir = join(tmp, `template-${i}`);
    template.samples.push(await child(dir, templateDir));
    reopen.samples.push(await child(dir, templateDir));
  }
  console.log(`\nNode ${process.version}, ${RUNS} runs each (child process per run), medians:\n`);
  console.log('| case | open (ms) | close (ms) | peak RSS (MiB) |');
  console.log('|---|---:|---:|---:|');
  for (const c of cases) {
    const wrong = c.samples.filter((s) => s.createdFrom !== c.expect);
    if (wrong.length > 0) throw new Error(`${c.name}: expected createdFrom ${c.expect}, got ${wrong.map((s) => s.createdFrom).join(', ')}`);
    const f = (k: 'openMs' | 'closeMs' | 'maxRssMiB') => median(c.samples.map((s) => s[k])).toFixed(0);
    console.log(`| ${c.name} | ${f('openMs')} | ${f('closeMs')} | ${f('maxRssMiB')} |`);
  }
  console.log('\nall samples:', JSON.stringify(Object.fromEntries(cases.map((c) => [c.name, c.samples.map((s) => [Math.round(s.openMs), Math.round(s.maxRssMiB)])]))));
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
