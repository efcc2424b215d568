/**
 * When an automatic check is due. Wall-clock time on purpose: "once a day" has to survive restarts,
 * so the last check is persisted as an ISO timestamp and compared with the clock at the next start.
 */

/** At most one automatic check per day: releases are rare and the feed is someone else's server. */
export const CHECK_INTERVAL_MS = 24 * 60 * 60 * 1000;

/**
 * How often a running app asks itself whether a check is due; people leave a desktop app open for
 * weeks, and a check at start alone would never run for them.
 */
export const DUE_POLL_MS = 60 * 60 * 1000;

/**
 * True when no check is recorded, the record is unreadable, a day has passed, or the record lies in
 * the future: a clock that was set back (or a record written under a wrong clock) must not block
 * checks until the clock catches up, which could be years.
 */
export function isCheckDue(lastCheckedAt: string | undefined, now: Date): boolean {
  if (lastCheckedAt === undefined) return true;
  const last = Date.parse(lastCheckedAt);
  if (Number.isNaN(last)) return true;
  const elapsed = now.getTime() - last;
  return elapsed < 0 || elapsed >= CHECK_INTERVAL_MS;
}
