/**
 * The test stand-in for the preload: `window.entryflow.invoke(channel, payload)` answered by a
 * Node-side handler (normally a real core), with the preload's contract — always an envelope,
 * never a rejection — and `window.entryflow.onChange(listener)`, fed by `deliverChange` (what
 * main's webContents.send(CHANGE_EVENT) is in the app).
 */
import type { Page } from 'playwright-core';
import type { ChangeNotice, Envelope } from '../../../src/shared/contract';

export type InvokeHandler = (channel: string, payload: unknown) => Promise<Envelope<unknown>>;

const BINDING = '__entryflowInvoke';
/** Page-side: hands a notice to the onChange listeners (not part of window.entryflow). */
const DELIVER = '__entryflowDeliverChange';

// Runs in the page before any of its scripts, like a preload would. onChange checks the notice's
// shape like the real bridge (src/preload/bridge.ts) and passes on a copy.
const INIT_SCRIPT = `
  (() => {
    const listeners = new Set();
    Object.defineProperty(window, '${DELIVER}', {
      value: (notice) => {
        const open = typeof notice.open === 'string' ? { open: notice.open } : {};
        for (const l of [...listeners]) l({ entries: notice.entries === true, queue: notice.queue === true, ...open });
      },
      enumerable: false,
    });
    Object.defineProperty(window, 'entryflow', {
      value: Object.freeze({
        invoke: (channel, payload) => window.${BINDING}(channel, payload),
        onChange: (listener) => {
          if (typeof listener !== 'function') throw new TypeError('onChange needs a function');
          listeners.add(listener);
          return () => { listeners.delete(listener); };
        },
      }),
      configurable: false,
      writable: false,
    });
  })();
`;

/** Sends a change notice to the page's onChange listeners; a page that is gone or navigating drops it. */
export async function deliverChange(page: Page, notice: ChangeNotice): Promise<void> {
  await page
    .evaluate(([name, n]) => {
      const deliver = (globalThis as unknown as Record<string, ((n: ChangeNotice) => void) | undefined>)[name];
      deliver?.(n);
    }, [DELIVER, notice] as const)
    .catch(() => undefined);
}

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
