/**
 * What main needs from the queue engine. Declared here, structurally, so the IPC and quit modules
 * depend on a two-method shape rather than on src/main/core (which main alone opens, in index.ts).
 */
import type { Envelope } from '../shared/contract';

export interface CorePort {
  invoke(channel: string, payload: unknown): Promise<Envelope<unknown>>;
  /** `graceMs` 0: abort in-flight stages at once (the OS is ending the session). */
  close(options?: { graceMs?: number }): Promise<void>;
}
