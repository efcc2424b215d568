/**
 * The dashboard end to end: the built renderer in headless Chromium, talking through a test bridge
 * (the preload's contract) to a real core with an on-disk database in a temp folder.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { EntryDetail, EntryPage, Status } from '../../src/shared/contract';
import { BACKEND_DOWN_MESSAGE, SwitchableBackend } from './support/backend';
import { Harness } from './support/harness';
import { addEntryThroughDialog, readRow, row, screenshot, sleep, type RowState } from './support/page';

// Longer than the 2 s poll, so every status is on screen for at least one poll.
const STAGE_DELAY_MS = 2500;
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/;

const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-'));
const backend = new SwitchableBackend({ dataDir, workers: 5, stageDelayMs: STAGE_DELAY_MS });
const harness = new Harness();

beforeAll(async () => {
  await Promise.all([harness.start(), backend.start()]);
});

// No uncaught errors and no CSP violations (Chromium reports those as console errors).
afterEach(() => harness.closePage());

afterAll(async () => {
  await harness.stop();
  await backend.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

function open(colorScheme: 'light' | 'dark' = 'light') {
  return harness.open(backend.invoke, { colorScheme, waitForRows: false });
}

async function listAll(): Promise<EntryPage> {
  return backend.call<EntryPage>('entries:list', { limit: 200 });
}

/** Samples a row every 100 ms until it reaches `until`; returns the distinct states seen, in order. */
async function watchRow(page: Awaited<ReturnType<typeof open>>, title: string, until: Status, timeoutMs: number) {
  const seen: RowState[] = [];
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const state = await readRow(page, title);
    const last = seen.at(-1);
    if (state && (!last || last.status !== state.status || last.progress !== state.progress)) seen.push(state);
    if (state?.status === until) return seen;
    await sleep(100);
  }
  throw new Error(`"${title}" did not reach ${until} in ${timeoutMs} ms; saw ${JSON.stringify(seen)}`);
}

