import type { StageTiming, Throughput, ThroughputWindow } from '../../../shared/contract';
import { AlertIcon } from './icons';
import { ThroughputChart, bucketLabel } from './ThroughputChart';

interface Props {
  window: ThroughputWindow;
  onWindowChange: (window: ThroughputWindow) => void;
  /** undefined until the first answer. */
  data: Throughput | undefined;
  /** The last call's failure, in words; older data (if any) stays on screen, marked. */
  error: string | null;
}

const WINDOWS: { value: ThroughputWindow; label: string }[] = [
  { value: 'hour', label: 'Last hour' },
  { value: 'day', label: 'Last day' },
];
const nf = new Intl.NumberFormat();

/** "850 ms", "1.2 s", "42 s", "3.5 min". */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 10_000) return `${(ms / 1000).toFixed(1)} s`;
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

/** Throughput over the last hour or day, and how long each stage takes (p50 / p95). */
export function ThroughputPanel({ window, onWindowChange, data, error }: Props) {
  const buckets = data?.buckets ?? [];
  const unit = window === 'hour' ? 'minute' : 'hour';
  return (
    <section aria-labelledby="throughput-heading" className="rounded-2xl border border-zinc-200 bg-white p-5 dark:border-zinc-800 dark:bg-zinc-900">
      <div className="flex flex-wrap items-center gap-3">
        <h2 id="throughput-heading" className="text-sm font-semibold text-zinc-900 dark:text-zinc-50">
          Throughput
        </h2>
        <Legend />
        <div role="group" aria-label="Time window" className="ml-auto inline-flex rounded-lg border border-zinc-200 p-0.5 dark:border-zinc-700">
          {WINDOWS.map((w) => (
            <button
              key={w.value}
              type="button"
              aria-pressed={window === w.value}
              onClick={() => onWindowChange(w.value)}
              className={`focus-ring rounded-md px-2.5 py-1 text-xs font-medium ${
                window === w.value
                  ? 'bg-zinc-900 text-white dark:bg-zinc-100 dark:text-zinc-900'
                  : 'text-zinc-600 hover:bg-zinc-100 dark:text-zinc-400 dark:hover:bg-zinc-800'
              }`}
            >
              {w.label}
            </button>
          ))}
        </div>
      </div>

      {error ? (
        <p role="alert" className="mt-3 flex items-start gap-1.5 text-sm text-rose-600 dark:text-rose-400">
          <AlertIcon width={14} height={14} className="mt-0.5 shrink-0" />
          <span>Throughput could not be read: {error}</span>
        </p>
      ) : null}

      <div className="grid gap-x-8 lg:grid-cols-[minmax(0,720px)_minmax(16rem,1fr)]">
        <div>
          <div className={`mt-3 ${error && data ? 'opacity-60' : ''}`}>
            {data ? (
              <ThroughputChart window={window} buckets={buckets} />
            ) : (
              <div className="flex h-48 items-center justify-center text-sm text-zinc-500 dark:text-zinc-400">{error ? null : 'Loading…'}</div>
            )}
          </div>

          {data ? (
            <details className="mt-2 text-sm">
              <summary className="focus-ring w-fit cursor-pointer rounded text-xs text-zinc-500 hover:text-zinc-800 dark:text-zinc-400 dark:hover:text-zinc-200">
                Show the numbers
              </summary>
              <BucketTable buckets={buckets} unit={unit} />
            </details>
          ) : null}
        </div>
        <div>
          <h3 className="mt-5 text-xs lg:mt-3 font-semibold tracking-wide text-zinc-500 uppercase dark:text-zinc-400">Stage timings</h3>
          <StageTable stages={data?.stages ?? []} />
        </div>
      </div>
    </section>
  );
}

function Legend() {
  return (
    <div className="flex items-center gap-3 text-xs text-zinc-600 dark:text-zinc-400" aria-hidden>
      <span className="flex items-center gap-1.5">
        <span className="size-2.5 rounded-sm bg-emerald-500 dark:bg-emerald-400" />
        Completed
      </span>
      <span className="flex items-center gap-1.5">
        <span className="size-2.5 rounded-sm bg-rose-500 dark:bg-rose-400" />
        Failed
      </span>
    </div>
  );
}

const TH = 'px-2 py-1.5 text-left text-xs font-medium text-zinc-500 dark:text-zinc-400';
const TD = 'px-2 py-1.5 tabular-nums text-zinc-800 dark:text-zinc-200';

function BucketTable({ buckets, unit }: { buckets: Throughput['buckets']; unit: string }) {
  const busy = buckets.filter((b) => b.completed + b.failed > 0);
  if (busy.length === 0) return <p className="mt-2 text-xs text-zinc-500 dark:text-zinc-400">Nothing finished in this window.</p>;
  return (
    <table className="mt-2 w-full max-w-sm">
      <caption className="sr-only">Entries finished per {unit}</caption>
      <thead>
        <tr>
          <th scope="col" className={TH}>{unit === 'minute' ? 'Minute' : 'Hour'}</th>
          <th scope="col" className={`${TH} text-right`}>Completed</th>
          <th scope="col" className={`${TH} text-right`}>Failed</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {busy.map((b) => (
          <tr key={b.at}>
            <th scope="row" className={`${TD} text-left font-normal`}>{bucketLabel(b.at)}</th>
            <td className={`${TD} text-right`}>{nf.format(b.completed)}</td>
            <td className={`${TD} text-right`}>{nf.format(b.failed)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function StageTable({ stages }: { stages: readonly StageTiming[] }) {
  if (stages.length === 0) return <p className="mt-2 text-sm text-zinc-500 dark:text-zinc-400">No stage has run in this window.</p>;
  return (
    <table className="mt-2 w-full max-w-md text-sm">
      <caption className="sr-only">Stage durations: median (p50) and 95th percentile (p95)</caption>
      <thead>
        <tr>
          <th scope="col" className={TH}>Stage</th>
          <th scope="col" className={`${TH} text-right`}>Runs</th>
          <th scope="col" className={`${TH} text-right`}>
            <abbr title="Median: half the runs took less" className="no-underline">p50</abbr>
          </th>
          <th scope="col" className={`${TH} text-right`}>
            <abbr title="95th percentile: 95 in 100 runs took less" className="no-underline">p95</abbr>
          </th>
        </tr>
      </thead>
      <tbody className="divide-y divide-zinc-100 dark:divide-zinc-800">
        {stages.map((s) => (
          <tr key={s.stage}>
            <th scope="row" className={`${TD} text-left font-medium`}>Stage {s.stage}</th>
            <td className={`${TD} text-right`}>{nf.format(s.runs)}</td>
            <td className={`${TD} text-right`}>{formatDuration(s.p50Ms)}</td>
            <td className={`${TD} text-right`}>{formatDuration(s.p95Ms)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
