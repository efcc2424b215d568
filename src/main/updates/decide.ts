/**
 * The update decision, pure: the running version and the text of the feed file in, one of
 *   newer    the feed names a higher version: download it
 *   current  the feed names this version
 *   older    the feed names a lower version (a release was pulled): stay, never downgrade
 *   invalid  the feed arrived but cannot be understood (not YAML, no version, not semver)
 *   offline  the feed could not be read at all (decided by feed.ts, never here)
 * out. Versions compare by semver, as electron-updater compares them.
 */
import { load } from 'js-yaml';
import { eq, gt, valid } from 'semver';
import { z } from 'zod';

export type UpdateDecision =
  | { kind: 'newer'; version: string }
  | { kind: 'current' }
  | { kind: 'older'; version: string }
  | { kind: 'invalid'; reason: string }
  | { kind: 'offline'; reason: string };

/** What we rely on in latest*.yml; electron-updater reads the rest (files, sha512) itself. */
const feedSchema = z.object({
  // YAML reads `version: 1.2` as a number; that is still a feed that names no semver version.
  version: z.union([z.string(), z.number()]).transform(String),
});

export function decide(currentVersion: string, feedText: string): UpdateDecision {
  const current = valid(currentVersion);
  if (current === null) return { kind: 'invalid', reason: `the running version "${currentVersion}" is not a semver version` };

  let parsed: unknown;
  try {
    parsed = load(feedText);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { kind: 'invalid', reason: `the update feed is not valid YAML: ${message.split('\n', 1)[0] ?? message}` };
  }
  const feed = feedSchema.safeParse(parsed);
  if (!feed.success) return { kind: 'invalid', reason: 'the update feed names no version' };

  const latest = valid(feed.data.version);
  if (latest === null) return { kind: 'invalid', reason: `the update feed's version "${feed.data.version}" is not a semver version` };
  if (eq(latest, current)) return { kind: 'current' };
  return gt(latest, current) ? { kind: 'newer', version: latest } : { kind: 'older', version: latest };
}
