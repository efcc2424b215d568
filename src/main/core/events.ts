/** What the core tells its observers (tests, logs, the CLI). Tests wait on these instead of sleeping. */
import { EventEmitter } from 'node:events';
import type { Entry } from '../../shared/contract';

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
  /**
   * Entries were cancelled while a worker held them: the worker running one (in this process) aborts
   * its stage. Other processes learn of it by NOTIFY (listener.ts).
   */
  cancelled: [{ ids: string[] }];
  /** A person's action changed entries (retry, cancel, delete; one or in bulk): the window may refresh. */
  changed: [{ action: 'retry' | 'cancel' | 'delete'; count: number }];
}

export type CoreEventEmitter = EventEmitter<CoreEventMap>;

export function createEmitter(): CoreEventEmitter {
  const e = new EventEmitter<CoreEventMap>();
  // Tests and the CLI attach a few listeners per core; the default cap of 10 is a false alarm here.
  e.setMaxListeners(100);
  return e;
}
