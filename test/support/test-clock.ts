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

  now(): number {
    return Date.now() + this.wallOffsetMs;
  }

  monotonic(): number {
    return performance.now();
  }

  /** The wall clock jumps by `ms` (forward after a sleep or a fast-forward step, backward for a negative `ms`). */
  stepWall(ms: number): void {
    this.wallOffsetMs += ms;
  }
}
