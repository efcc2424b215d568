/** Where drizzle-kit's migrations are found: `drizzle/` at the repo (or packaged app) root. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CoreError } from '../errors';

/** Finds `drizzle/` by walking up from this module. */
export function findMigrationsFolder(start = dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (;;) {
    const candidate = join(dir, 'drizzle');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir) throw new CoreError('MIGRATION_FAILED', `No drizzle migrations folder found above ${start}.`);
    dir = parent;
  }
}
