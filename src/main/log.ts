/**
 * The main-process log: a file under userData/logs, rotated by size (electron-log keeps one
 * previous file as main.old.log), plus the console in development.
 */
import { join } from 'node:path';
import log from 'electron-log/main';

/** Big enough for days of normal use, small enough to attach to a bug report. */
export const LOG_MAX_BYTES = 5 * 1024 * 1024;
export const LOG_FILE_NAME = 'main.log';

export type MainLog = typeof log;

export function setUpLog(logDir: string, isPackaged: boolean): MainLog {
  log.transports.file.resolvePathFn = () => join(logDir, LOG_FILE_NAME);
  log.transports.file.maxSize = LOG_MAX_BYTES;
  log.transports.file.level = 'info';
  log.transports.console.level = isPackaged ? false : 'debug';
  return log;
}

export function logFilePath(logDir: string): string {
  return join(logDir, LOG_FILE_NAME);
}
