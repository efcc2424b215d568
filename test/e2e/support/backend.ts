/**
 * A core that a test can stop and start again mid-session. While stopped, every call is answered
 * with an UNAVAILABLE envelope, which is what the preload answers when main cannot reach the core.
 */
import { openCore, type Core, type CoreOptions } from '../../../src/main/core/index';
import type { Envelope } from '../../../src/shared/contract';

export const BACKEND_DOWN_MESSAGE = 'The pipeline backend is not running.';

export class SwitchableBackend {
  private openCore: Core | null = null;

  constructor(private readonly options: CoreOptions) {}

  /** The core itself while it runs (for a test that sets up rows through its store). */
  get core(): Core | null {
    return this.openCore;
  }

  get running(): boolean {
    return this.openCore !== null;
  }

  async start(): Promise<void> {
    if (this.openCore) return;
    this.openCore = await openCore(this.options);
  }

  async stop(): Promise<void> {
    const core = this.openCore;
    this.openCore = null;
    await core?.close();
  }

  /** For the page (through the bridge) and for the test's own checks. */
  readonly invoke = async (channel: string, payload: unknown): Promise<Envelope<unknown>> => {
    const core = this.openCore;
    if (!core) return { ok: false, error: { code: 'UNAVAILABLE', message: BACKEND_DOWN_MESSAGE } };
    return core.invoke(channel, payload);
  };

  /** Typed helper for assertions: unwraps the envelope or throws. */
  async call<T>(channel: string, payload: unknown): Promise<T> {
    const env = await this.invoke(channel, payload);
    if (!env.ok) throw new Error(`${channel} failed: ${env.error.code} ${env.error.message}`);
    return env.data as T;
  }
}
