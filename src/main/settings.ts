/**
 * The app's own small settings, userData/settings.json:
 *   { "updates": { "enabled": true, "lastCheckedAt": "2025-01-31T09:00:00.000Z" } }
 * Electron-free (plain fs) so it is tested in Node.
 *
 * An unreadable or invalid file is not fatal: the defaults apply, the problem is logged, and the
 * next save replaces the file. Keys this version does not know are kept on save, so an older
 * version run after a newer one does not erase the newer one's settings.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';

export const SETTINGS_FILE_NAME = 'settings.json';

const updatesSchema = z.looseObject({
  enabled: z.boolean().default(true),
  /** When the feed last answered; see updates/schedule.ts. */
  lastCheckedAt: z.iso.datetime({ offset: true }).optional(),
});

export const settingsSchema = z.looseObject({
  updates: updatesSchema.default({ enabled: true }),
});

export type Settings = z.output<typeof settingsSchema>;

export const DEFAULT_SETTINGS: Settings = Object.freeze({ updates: Object.freeze({ enabled: true }) });

export interface ParsedSettings {
  settings: Settings;
  /** Why the file was ignored; undefined when it was used or simply absent. */
  problem: string | undefined;
}

/** `text` undefined: there is no file yet, which is the normal first run. */
export function parseSettings(text: string | undefined): ParsedSettings {
  if (text === undefined) return { settings: DEFAULT_SETTINGS, problem: undefined };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return { settings: DEFAULT_SETTINGS, problem: `not valid JSON (${error instanceof Error ? error.message : String(error)})` };
  }
  const parsed = settingsSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue === undefined ? '' : `${issue.path.join('.') || 'file'}: ${issue.message}`;
    return { settings: DEFAULT_SETTINGS, problem: `not valid settings (${where})` };
  }
  return { settings: parsed.data, problem: undefined };
}

export interface SettingsStore {
  readonly file: string;
  get(): Settings;
  /** Applies the change at once in memory and persists it; a failed write is logged, never thrown. */
  update(change: (current: Settings) => Settings): Promise<void>;
}

export interface SettingsLog {
  warn(message: string): void;
}

export async function openSettings(userDataPath: string, log: SettingsLog): Promise<SettingsStore> {
  const file = join(userDataPath, SETTINGS_FILE_NAME);
  let text: string | undefined;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if (!isNotFound(error)) log.warn(`Could not read ${file}; using default settings: ${String(error)}`);
  }
  const { settings: initial, problem } = parseSettings(text);
  if (problem !== undefined) log.warn(`Ignoring ${file}, ${problem}; using default settings until the next change is saved`);

  let current = initial;
  // One write at a time, in the order of the changes: two quick menu clicks must not land reversed.
  let writing: Promise<void> = Promise.resolve();

  return {
    file,
    get: () => current,
    update(change) {
      current = settingsSchema.parse(change(current));
      const snapshot = `${JSON.stringify(current, null, 2)}\n`;
      writing = writing.then(async () => {
        try {
          // Write aside, then rename: a crash mid-write leaves the old file, never half a file.
          const temporary = `${file}.tmp`;
          await writeFile(temporary, snapshot, 'utf8');
          await rename(temporary, file);
        } catch (error) {
          log.warn(`Could not save settings to ${file}; the change holds until the app quits: ${String(error)}`);
        }
      });
      return writing;
    },
  };
}

function isNotFound(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === 'ENOENT';
}
