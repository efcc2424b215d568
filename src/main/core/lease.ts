/**
 * A worker loop's own view of how long its locks are still its own (shared server only).
 *
 * Another process may take a lock over once the server's clock says it went the lock timeout without
 * a heartbeat (and a grace period more, store.ts). The loop must have let go by then, so it counts
 * from the moment it *sent* the claim or heartbeat that the server confirmed, by both clocks: wall
 * time (which runs on through a laptop's sleep, as the server's does) and monotonic time (which a
 * clock stepped back cannot shrink). Whichever says more decides.
 */
import type { Clock } from './options';
import { takeoverGraceMs } from './store';

export interface Instant {
  wall: number;
  mono: number;
}

export class Lease {
  private from: Instant;
  /** How often a loop looks at its lease: a few times within the grace others wait after expiry. */
  readonly checkEveryMs: number;

  constructor(
    private readonly clock: Clock,
    private readonly timeoutMs: number,
  ) {
    this.from = this.now();
    this.checkEveryMs = Math.max(5, Math.min(1000, Math.floor(takeoverGraceMs(timeoutMs) / 4)));
  }

  now(): Instant {
    return { wall: this.clock.now(), mono: this.clock.monotonic() };
  }

  /** The server confirmed a renewal sent at `sentAt`. */
  renewed(sentAt: Instant): void {
    if (sentAt.mono > this.from.mono) this.from = sentAt;
  }

  expired(): boolean {
    const n = this.now();
    return Math.max(n.wall - this.from.wall, n.mono - this.from.mono) >= this.timeoutMs;
  }
}
