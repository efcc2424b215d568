/** Adapts electron-log to the core's narrow Logger so the core's messages land in the same file. */
import type { Logger } from './core/logger';

interface LevelLog {
  debug(...params: unknown[]): void;
  info(...params: unknown[]): void;
  warn(...params: unknown[]): void;
  error(...params: unknown[]): void;
}

export function coreLogger(log: LevelLog): Logger {
  const line = (level: keyof LevelLog) => (message: string, fields?: Record<string, unknown>) => {
    if (fields === undefined) log[level]('[core]', message);
    else log[level]('[core]', message, fields);
  };
  return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error') };
}
