import type { Status } from '../../../shared/contract';

export interface StatusLook {
  label: string;
  /** Badge: tinted background, readable text and a hairline ring, in both themes. */
  badge: string;
  dot: string;
  bar: string;
}

// One hue per status so a glance at the table reads as a pipeline: grey → sky → violet → green, red; amber for a person's cancel.
export const STATUS_LOOK: Record<Status, StatusLook> = {
  CREATED: {
    label: 'Created',
    badge: 'bg-zinc-100 text-zinc-700 ring-zinc-500/20 dark:bg-zinc-400/10 dark:text-zinc-300 dark:ring-zinc-400/25',
    dot: 'bg-zinc-400',
    bar: 'bg-zinc-400',
  },
  STAGE_1: {
    label: 'Stage 1',
    badge: 'bg-sky-50 text-sky-700 ring-sky-600/20 dark:bg-sky-400/10 dark:text-sky-300 dark:ring-sky-400/25',
    dot: 'bg-sky-500',
    bar: 'bg-sky-500',
  },
  STAGE_2: {
    label: 'Stage 2',
    badge:
      'bg-violet-50 text-violet-700 ring-violet-600/20 dark:bg-violet-400/10 dark:text-violet-300 dark:ring-violet-400/25',
    dot: 'bg-violet-500',
    bar: 'bg-violet-500',
  },
  COMPLETED: {
    label: 'Completed',
    badge:
      'bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-400/10 dark:text-emerald-300 dark:ring-emerald-400/25',
    dot: 'bg-emerald-500',
    bar: 'bg-emerald-500',
  },
  FAILED: {
    label: 'Failed',
    badge: 'bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-400/10 dark:text-rose-300 dark:ring-rose-400/25',
    dot: 'bg-rose-500',
    bar: 'bg-rose-500',
  },
  CANCELLED: {
    label: 'Cancelled',
    badge: 'bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-400/10 dark:text-amber-300 dark:ring-amber-400/25',
    dot: 'bg-amber-500',
    bar: 'bg-amber-500',
  },
};
