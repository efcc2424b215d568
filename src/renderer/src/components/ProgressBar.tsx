import type { Status } from '../../../shared/contract';
import { STATUS_LOOK } from '../lib/status';

export function ProgressBar({ value, status, label }: { value: number; status: Status; label: string }) {
  const pct = Math.max(0, Math.min(100, Math.round(value)));
  return (
    <div className="flex items-center gap-2.5">
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={pct}
        aria-valuetext={`${pct}%`}
        className="h-1.5 w-full min-w-12 overflow-hidden rounded-full bg-zinc-200/80 dark:bg-zinc-800"
      >
        <div
          className={`h-full rounded-full transition-[width] duration-500 ease-out ${STATUS_LOOK[status].bar}`}
          style={{ width: `${pct}%` }}
        />
      </div>
      <span className="w-9 shrink-0 text-right text-xs text-zinc-600 tabular-nums dark:text-zinc-400">{pct}%</span>
    </div>
  );
}
