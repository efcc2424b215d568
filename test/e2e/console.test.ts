/**
 * The operator's console end to end (issue 11): the built renderer in headless Chromium, through the
 * test bridge, against real cores. One test per feature — cancel/retry/delete from the drawer, bulk
 * actions over a checkbox range and over "all matching", pause/resume and settings, the throughput
 * panel, export — and an axe-core scan with the console's panels open. Screenshots in light and dark
 * go to test-results/screenshots/console/ (gitignored).
 *
 * Two cores: `live` runs a pool over a pipeline whose stages are instant, except for titles with
 * "slow" (a stage that waits until cancelled) and "boom" (a stage that fails); `still` has no pool,
 * so what the bulk tests create stays waiting and counts stay exact.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sleep as stageSleep, type Stage } from '../../src/main/core/pipeline';
import type { Entry, EntryPage, ExportFormat, QueueState, Status } from '../../src/shared/contract';
import { seriousViolations } from './support/axe';
import { SwitchableBackend } from './support/backend';
import { Harness } from './support/harness';
import { row, sleep } from './support/page';
import { layoutSettled, shootMatrix, shotsDir, THEMES } from './support/shots';

const SET = 'console';
const liveDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-console-live-'));
const stillDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-console-still-'));
const exportDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-console-export-'));
const exported: string[] = [];

const stage = (n: number): Stage => ({
  name: `stage ${n}`,
  run: async ({ entry, signal }) => {
    if (entry.title.includes('slow')) await stageSleep(10 * 60_000, signal);
    else await stageSleep(20, signal);
    if (entry.title.includes('boom') && n === 2) throw new Error('upstream answered 503');
    return n === 3 ? `done: ${entry.title}` : undefined;
  },
});

const live = new SwitchableBackend({
  dataDir: liveDir,
  workers: 2,
  maxAttempts: 1,
  shutdownGraceMs: 0,
  pipeline: [stage(1), stage(2), stage(3)],
  // What main's save dialog answers, without a dialog: a fresh file in a temporary folder.
  chooseExportPath: (format: ExportFormat) => {
    const path = join(exportDir, `export-${exported.length + 1}.${format}`);
    exported.push(path);
    return Promise.resolve(path);
  },
});
const still = new SwitchableBackend({ dataDir: stillDir, workers: 0 });
const harness = new Harness();

beforeAll(async () => {
  await Promise.all([harness.start(), live.start(), still.start()]);
});

afterEach(() => harness.closePage());

afterAll(async () => {
  await harness.stop();
  await Promise.all([live.stop(), still.stop()]);
  for (const dir of [liveDir, stillDir, exportDir]) rmSync(dir, { recursive: true, force: true });
});

async function waitUntil(what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await sleep(100);
  }
}

const statusOf = async (core: SwitchableBackend, id: string) => (await core.call<Entry>('entries:get', { id })).status;
const create = (core: SwitchableBackend, title: string) => core.call<Entry>('entries:create', { title });

/** Light and dark at the given size, as <item>-<width>-<theme>.png. */
async function shoot(page: Page, item: string, width = 1280, height = 800): Promise<void> {
  const dir = shotsDir(SET);
  mkdirSync(dir, { recursive: true });
  await page.setViewportSize({ width, height });
  // The table's columns follow its new width a frame or more after the resize.
  await layoutSettled(page);
  for (const theme of THEMES) {
    await page.emulateMedia({ colorScheme: theme });
    await page.evaluate(`Promise.all(document.getAnimations()
      .filter((a) => a.effect && a.effect.getComputedTiming().endTime !== Infinity)
      .map((a) => a.finished.catch(() => undefined)))`);
    await page.screenshot({ path: join(dir, `${item}-${width}-${theme}.png`) });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The toaster's newest message, once one says `text`. */
async function toastSaying(page: Page, text: string | RegExp): Promise<string> {
  const toast = page.locator('[data-sonner-toast]').filter({ hasText: text }).first();
  await toast.waitFor({ timeout: 15_000 });
  return (await toast.textContent()) ?? '';
}

async function dismissToasts(page: Page): Promise<void> {
  for (const close of await page.locator('[data-sonner-toast] button[aria-label="Close toast"]').all()) {
    await close.click().catch(() => undefined);
  }
  await page.locator('[data-sonner-toast]').first().waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
}

describe('the console against a real core', () => {
  it('(a) cancels a running entry from the drawer, retries it, and deletes a finished one', async () => {
    const running = await create(live, 'Import the slow ledger');
    await waitUntil('the slow entry runs', async () => (await live.call<Entry>('entries:get', { id: running.id })).lockedBy !== null);
    const done = await create(live, 'Resize the quick photos');
    await waitUntil('the quick entry completes', async () => (await statusOf(live, done.id)) === 'COMPLETED');

    const page = await harness.open(live.invoke);
    await row(page, 'Import the slow ledger').click();
    const drawer = page.getByRole('dialog', { name: 'Import the slow ledger' });
    const cancel = drawer.getByRole('button', { name: 'Cancel entry' });
    await cancel.waitFor();
    expect(await drawer.getByRole('button', { name: 'Delete' }).count()).toBe(0);
    await shoot(page, 'a-drawer-running');
    await cancel.click();
    await toastSaying(page, 'Entry cancelled');
    await waitUntil('the core says CANCELLED', async () => (await statusOf(live, running.id)) === 'CANCELLED');
    // The drawer follows: the cancelled alert with Retry, and Delete now that it is finished.
    const cancelled = drawer.getByRole('region', { name: 'Cancelled' });
    await cancelled.waitFor({ timeout: 10_000 });
    await drawer.getByRole('button', { name: 'Delete' }).waitFor();
    await shoot(page, 'a-drawer-cancelled');

    await cancelled.getByRole('button', { name: /^Retry/ }).click();
    await waitUntil('the retried entry is active again', async () => (await statusOf(live, running.id)) !== 'CANCELLED');
    await drawer.getByRole('button', { name: 'Cancel entry' }).waitFor({ timeout: 10_000 });
    // Leave the pool free for the next tests.
    await live.call('entries:cancel', { id: running.id });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });

    await row(page, 'Resize the quick photos').click();
    const finished = page.getByRole('dialog', { name: 'Resize the quick photos' });
    expect(await finished.getByRole('button', { name: 'Cancel entry' }).count()).toBe(0);
    await finished.getByRole('button', { name: 'Delete' }).click();
    const confirm = page.getByRole('alertdialog', { name: /Delete this entry/ });
    await confirm.waitFor();
    await shoot(page, 'a-confirm-delete');
    await confirm.getByRole('button', { name: 'Delete entry' }).click();
    await toastSaying(page, 'Entry deleted');
    await finished.waitFor({ state: 'detached' });
    await row(page, 'Resize the quick photos').waitFor({ state: 'detached', timeout: 10_000 });
    const gone = await live.invoke('entries:get', { id: done.id });
    expect(gone.ok ? null : gone.error.code).toBe('NOT_FOUND');
  });

  it('(b) bulk: a checkbox and a shift-click range, then "select all matching" beyond the loaded page', async () => {
    for (let i = 1; i <= 130; i++) await create(still, `Bulk invoice ${String(i).padStart(3, '0')}`);
    await create(still, 'Unrelated entry');
    const page = await harness.open(still.invoke);

    // Newest first: 130, 129, ... A tick on 130, shift-click on 126: five rows.
    await row(page, 'Bulk invoice 130').getByRole('checkbox').click();
    await row(page, 'Bulk invoice 126').getByRole('checkbox').click({ modifiers: ['Shift'] });
    const bar = page.getByRole('toolbar', { name: 'Selected entries' });
    await expect.poll(() => bar.getByRole('status').textContent()).toBe('5 entries selected');
    for (const n of [130, 129, 128, 127, 126]) expect(await row(page, `Bulk invoice ${n}`).getAttribute('aria-selected')).toBe('true');
    expect(await row(page, 'Bulk invoice 125').getAttribute('aria-selected')).toBe('false');
    await shootMatrix(page, SET, 'b-bulk-range', async () => {
      expect(await bar.isVisible()).toBe(true);
      // Every action stays on screen, beside the count, at 640 px too.
      for (const name of ['Retry', 'Cancel', 'Delete', 'Clear selection']) {
        const box = await bar.getByRole('button', { name, exact: true }).boundingBox();
        const size = page.viewportSize();
        expect(box && size && box.x + box.width <= size.width).toBe(true);
      }
    });

    await bar.getByRole('button', { name: 'Cancel', exact: true }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Cancel 5 entries?' });
    await confirm.waitFor();
    await confirm.getByRole('button', { name: 'Cancel 5 entries' }).click();
    expect(await toastSaying(page, /^Cancelled 5 entries/)).toContain('Cancelled 5 entries');
    await confirm.waitFor({ state: 'detached' });
    await bar.waitFor({ state: 'detached' });
    await expect.poll(() => readRowStatus(page, 'Bulk invoice 128'), { timeout: 10_000 }).toBe('CANCELLED');

    // Search "Bulk invoice": 130 match, the first page loads 100.
    await page.getByRole('searchbox').fill('Bulk invoice');
    await expect.poll(() => page.getByTestId('list-summary').textContent(), { timeout: 10_000 }).toMatch(/^130 entries match/);
    expect(await page.locator('tr[data-entry-id]').count()).toBeLessThan(130);
    await page.getByRole('checkbox', { name: 'Select the loaded entries' }).click();
    await bar.getByRole('button', { name: 'Select all 130 matching' }).click();
    await expect.poll(() => bar.getByRole('status').textContent()).toBe('All 130 matching selected');
    await shootMatrix(page, SET, 'b-bulk-all-matching');

    await bar.getByRole('button', { name: 'Cancel', exact: true }).click();
    const all = page.getByRole('alertdialog', { name: 'Cancel all 130 entries?' });
    await all.waitFor();
    await shoot(page, 'b-confirm-all');
    await all.getByRole('button', { name: 'Cancel 130 entries' }).click();
    // Five were cancelled already: the core skips them and the toast says so.
    expect(await toastSaying(page, /^Cancelled 125 entries/)).toContain('Cancelled 125 entries; 5 had already finished');
    await shoot(page, 'b-result-toast');
    const page1 = await still.call<EntryPage>('entries:list', { limit: 200, search: 'Bulk invoice' });
    expect(page1.items.filter((e) => e.status === 'CANCELLED')).toHaveLength(130);
    expect((await still.call<EntryPage>('entries:list', { search: 'Unrelated' })).items[0]?.status).toBe('CREATED');

    // x on the focused row and Esc (keyboard only).
    await page.getByRole('searchbox').fill('');
    await expect.poll(() => page.getByTestId('list-summary').textContent(), { timeout: 10_000 }).toMatch(/of 131 entries/);
    await page.getByRole('searchbox').focus();
    await page.keyboard.press('Tab');
    await page.keyboard.press('x');
    await expect.poll(() => bar.getByRole('status').textContent()).toBe('1 entry selected');
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
    // Up from the first row: the header checkbox; Space ticks the loaded rows; Down goes back.
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-label")')).toBe('Select the loaded entries');
    await page.keyboard.press('Space');
    await expect.poll(() => bar.getByRole('status').textContent()).toBe('100 entries selected');
    await page.keyboard.press('ArrowDown');
    expect(await page.evaluate('document.activeElement?.getAttribute("aria-rowindex")')).toBe('2');
    await page.keyboard.press('Escape');
    await bar.waitFor({ state: 'detached' });
  });

  it('(c) pause survives a reload (the state is the core\'s), and settings change workers and stage delay', async () => {
    const page = await harness.open(live.invoke);
    await page.getByRole('button', { name: 'Pause queue' }).click();
    await page.getByRole('status').filter({ hasText: 'Paused' }).first().waitFor();
    expect((await live.call<QueueState>('queue:state', {})).paused).toBe(true);
    await shoot(page, 'c-paused');
    await page.reload();
    await page.locator('tr[data-entry-id]').first().waitFor();
    await page.getByRole('button', { name: 'Resume queue' }).waitFor();
    expect(await page.locator('header').getByText('Paused', { exact: true }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Resume queue' }).click();
    await page.getByRole('button', { name: 'Pause queue' }).waitFor();
    expect((await live.call<QueueState>('queue:state', {})).paused).toBe(false);

    await page.getByRole('button', { name: 'Settings' }).click();
    const dialog = page.getByRole('dialog', { name: 'Queue settings' });
    await dialog.waitFor();
    await dialog.getByLabel('Workers').fill('3');
    await dialog.getByLabel('Stage delay').fill('1500');
    await shoot(page, 'c-settings');
    await dialog.getByLabel('Workers').fill('0');
    expect(await dialog.getByRole('button', { name: 'Save settings' }).isDisabled()).toBe(true);
    await shoot(page, 'c-settings-invalid');
    await dialog.getByLabel('Workers').fill('3');
    await dialog.getByRole('button', { name: 'Save settings' }).click();
    await dialog.waitFor({ state: 'detached' });
    await toastSaying(page, 'Settings saved');
    expect(await live.call<QueueState>('queue:state', {})).toMatchObject({ paused: false, workers: 3, stageDelayMs: 1500 });
    await page.locator('header').getByText('3 workers').waitFor({ timeout: 10_000 });
  });

  it('(d) the throughput panel shows bars once entries finish, and p50/p95 per stage', async () => {
    const made: Entry[] = [];
    for (let i = 1; i <= 6; i++) made.push(await create(live, `Chart point ${i}`));
    made.push(await create(live, 'Chart boom'));
    await waitUntil('they all finish', async () => {
      const statuses = await Promise.all(made.map((e) => statusOf(live, e.id)));
      return statuses.every((s) => s === 'COMPLETED' || s === 'FAILED');
    });
    const page = await harness.open(live.invoke);
    const toggle = page.getByRole('button', { name: 'Throughput' });
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await toggle.click();
    const panel = page.getByRole('region', { name: 'Throughput' });
    await panel.waitFor();
    await expect.poll(() => panel.locator('svg rect.fill-emerald-500').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await panel.locator('svg rect.fill-rose-500').count()).toBeGreaterThan(0);
    const stages = panel.getByRole('table', { name: /Stage durations/ });
    await expect.poll(() => stages.getByRole('row').count()).toBe(4); // header + 3 stages
    const stage1 = await stages.getByRole('row', { name: /Stage 1/ }).textContent();
    expect(stage1).toMatch(/Stage 1\d+\d+ ms\d+ ms/);
    await shoot(page, 'd-throughput');
    await shoot(page, 'd-throughput', 2560, 1440);
    await panel.getByRole('button', { name: 'Last day' }).click();
    expect(await panel.getByRole('button', { name: 'Last day' }).getAttribute('aria-pressed')).toBe('true');
    await expect.poll(() => panel.locator('svg rect.fill-emerald-500').count(), { timeout: 15_000 }).toBeGreaterThan(0);
  });

  it('(e) exports the current filter through the menu into the file the chooser gave', async () => {
    const page = await harness.open(live.invoke);
    const counts = (await live.call<EntryPage>('entries:list', { limit: 1 })).counts;
    const total = Object.values(counts).reduce((a, b) => a + b, 0);

    await page.getByRole('button', { name: 'Export' }).click();
    const menu = page.getByRole('menu', { name: 'Export format' });
    await menu.waitFor();
    await shoot(page, 'e-export-menu');
    await menu.getByRole('menuitem', { name: /CSV/ }).click();
    expect(await toastSaying(page, /^Exported/)).toContain(`Exported ${total} entries to ${exported.at(-1)}`);
    const csv = readFileSync(exported.at(-1)!, 'utf8').trim().split('\r\n');
    expect(csv.length - 1).toBe(total);

    // A status filter narrows the export to it: JSON of the completed ones.
    await page.getByRole('group', { name: 'Filter by status' }).getByRole('button', { name: /^Completed/ }).click();
    await expect.poll(() => page.getByTestId('list-summary').textContent(), { timeout: 10_000 }).toMatch(new RegExp(`of ${counts.COMPLETED} entr`));
    await page.getByRole('button', { name: 'Export' }).focus();
    await page.keyboard.press('ArrowDown');
    await menu.getByRole('menuitem', { name: /JSON/ }).waitFor();
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('Enter');
    await toastSaying(page, /\.json$/);
    const json = JSON.parse(readFileSync(exported.at(-1)!, 'utf8')) as Entry[];
    expect(json.length).toBe(counts.COMPLETED);
    expect(json.every((e) => e.status === 'COMPLETED')).toBe(true);
  });

  it('(g) axe finds nothing serious with the bulk bar, the settings dialog and the throughput panel open', async () => {
    for (const theme of THEMES) {
      const page = await harness.open(still.invoke, { colorScheme: theme });
      await page.getByRole('button', { name: 'Throughput' }).click();
      await page.getByRole('region', { name: 'Throughput' }).getByRole('img', { name: /^Completed and failed/ }).waitFor();
      await page.locator('tr[data-entry-id]').nth(0).getByRole('checkbox').click();
      await page.locator('tr[data-entry-id]').nth(2).getByRole('checkbox').click({ modifiers: ['Shift'] });
      await page.getByRole('toolbar', { name: 'Selected entries' }).waitFor();
      expect(await seriousViolations(page, `console ${theme}`)).toEqual([]);
      if (theme === 'light') await shoot(page, 'g-axe-panels');

      await page.getByRole('button', { name: 'Settings' }).click();
      await page.getByRole('dialog', { name: 'Queue settings' }).waitFor();
      expect(await seriousViolations(page, `settings ${theme}`)).toEqual([]);

      // A toast (the result of an action) is part of the console too.
      await page.keyboard.press('Escape');
      await page.getByRole('button', { name: 'Pause queue' }).click();
      await toastSaying(page, 'Paused');
      expect(await seriousViolations(page, `toast ${theme}`)).toEqual([]);
      if (theme === 'light') await shoot(page, 'g-axe-toast');
      await page.getByRole('button', { name: 'Resume queue' }).click();
      await dismissToasts(page);
      await harness.closePage();
    }
  });
});

async function readRowStatus(page: Page, title: string): Promise<Status | null> {
  const r = row(page, title);
  if ((await r.count()) === 0) return null;
  return (await r.getAttribute('data-status')) as Status | null;
}
