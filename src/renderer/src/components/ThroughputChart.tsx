/**
 * Completed and failed entries per bucket, as stacked bars, drawn with visx (SVG primitives from
 * React: no canvas, no eval, colours from Tailwind classes so dark mode is the app's own). The SVG
 * is an image with a summary for screen readers; ThroughputPanel adds the numbers as a table.
 */
import { AxisBottom, AxisLeft } from '@visx/axis';
import { Group } from '@visx/group';
import { scaleBand, scaleLinear } from '@visx/scale';
import { Bar } from '@visx/shape';
import type { ThroughputBucket, ThroughputWindow } from '../../../shared/contract';

const W = 720;
const H = 220;
const M = { top: 10, right: 8, bottom: 26 };
/** Room for the y labels: ~7 units per character at 11 px, plus the gap to the axis. */
const leftFor = (labels: readonly string[]) => 12 + 7 * Math.max(1, ...labels.map((l) => l.length));
const nf = new Intl.NumberFormat();

/** "14:05" for a minute, "14:00" for an hour, in the person's own clock. */
export function bucketLabel(at: string): string {
  return new Date(at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

export function chartSummary(window: ThroughputWindow, buckets: readonly ThroughputBucket[]): string {
  const completed = buckets.reduce((s, b) => s + b.completed, 0);
  const failed = buckets.reduce((s, b) => s + b.failed, 0);
  const span = window === 'hour' ? 'per minute over the last hour' : 'per hour over the last day';
  return `Completed and failed entries ${span}: ${nf.format(completed)} completed, ${nf.format(failed)} failed.`;
}

interface Props {
  window: ThroughputWindow;
  buckets: readonly ThroughputBucket[];
}

export function ThroughputChart({ window, buckets }: Props) {
  const innerH = H - M.top - M.bottom;
  const max = Math.max(1, ...buckets.map((b) => b.completed + b.failed));
  const y = scaleLinear<number>({ domain: [0, max], range: [innerH, 0], nice: true });
  // Whole entries only: an empty or quiet window would otherwise be labelled 0.2, 0.4, ...
  const yTicks = y.ticks(4).filter((t) => Number.isInteger(t));
  const left = leftFor(yTicks.map((t) => nf.format(t)));
  const innerW = W - left - M.right;
  const keys = buckets.map((b) => b.at);
  const x = scaleBand<string>({ domain: keys, range: [0, innerW], padding: 0.2 });
  // A label every 10 minutes or every 4 hours: enough to read the time, few enough not to collide.
  const every = window === 'hour' ? 10 : 4;
  const tickValues = keys.filter((_, i) => i % every === 0);
  const bw = x.bandwidth();

  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={chartSummary(window, buckets)} className="h-auto w-full select-none">
      <Group left={left} top={M.top}>
        {yTicks.map((t) => (
          <line key={t} x1={0} x2={innerW} y1={y(t)} y2={y(t)} className="stroke-zinc-200 dark:stroke-zinc-800" strokeDasharray="2 3" />
        ))}
        {buckets.map((b) => {
          const x0 = x(b.at) ?? 0;
          const yCompleted = y(b.completed);
          const yTop = y(b.completed + b.failed);
          return (
            <g key={b.at} data-bucket={b.at}>
              <title>{`${bucketLabel(b.at)}: ${nf.format(b.completed)} completed, ${nf.format(b.failed)} failed`}</title>
              {/* The whole column takes the hover, so thin or empty bars still show their numbers. */}
              <rect x={x0} y={0} width={bw} height={innerH} className="fill-transparent hover:fill-zinc-500/10" />
              {b.completed > 0 ? (
                <Bar x={x0} y={yCompleted} width={bw} height={innerH - yCompleted} rx={1} className="fill-emerald-500 dark:fill-emerald-400" />
              ) : null}
              {b.failed > 0 ? (
                <Bar x={x0} y={yTop} width={bw} height={yCompleted - yTop} rx={1} className="fill-rose-500 dark:fill-rose-400" />
              ) : null}
            </g>
          );
        })}
        <AxisLeft
          scale={y}
          tickValues={yTicks}
          tickFormat={(v) => nf.format(Number(v))}
          hideTicks
          axisLineClassName="stroke-zinc-300 dark:stroke-zinc-700"
          tickLabelProps={{ className: 'fill-zinc-500 dark:fill-zinc-400 font-sans tabular-nums', fontSize: 11, textAnchor: 'end', dx: -4, dy: 4 }}
        />
        <AxisBottom
          top={innerH}
          scale={x}
          tickValues={tickValues}
          tickFormat={(v) => bucketLabel(v)}
          axisLineClassName="stroke-zinc-300 dark:stroke-zinc-700"
          // Not tickClassName: that classes the tick's group, and its label would inherit the stroke.
          tickLineProps={{ className: 'stroke-zinc-300 dark:stroke-zinc-700' }}
          tickLength={4}
          tickLabelProps={{ className: 'fill-zinc-500 dark:fill-zinc-400 font-sans tabular-nums', fontSize: 11, textAnchor: 'middle' }}
        />
      </Group>
    </svg>
  );
}
