/**
 * The test stand-in for the preload: `window.entryflow.invoke(channel, payload)` answered by a
 * Node-side handler (normally a real core), with the preload's contract — always an envelope,
 * never a rejection.
 */
import type { Page } from 'playwright-core';
import type { Envelope } from '../../../src/shared/contract';

export type InvokeHandler = (channel: string, payload: unknown) => Promise<Envelope<unknown>>;

const BINDING = '__entryflowInvoke';

// Runs in the page before any of its scripts, like a preload would.
const INIT_SCRIPT = `
  Object.defineProperty(window, 'entryflow', {
    value: Object.freeze({ invoke: (channel, payload) => window.${BINDING}(channel, payload) }),
    configurable: false,
    writable: false,
  });
`;

export async function installBridge(page: Page, handler: InvokeHandler): Promise<void> {
  await page.exposeFunction(BINDING, async (channel: string, payload: unknown) => {
    try {
      return await handler(channel, payload);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ok: false, error: { code: 'INTERNAL', message } } satisfies Envelope<never>;
    }
  });
  await page.addInitScript(INIT_SCRIPT);
}
