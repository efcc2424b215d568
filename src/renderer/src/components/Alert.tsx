/**
 * The one alert: an error or a warning, as a bordered box (banners, the drawer's panels) or as a line
 * of text under a field. Everything red or amber that tells a person something went wrong is drawn here.
 */
import type { ReactNode } from 'react';
import { AlertIcon } from './icons';

export type AlertTone = 'error' | 'warning' | 'neutral';

interface Props {
  tone?: AlertTone;
  /** 'box': a bordered panel; 'inline': one line of text under a field. */
  variant?: 'box' | 'inline';
  /** A bold first sentence (or, with `heading`, an h3). */
  title?: ReactNode;
  /** Make the title a heading: for a panel that is part of the page, not a passing message. */
  heading?: boolean;
  children?: ReactNode;
  /** Buttons beside the text. */
  actions?: ReactNode;
  /**
   * 'alert' announces it when it appears (the result of something that just happened); 'region'
   * is a labelled part of the page that is simply there (an entry's error). Default 'alert'.
   */
  role?: 'alert' | 'region' | 'none';
  /** The region's name (role 'region'). */
  label?: string;
  id?: string;
  className?: string;
}

const TONES: Record<AlertTone, { box: string; icon: string; title: string; text: string; inline: string }> = {
  error: {
    box: 'border-rose-200 bg-rose-50 dark:border-rose-500/30 dark:bg-rose-500/10',
    icon: 'text-rose-600 dark:text-rose-400',
    title: 'text-rose-800 dark:text-rose-200',
    text: 'text-rose-800 dark:text-rose-200',
    inline: 'text-rose-700 dark:text-rose-300',
  },
  warning: {
    box: 'border-amber-200 bg-amber-50 dark:border-amber-500/30 dark:bg-amber-500/10',
    icon: 'text-amber-600 dark:text-amber-400',
    title: 'text-amber-900 dark:text-amber-100',
    text: 'text-amber-900 dark:text-amber-100',
    inline: 'text-amber-800 dark:text-amber-200',
  },
  neutral: {
    box: 'border-zinc-200 bg-zinc-50 dark:border-zinc-700 dark:bg-zinc-800/60',
    icon: 'text-zinc-500 dark:text-zinc-400',
    title: 'text-zinc-900 dark:text-zinc-100',
    text: 'text-zinc-700 dark:text-zinc-300',
    inline: 'text-zinc-700 dark:text-zinc-300',
  },
};

export function Alert({
  tone = 'error',
  variant = 'box',
  title,
  heading = false,
  children,
  actions,
  role = 'alert',
  label,
  id,
  className = '',
}: Props) {
  const look = TONES[tone];
  const a11y = role === 'none' ? {} : role === 'region' ? { role: 'region', 'aria-label': label } : { role: 'alert' };
  if (variant === 'inline') {
    return (
      <p id={id} {...a11y} data-alert={tone} className={`flex items-start gap-1.5 text-sm ${look.inline} ${className}`}>
        <AlertIcon width={14} height={14} className="mt-0.5 shrink-0" />
        <span>
          {title ? <span className="font-medium">{title} </span> : null}
          {children}
        </span>
      </p>
    );
  }
  return (
    <div
      id={id}
      {...a11y}
      data-alert={tone}
      className={`flex items-start gap-3 rounded-xl border px-4 py-3 text-sm ${look.box} ${className}`}
    >
      <AlertIcon className={`mt-0.5 shrink-0 ${look.icon}`} />
      <div className={`min-w-0 flex-1 break-words ${look.text}`}>
        {title && heading ? <h3 className={`font-semibold ${look.title}`}>{title}</h3> : null}
        {title && !heading ? <span className={`font-semibold ${look.title}`}>{title} </span> : null}
        {heading ? <div className="mt-1 space-y-2">{children}</div> : children}
      </div>
      {actions ? (
        <div className={`flex shrink-0 flex-col items-end gap-1.5 ${heading ? 'self-start' : 'self-center'}`}>{actions}</div>
      ) : null}
    </div>
  );
}
