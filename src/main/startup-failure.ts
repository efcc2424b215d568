/**
 * What the user is told when the core cannot open. Pure, so every known failure code is tested to
 * produce a message naming the cause and the data folder, never a silent exit or a blank window.
 */

export interface StartupFailureContext {
  dataDir: string;
  logFile: string | undefined;
  databaseUrl: string | undefined;
}

export interface FailureDialog {
  title: string;
  message: string;
  detail: string;
}

function field(error: unknown, key: 'code' | 'message'): string | undefined {
  if (typeof error !== 'object' || error === null || !(key in error)) return undefined;
  const value: unknown = (error as Record<string, unknown>)[key];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Known codes get a sentence a person can act on; anything else shows the core's own message. */
const ADVICE: Readonly<Record<string, string>> = {
  DATA_DIR_LOCKED: 'Another Entryflow process is using this data folder. Close it (check other windows and users) and start Entryflow again.',
  DATA_DIR_UNUSABLE: 'The data folder could not be opened: it may be damaged, full, or not writable. Check free disk space and permissions; if the data is damaged, restore it from a backup or move the folder aside to start with an empty one.',
  MIGRATION_FAILED: 'The data could not be upgraded to this version of Entryflow. Install the version that last opened it, or send the log file with a bug report.',
  DATABASE_UNREACHABLE: 'The shared database could not be reached. Check ENTRYFLOW_DATABASE_URL and that the server is running.',
  INVALID_DATA_DIR: 'Set ENTRYFLOW_DATA_DIR to an absolute folder outside the application, or unset it to use the default.',
};

export function describeStartupFailure(error: unknown, context: StartupFailureContext): FailureDialog {
  const code = field(error, 'code') ?? 'UNKNOWN';
  const reason = field(error, 'message') ?? String(error);
  const advice = ADVICE[code] ?? 'See the log file for details.';
  const lines = [`Reason (${code}): ${reason}`, '', advice, '', `Data folder: ${context.dataDir}`];
  if (context.databaseUrl !== undefined) lines.push('Database: shared Postgres from ENTRYFLOW_DATABASE_URL');
  if (context.logFile !== undefined) lines.push(`Log file: ${context.logFile}`);
  return { title: 'Entryflow could not start', message: 'Entryflow could not open its data.', detail: lines.join('\n') };
}

export function describeFatalError(error: unknown, logFile: string | undefined): FailureDialog {
  const reason = error instanceof Error ? error.message : String(error);
  const lines = [reason, ''];
  lines.push(logFile === undefined ? 'No log file is available.' : `Details are in the log file: ${logFile}`);
  return { title: 'Entryflow hit an unexpected error', message: 'Entryflow hit an unexpected error.', detail: lines.join('\n') };
}
