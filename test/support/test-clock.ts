/**
 * A clock a test can step, for the core's `clock` option. Nothing on the machine changes: only the
 * core that is handed this clock sees its wall time move.
 *
 * A laptop's sleep and an NTP step both move the wall clock and leave monotonic time alone (Linux and
 * macOS stop the monotonic clock while suspended), so `stepWall` is the one move both need. The
 * database's own now() is not affected: a test moves the stored timestamps for that.
 */
import type { Clock } from '../../src/main/core/index';

export class TestClock implements Clock {
  private wallOffsetMs = 0;
  private frozenAt: number | null = null;

  now(): number {
    return this.frozenAt ?? Date.now() + this.wallOffsetMs;
  }

  /**
   * The wall clock reads exactly `ms` until stepped or unfrozen: for a test that must place "now" (a
   * retention cutoff, say) between two stored timestamps without racing the real clock.
   */
  freezeWallAt(ms: number | null): void {
    this.frozenAt = ms;
  }

  monotonic(): number {
    return performance.now();
  }

  /** The wall clock jumps by `ms` (forward after a sleep or a fast-forward step, backward for a negative `ms`). */
  stepWall(ms: number): void {
    if (this.frozenAt !== null) this.frozenAt += ms;
    this.wallOffsetMs += ms;
  }
}
