/**
 * Screenshots at the widths issue 13 names, in light and dark, into a gitignored folder:
 * test-results/screenshots/<set>/<item>-<width>-<theme>.png. Each shot can run the item's own
 * assertions at that size first, so a layout that only breaks at one width fails the test.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
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

/** Every size × theme: resize, switch theme, run `check`, save. Leaves the page at 1280×800, light. */
export async function shootMatrix(
  page: Page,
  set: string,
  item: string,
  check?: (size: ShotSize, theme: Theme) => Promise<void>,
): Promise<string[]> {
  const dir = shotsDir(set);
  mkdirSync(dir, { recursive: true });
  const paths: string[] = [];
  for (const size of SHOT_SIZES) {
    await page.setViewportSize(size);
    for (const theme of THEMES) {
      await page.emulateMedia({ colorScheme: theme });
      await check?.(size, theme);
      // Colour transitions and the progress bars' width transition settle (reduced motion: 1 ms).
      await page.waitForTimeout(120);
      const path = join(dir, `${item}-${size.width}-${theme}.png`);
      await page.screenshot({ path });
      paths.push(path);
    }
  }
  await page.setViewportSize({ width: 1280, height: 800 });
  await page.emulateMedia({ colorScheme: 'light' });
  return paths;
}
