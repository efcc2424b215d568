import type { Status } from '../../../shared/contract';
import { STATUS_LOOK } from '../lib/status';

interface Props {
  status: Status;
  /** Overrides the status's own label, e.g. "Running stage 2". */
  label?: string;
  /** A worker is on it now: a distinct look and a live dot (still under reduced motion). */
  running?: boolean;
}

const RUNNING_BADGE =
  'bg-indigo-600 text-white ring-indigo-700/30 dark:bg-indigo-500/25 dark:text-indigo-100 dark:ring-indigo-400/40';

export function StatusBadge({ status, label, running = false }: Props) {
  const look = STATUS_LOOK[status];
  return (
    <span
      data-status={status}
      data-running={running || undefined}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${
        running ? RUNNING_BADGE : look.badge
      }`}
    >
      {running ? <LiveDot /> : <span aria-hidden className={`size-1.5 rounded-full ${look.dot}`} />}
      {label ?? look.label}
    </span>
  );
}

/** A dot with a ripple; under prefers-reduced-motion the ripple is gone and the dot stays solid. */
export function LiveDot() {
  return (
    <span aria-hidden data-live-dot className="relative flex size-1.5">
      <span className="absolute inline-flex size-full rounded-full bg-white opacity-75 motion-safe:animate-ping dark:bg-indigo-300" />
      <span className="relative inline-flex size-1.5 rounded-full bg-white dark:bg-indigo-300" />
    </span>
  );
}
