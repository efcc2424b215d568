/**
 * Screenshots at the widths issue 13 names, in light and dark, into a gitignored folder:
 * test-results/screenshots/<set>/<item>-<width>-<theme>.png. Each shot can run the item's own
 * assertions at that size first, so a layout that only breaks at one width fails the test.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { layoutFor } from '../../../src/renderer/src/lib/table-widths';
import { REPO_ROOT } from './page';

export const SHOT_SIZES = [
  { width: 640, height: 600 },
  { width: 800, height: 600 },
  { width: 1280, height: 800 },
  { width: 2560, height: 1440 },
] as const;
export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];
export type ShotSize = (typeof SHOT_SIZES)[number];

export function shotsDir(set: string): string {
  return join(REPO_ROOT, 'test-results', 'screenshots', set);
}

/** Every theme × size: switch theme, resize, run `check`, save. Leaves the page at 1280×800, light. */
export async function shootMatrix(
  page: Page,
  set: string,
  item: string,
  check?: (size: ShotSize, theme: Theme) => Promise<void>,
): Promise<string[]> {
  const dir = shotsDir(set);
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  // Theme outside, size inside: one switch of colour scheme per matrix.
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    for (const size of SHOT_SIZES) {
      await page.setViewportSize(size);
      await layoutSettled(page);
      await check?.(size, theme);
      await settled(page);
      const path = join(dir, `${item}-${size.width}-${theme}.png`);
      await page.screenshot({ path });
      paths.push(path);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  return paths;
}

/**
 * Waits until every table's column layout (`data-layout`, lib/table-widths.ts) is the one its width
 * calls for. A resize reaches it through a ResizeObserver and a React render, a frame or more after
 * the viewport changed: measured before then, a 640 px table still had the columns of 1280 px.
 */
export async function layoutSettled(page: Page): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const tables = await page.evaluate<{ width: number; layout: string | undefined }[]>(
      `[...document.querySelectorAll('[data-layout]')].map((el) => ({ width: el.getBoundingClientRect().width, layout: el.dataset.layout }))`,
    );
    if (tables.every((t) => t.width === 0 || t.layout === layoutFor(t.width))) return;
    if (Date.now() > deadline) throw new Error(`the table's columns never followed its width: ${JSON.stringify(tables)}`);
    await new Promise((r) => setTimeout(r, 16));
  }
}

/**
 * Waits for every finite animation and transition to end. A theme switch starts colour transitions
 * that (even at reduced motion's 1 ms) end only on a rendered frame; a screenshot taken before then
 * shows the old theme's colours on some text. Endless ones (the live dot's ripple) are left alone.
 */
async function settled(page: Page): Promise<void> {
  await page.evaluate(`Promise.all(document.getAnimations()
    .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
    .map((a) => a.finished.catch(() => undefined)))`);
}
