/**
 * What the two page benches (first-launch's window case, first-paint) share: the moment the first
 * list is on screen.
 */
import type { Page } from 'playwright-core';

interface PageDocument {
  querySelector(selector: string): unknown;
  querySelectorAll(selector: string): ArrayLike<{ textContent: string | null }>;
}

/**
 * Resolves once a row or the empty state is visible. Checked on every animation frame: a locator's
 * waitFor backs off to a 500 ms poll after its first second, which once added up to half a second
 * to the first-launch figure.
 */
export async function waitForFirstList(page: Page): Promise<void> {
  await page.waitForFunction(
    () => {
      // Runs in the page; this file's types are Node's, so the little DOM it needs is spelled out.
      const doc = (globalThis as unknown as { document: PageDocument }).document;
      return doc.querySelector('tr[data-entry-id]') !== null || Array.from(doc.querySelectorAll('h1, h2, h3')).some((h) => h.textContent === 'No entries yet');
    },
    undefined,
    { polling: 'raf', timeout: 60_000 },
  );
}
