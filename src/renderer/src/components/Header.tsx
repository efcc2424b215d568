import { CpuIcon, LogoMark, PlusIcon } from './icons';
import { Button, Kbd } from './ui';
import { modKey } from '../lib/platform';
import { PauseToggle } from './PauseToggle';

interface Props {
  live: 'live' | 'offline' | 'connecting' | 'stopped';
  workers: number | null;
  onNew: () => void;
  /** The pool's stored pause state; undefined until read. */
  paused: boolean | undefined;
  pausePending: boolean;
  onPauseChange: (paused: boolean) => void;
  onSettings: () => void;
}

const LIVE_LOOK = {
  live: { dot: 'bg-emerald-500', text: 'Live', ping: true },
  connecting: { dot: 'bg-zinc-400', text: 'Connecting', ping: false },
  offline: { dot: 'bg-rose-500', text: 'Offline', ping: false },
  stopped: { dot: 'bg-zinc-400', text: 'Stopped', ping: false },
} as const;

export function Header({ live, workers, onNew, paused, pausePending, onPauseChange, onSettings }: Props) {
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
          <span className="flex items-center gap-1.5 whitespace-nowrap">
            <CpuIcon width={13} height={13} />
            {workers} {workers === 1 ? 'worker' : 'workers'}
          </span>
        ) : null}
      </div>
      <div className="ml-auto flex items-center gap-2">
        <PauseToggle paused={paused} pending={pausePending} onChange={onPauseChange} />
        <Button variant="ghost" className="h-8 px-2.5 text-xs" onClick={onSettings} aria-haspopup="dialog" aria-label="Settings" title="Queue settings">
          <GearGlyph />
          {/* The word only where there is room; the name stays "Settings" either way. */}
          <span className="hidden md:inline">Settings</span>
        </Button>
        <Button variant="primary" onClick={onNew} aria-keyshortcuts="Control+N Meta+N">
          <PlusIcon width={15} height={15} />
          New entry
          <span className="hidden md:inline">
            <Kbd onDark>{modKey} N</Kbd>
          </span>
        </Button>
      </div>
    </header>
  );
}

function GearGlyph() {
  return (
    <svg width="14" height="14" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" strokeLinejoin="round" aria-hidden>
      <circle cx="12" cy="12" r="3" />
      <path d="M19.4 15a1.7 1.7 0 0 0 .3 1.8l.1.1a2 2 0 1 1-2.8 2.8l-.1-.1a1.7 1.7 0 0 0-1.8-.3 1.7 1.7 0 0 0-1 1.5V21a2 2 0 1 1-4 0v-.1a1.7 1.7 0 0 0-1.1-1.5 1.7 1.7 0 0 0-1.8.3l-.1.1a2 2 0 1 1-2.8-2.8l.1-.1a1.7 1.7 0 0 0 .3-1.8 1.7 1.7 0 0 0-1.5-1H3a2 2 0 1 1 0-4h.1a1.7 1.7 0 0 0 1.5-1.1 1.7 1.7 0 0 0-.3-1.8l-.1-.1a2 2 0 1 1 2.8-2.8l.1.1a1.7 1.7 0 0 0 1.8.3H9a1.7 1.7 0 0 0 1-1.5V3a2 2 0 1 1 4 0v.1a1.7 1.7 0 0 0 1 1.5 1.7 1.7 0 0 0 1.8-.3l.1-.1a2 2 0 1 1 2.8 2.8l-.1.1a1.7 1.7 0 0 0-.3 1.8V9a1.7 1.7 0 0 0 1.5 1H21a2 2 0 1 1 0 4h-.1a1.7 1.7 0 0 0-1.5 1z" />
    </svg>
  );
}
