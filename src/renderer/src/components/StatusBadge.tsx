import type { Status } from '../../../shared/contract';
import { STATUS_LOOK } from '../lib/status';

export function StatusBadge({ status }: { status: Status }) {
  const look = STATUS_LOOK[status];
  const moving = status === 'STAGE_1' || status === 'STAGE_2';
  return (
    <span
      data-status={status}
      className={`inline-flex items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset ${look.badge}`}
    >
      <span aria-hidden className={`size-1.5 rounded-full ${look.dot} ${moving ? 'motion-safe:animate-pulse' : ''}`} />
      {look.label}
    </span>
  );
}
