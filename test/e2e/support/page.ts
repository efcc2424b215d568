/** Page-level helpers shared by the e2e scenarios. */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from 'playwright-core';
import type { ChangeNotice, Status } from '../../../src/shared/contract';
import { deliverChange, installBridge, type InvokeHandler } from './bridge';

/**
 * A source of change notices for the page, as main is in the app: given the send function, it
 * starts sending and returns the stop. E.g. `(send) => forwardChangeNotices(core.events, send)`,
 * the very module main uses, fed by a real core's events.
 */
export type ChangeFeed = (send: (notice: ChangeNotice) => void) => () => void;

export const REPO_ROOT = resolve(import.meta.dirname, '../../..');
export const ARTIFACTS = join(REPO_ROOT, 'test-artifacts');

export interface OpenedPage {
  page: Page;
  /** Uncaught page errors and console errors (CSP violations are reported as console errors). */
  problems: string[];
}

export async function openDashboard(
  browser: Browser,
  url: string,
  handler: InvokeHandler,
  options: {
    colorScheme?: 'light' | 'dark';
    deviceScaleFactor?: number;
    changes?: ChangeFeed;
    /** Runs after the bridge is installed and before the page loads (e.g. page.clock.install()). */
    beforeLoad?: (page: Page) => Promise<void>;
  } = {},
): Promise<OpenedPage> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
    colorScheme: options.colorScheme ?? 'light',
    reducedMotion: 'reduce',
  });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console: ${msg.text()}`);
  });
  await installBridge(page, handler);
  if (options.changes) {
    const stop = options.changes((notice) => void deliverChange(page, notice));
    page.on('close', stop);
  }
  await options.beforeLoad?.(page);
  await page.goto(url);
  return { page, problems };
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** A table row by its exact title (rows are labelled "title, state in words, n%"). */
export function row(page: Page, title: string): Locator {
  return page.getByRole('row', { name: new RegExp(`^${escapeRe(title)}, `) });
}

export interface RowState {
  status: Status;
  progress: number;
}

/** Status and progress read in one evaluation, so a re-render between two reads cannot mix them. */
export async function readRow(page: Page, title: string): Promise<RowState | null> {
  const r = row(page, title);
  if ((await r.count()) === 0) return null;
  // Typed structurally: this project's Node tsconfig has no DOM types.
  const [status, progress] = await r.evaluate((el: { dataset: Record<string, string | undefined> }) => [
    el.dataset.status,
    el.dataset.progress,
  ]);
  return status && progress ? { status: status as Status, progress: Number(progress) } : null;
}

export async function screenshot(page: Page, name: string, colorScheme: 'light' | 'dark' = 'light'): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.emulateMedia({ colorScheme });
  // Let colour transitions and the progress-bar width transition finish.
  await page.waitForTimeout(150);
  const path = join(ARTIFACTS, `${name}-${colorScheme}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Ctrl+N until "New entry" shows. goto resolves at the load event, which can come before React has
 * committed and attached the window's shortcut listener (a passive effect): a Ctrl+N that early
 * reaches nobody. A second press leaves an open dialog open.
 */
export async function openNewEntryDialog(page: Page): Promise<Locator> {
  const dialog = page.getByRole('dialog', { name: 'New entry' });
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Control+N');
    try {
      await dialog.waitFor({ timeout: 2000 });
      return dialog;
    } catch (err) {
      if (attempt >= 5) throw err;
    }
  }
}

export async function addEntryThroughDialog(page: Page, title: string): Promise<void> {
  const dialog = await openNewEntryDialog(page);
  await dialog.getByLabel('Title').fill(title);
  await dialog.getByLabel('Title').press('Enter');
  await dialog.waitFor({ state: 'detached' });
}

export const sleep = (ms: number) => new Promise((ok) => setTimeout(ok, ms));
