/**
 * A core that a test can stop and start again mid-session. While stopped, every call is answered
 * with an UNAVAILABLE envelope, which is what the preload answers when main cannot reach the core.
 */
import { openCore, type Core, type CoreOptions } from '../../../src/main/core/index';
import type { Envelope } from '../../../src/shared/contract';

export const BACKEND_DOWN_MESSAGE = 'The pipeline backend is not running.';

export class SwitchableBackend {
  private core: Core | null = null;

  constructor(private readonly options: CoreOptions) {}

  get running(): boolean {
    return this.core !== null;
  }

  async start(): Promise<void> {
    if (this.core) return;
    this.core = await openCore(this.options);
  }

  async stop(): Promise<void> {
    const core = this.core;
    this.core = null;
    await core?.close();
  }

  /** For the page (through the bridge) and for the test's own checks. */
  readonly invoke = async (channel: string, payload: unknown): Promise<Envelope<unknown>> => {
    const core = this.core;
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
