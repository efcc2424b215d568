/**
 * "Keep it aside and start fresh": a damaged or foreign data folder is renamed, never deleted or
 * written into, and only on the user's explicit choice in the startup-failure dialog.
 */
import { existsSync, renameSync } from 'node:fs';

/** Where a folder is moved: beside it, stamped, so several attempts never collide. */
export function asidePathFor(dataDir: string, now: Date): string {
  return `${dataDir}.aside-${now.toISOString().replace(/[:.]/g, '-')}`;
}

export function moveDataDirAside(dataDir: string, now: Date = new Date()): string {
  const target = asidePathFor(dataDir, now);
  if (existsSync(target)) throw new Error(`Cannot move ${dataDir} aside: ${target} already exists.`);
  renameSync(dataDir, target);
  return target;
}

/** Only failures of the folder's content may offer it: a lock or a server problem is not the folder's fault. */
export function canMoveAside(code: string | undefined, databaseUrl: string | undefined): boolean {
  return databaseUrl === undefined && (code === 'DATA_DIR_UNUSABLE' || code === 'MIGRATION_FAILED');
}
