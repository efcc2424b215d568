import { formatRelative, useNow } from '../lib/time';

/** "12s ago", with the full ISO timestamp on hover. Subscribes to the shared clock on its own. */
export function RelativeTime({ iso, className }: { iso: string; className?: string }) {
  const now = useNow();
  return (
    <time dateTime={iso} title={iso} className={className}>
      {formatRelative(iso, now)}
    </time>
  );
}
