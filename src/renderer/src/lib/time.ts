import { useSyncExternalStore } from 'react';

const TICK_MS = 5000;

/**
 * One shared clock for relative times. Only the time cells subscribe, so the minute hand moving
 * does not re-render table rows; the interval runs only while something is on screen.
 */
const listeners = new Set<() => void>();
let now = Date.now();
let timer: ReturnType<typeof setInterval> | null = null;

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, TICK_MS);
  }
  return () => {
    listeners.delete(listener);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = null;
    }
  };
}

export function useNow(): number {
  return useSyncExternalStore(subscribe, () => now);
}

export function formatRelative(iso: string, nowMs: number): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  // The clock ticks every few seconds, so a fresh timestamp can be slightly "ahead" of it.
  const seconds = Math.round((nowMs - then) / 1000);
  const abs = Math.abs(seconds);
  const suffix = seconds >= 0 ? ' ago' : '';
  const prefix = seconds >= 0 ? '' : 'in ';
  if (abs < 10) return 'just now';
  if (abs < 60) return `${prefix}${abs}s${suffix}`;
  const minutes = Math.round(abs / 60);
  if (minutes < 60) return `${prefix}${minutes}m${suffix}`;
  const hours = Math.round(abs / 3600);
  if (hours < 24) return `${prefix}${hours}h${suffix}`;
  const days = Math.round(abs / 86400);
  if (days < 30) return `${prefix}${days}d${suffix}`;
  return new Date(then).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' });
}

export function formatClock(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}
