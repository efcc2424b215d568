/** What the core tells its observers (tests, logs, the CLI). Tests wait on these instead of sleeping. */
import { EventEmitter } from 'node:events';
import type { Entry, QueueState } from '../../shared/contract';

export interface CoreEventMap {
  /** An entry's stage outcome was written: a transition, a failed attempt, or FAILED. */
  transition: [{ workerId: string; entry: Entry }];
  claimed: [{ workerId: string; ids: string[] }];
  attemptFailed: [{ workerId: string; entryId: string; attempt: number; error: string; final: boolean }];
  /** A fenced write changed nothing: the worker's lock had been taken over. */
  lockLost: [{ workerId: string; entryId: string }];
  storeError: [{ workerId: string; error: string }];
  created: [{ entry: Entry }];
  maintenance: [{ vacuumed: boolean; rescued: number; ms: number }];
  /** The queue's settings as this process applies them changed (queue:update here, or another process's, seen by polling). */
  queueState: [{ state: QueueState }];
  /** Maintenance pruned finished entries (retention) or folded events into the throughput stats. */
  housekeeping: [{ pruned: number; batches: number; folded: number; statsPruned: number }];
  /**
   * A caller's write changed data outside the worker loops (retry, cancel, delete, bulk, queue
   * settings); api.ts emits it after each such call succeeds. Creates and stage outcomes have their
   * own events above. The app turns all of these into change notices (src/main/change-notices.ts).
   */
  changed: [{ entries: boolean; queue: boolean }];
  /**
   * Entries were cancelled while a worker held them: the worker running one (in this process) aborts
   * its stage. Other processes learn of it by NOTIFY (listener.ts).
   */
  cancelled: [{ ids: string[] }];
  /**
   * Shared server: a NOTIFY arrived on the queue's channel — some process, this one included, made
   * entries claimable or cancelled some. The app refreshes its window at once on it (change-notices.ts)
   * rather than at its next poll; only a core with workers listens.
   */
  notified: [Record<string, never>];
}

export type CoreEventEmitter = EventEmitter<CoreEventMap>;

export function createEmitter(): CoreEventEmitter {
  const e = new EventEmitter<CoreEventMap>();
  // Tests and the CLI attach a few listeners per core; the default cap of 10 is a false alarm here.
  e.setMaxListeners(100);
  return e;
}