describe('dashboard against a real core', () => {
  it('shows a friendly empty state', async () => {
    const page = await open();
    await page.getByText('No entries yet').waitFor();
    await expect.poll(() => page.getByText('Live', { exact: true }).isVisible()).toBe(true);
    await screenshot(page, 'empty', 'light');
    await screenshot(page, 'empty', 'dark');
  });

  it('an entry added through the dialog moves CREATED → STAGE_1 → STAGE_2 → COMPLETED by polling alone', async () => {
    const page = await open();
    const title = 'Reconcile March invoices';
    await addEntryThroughDialog(page, title);
    await page.getByText('Entry created').waitFor();

    const seen = await watchRow(page, title, 'COMPLETED', 6 * STAGE_DELAY_MS + 10_000);
    expect(seen).toEqual([
      { status: 'CREATED', progress: 0 },
      { status: 'STAGE_1', progress: 33 },
      { status: 'STAGE_2', progress: 66 },
      { status: 'COMPLETED', progress: 100 },
    ]);
    const done = row(page, title);
    await expect.poll(() => done.textContent()).toMatch(ISO);
    expect(await done.textContent()).toContain(title);
    await screenshot(page, 'lifecycle-completed', 'light');

    // The detail drawer tells the same story from the events table.
    await done.click();
    const drawer = page.getByRole('dialog', { name: title });
    const timeline = drawer.getByRole('list', { name: 'Timeline' });
    await timeline.waitFor();
    await expect.poll(() => timeline.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Created'),
      expect.stringContaining('Created → Stage 1'),
      expect.stringContaining('Stage 1 → Stage 2'),
      expect.stringContaining('Stage 2 → Completed'),
    ]);
    await expect.poll(() => drawer.getByRole('region', { name: 'Result' }).textContent()).toMatch(ISO);
    await screenshot(page, 'detail-completed', 'light');
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
  });

  it('refuses an empty and a 500-character title as the core would, saying why once, creating nothing', async () => {
    const page = await open();
    await row(page, 'Reconcile March invoices').waitFor();
    const before = await listAll();

    await page.getByRole('button', { name: /New entry/ }).first().click();
    const dialog = page.getByRole('dialog', { name: 'New entry' });
    const input = dialog.getByLabel('Title');
    const create = dialog.getByRole('button', { name: 'Create entry' });
    // Nothing typed: Create is off and Enter sends nothing; blanks are no title either.
    expect(await create.isDisabled()).toBe(true);
    await input.press('Enter');
    await input.fill('   ');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('Give the entry a title.');

    await input.fill('x'.repeat(500));
    await dialog.getByText('500/200').waitFor();
    expect(await create.isDisabled()).toBe(true);
    await expect.poll(() => dialog.getByRole('alert').textContent()).toContain('shorten it to 200 or fewer');
    await screenshot(page, 'new-entry-error', 'light');
    await screenshot(page, 'new-entry-error', 'dark');

    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    const after = await listAll();
    expect(after.items.map((e) => e.id)).toEqual(before.items.map((e) => e.id));
    expect(after.counts).toEqual(before.counts);
  });

  it('five entries added at once progress in parallel', async () => {
    const page = await open();
    const titles = ['Resize product photos', 'Send weekly digest', 'Re-index search', 'Export GDPR request', 'Archive tickets'];
    for (const t of titles) await addEntryThroughDialog(page, t);

    let maxInFlight = 0;
    const deadline = Date.now() + 8 * STAGE_DELAY_MS + 15_000;
    for (;;) {
      const states = await Promise.all(titles.map((t) => readRow(page, t)));
      const inFlight = states.filter((s) => s?.status === 'STAGE_1' || s?.status === 'STAGE_2').length;
      if (inFlight > maxInFlight && inFlight >= 2) {
        // Keep the busiest moment for the screenshots.
        await screenshot(page, 'busy', 'light');
        await screenshot(page, 'busy', 'dark');
        await page.emulateMedia({ colorScheme: 'light' });
      }
      maxInFlight = Math.max(maxInFlight, inFlight);
      if (states.every((s) => s?.status === 'COMPLETED')) break;
      if (Date.now() > deadline) throw new Error(`not all completed: ${JSON.stringify(states)}`);
      await sleep(100);
    }
    expect(maxInFlight).toBeGreaterThanOrEqual(2);
    // In parallel, by the core's own record rather than a stopwatch (a loaded machine stretches any
    // wall-clock bound): each stage run's event holds when it ended and how long it took, and runs of
    // different entries overlap in time.
    const page1 = await listAll();
    const runs: { entry: string; start: number; end: number }[] = [];
    for (const e of page1.items.filter((i) => titles.includes(i.title))) {
      const detail = await backend.call<EntryDetail>('entries:get', { id: e.id });
      for (const ev of detail.events) {
        if (ev.stage === null || ev.durationMs === null) continue;
        const end = Date.parse(ev.at);
        runs.push({ entry: e.id, start: end - ev.durationMs, end });
      }
    }
    expect(runs.length).toBe(titles.length * 3);
    const overlapping = runs.some((a) => runs.some((b) => a.entry !== b.entry && a.start < b.end && b.start < a.end));
    expect(overlapping).toBe(true);
    const counts = page1.counts;
    expect(counts.COMPLETED).toBe(6);
    const filters = page.getByRole('group', { name: 'Filter by status' });
    await expect.poll(() => filters.getByRole('button', { name: /^Completed/ }).textContent()).toBe('Completed6');
  });

  it('shows everything again after a reload and after the backend restarts (persisted on disk)', async () => {
    const page = await open();
    const titles = (await listAll()).items.map((e) => e.title);
    expect(titles).toHaveLength(6);
    await page.reload();
    for (const t of titles) await row(page, t).waitFor();

    await backend.stop();
    await backend.start(); // same dataDir: a fresh database connection reads what was written
    await page.reload();
    for (const t of titles) {
      await row(page, t).waitFor();
      expect((await readRow(page, t))?.status).toBe('COMPLETED');
    }
  });

  it('says so when the backend stops mid-session, keeps polling, and recovers by itself', async () => {
    const page = await open();
    await row(page, 'Archive tickets').waitFor();

    await backend.stop();
    const alert = page.getByRole('alert');
    await expect.poll(() => alert.textContent(), { timeout: 10_000 }).toContain(BACKEND_DOWN_MESSAGE);
    await page.getByText('Offline', { exact: true }).waitFor();
    // The last known rows stay on screen.
    expect(await row(page, 'Archive tickets').isVisible()).toBe(true);
    await screenshot(page, 'backend-down', 'light');

    await backend.start();
    await alert.waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByText('Live', { exact: true }).waitFor();

    // Fully working again: a new entry shows up by polling.
    await backend.call('entries:create', { title: 'Back online' });
    await row(page, 'Back online').waitFor({ timeout: 10_000 });
  });
});
