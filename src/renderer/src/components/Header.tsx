import { CpuIcon, LogoMark, PlusIcon } from './icons';
import { Button, Kbd } from './ui';
import { modKey } from '../lib/platform';

interface Props {
  live: 'live' | 'offline' | 'connecting' | 'stopped';
  workers: number | null;
  onNew: () => void;
}

const LIVE_LOOK = {
  live: { dot: 'bg-emerald-500', text: 'Live', ping: true },
  connecting: { dot: 'bg-zinc-400', text: 'Connecting', ping: false },
  offline: { dot: 'bg-rose-500', text: 'Offline', ping: false },
  stopped: { dot: 'bg-zinc-400', text: 'Stopped', ping: false },
} as const;

export function Header({ live, workers, onNew }: Props) {
  const look = LIVE_LOOK[live];
  return (
    <header className="flex h-14 shrink-0 items-center gap-4 border-b border-zinc-200 bg-white/80 px-6 backdrop-blur dark:border-zinc-800 dark:bg-zinc-900/60">
      <div className="flex items-center gap-2.5">
        <LogoMark />
        <h1 className="text-[15px] font-semibold tracking-tight text-zinc-900 dark:text-zinc-50">Entryflow</h1>
      </div>
      <div className="flex items-center gap-3 text-xs text-zinc-600 dark:text-zinc-400">
        <span className="flex items-center gap-1.5" title="The dashboard refreshes itself every 2 seconds">
          <span className="relative flex size-2">
            {look.ping ? (
              <span className={`absolute inline-flex size-full motion-safe:animate-ping rounded-full opacity-60 ${look.dot}`} />
            ) : null}
            <span className={`relative inline-flex size-2 rounded-full ${look.dot}`} />
          </span>
          {look.text}
        </span>
        {workers !== null ? (
          <span className="flex items-center gap-1.5">
            <CpuIcon width={13} height={13} />
            {workers} {workers === 1 ? 'worker' : 'workers'}
          </span>
        ) : null}
      </div>
      <div className="ml-auto">
        <Button variant="primary" onClick={onNew} aria-keyshortcuts="Control+N Meta+N">
          <PlusIcon width={15} height={15} />
          New entry
          <Kbd onDark>{modKey} N</Kbd>
        </Button>
      </div>
    </header>
  );
}
