/**
 * The dashboard's data at scale (issue 13): what a poll costs with 50+ pages loaded, that a change
 * shows within one poll, search by id tail and error text with honest counts, and retry from the
 * failed stage. The built renderer in headless Chromium, through the test bridge, on a real core;
 * every entries:list call the page makes is recorded.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { openCore, type Core } from '../../src/main/core/index';
import { MATCH_COUNT_MAX } from '../../src/main/core/store';
import type { Entry } from '../../src/shared/contract';
import { waitFor } from '../support/core';
import { Harness } from './support/harness';
import { openNewEntryDialog, row } from './support/page';

const PAGES = 52;
const PAGE_SIZE = 100;

interface ListCall {
  payload: { cursor?: string; from?: string; limit?: number; search?: string };
  at: number;
}

const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-data-'));
let core: Core;
const harness = new Harness();
const listCalls: ListCall[] = [];
let oldest: Entry[] = [];

beforeAll(async () => {
  core = await openCore({ dataDir, workers: 0 });
  // Enough entries for PAGES pages of 100 and a few more, oldest first.
  const made: Entry[] = [];
  for (let i = 0; i < PAGES * PAGE_SIZE + 50; i++) {
    const r = await core.invoke('entries:create', { title: `bulk ${String(i).padStart(5, '0')}` });
    if (!r.ok) throw new Error(r.error.message);
    made.push(r.data);
  }
  oldest = made;
  await harness.start();
}, 300_000);

afterEach(() => harness.closePage());

afterAll(async () => {
  await harness.stop();
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function open(): Promise<Page> {
  listCalls.length = 0;
  return harness.open(
    async (channel, payload) => {
      if (channel === 'entries:list') listCalls.push({ payload: payload ?? {}, at: Date.now() });
      return core.invoke(channel, payload);
    },
    { waitForRows: false },
  );
}

/** A poll is a call without cursor or from (the head); its window read, if any, follows it. */
const isHead = (c: ListCall) => c.payload.cursor === undefined && c.payload.from === undefined;
const heads = () => listCalls.filter(isHead).length;

async function loadPages(page: Page, pages: number): Promise<void> {
  const more = page.getByRole('button', { name: 'Load more' });
  for (let loaded = 1; loaded < pages; loaded++) {
    const before = listCalls.filter((c) => c.payload.cursor !== undefined).length;
    await more.click();
    await waitFor(() => listCalls.filter((c) => c.payload.cursor !== undefined).length > before || undefined, 'the next page to be asked for');
    await waitFor(async () => (await more.isEnabled()) || undefined, 'the next page to load');
  }
}

describe('the dashboard with 50+ pages loaded', () => {
  it('polls with at most 2 entries:list calls, never re-reading loaded pages, and shows a new entry within one poll', async () => {
    const page = await open();
    await row(page, `bulk ${String(PAGES * PAGE_SIZE + 49).padStart(5, '0')}`).waitFor();
    await loadPages(page, PAGES);
    await expect.poll(() => page.getByTestId('list-summary').textContent()).toContain(`Showing ${(PAGES * PAGE_SIZE).toLocaleString('en-US')} of`);

    // Scroll to the middle of what is loaded, so the poll has a window below the head to re-read.
    await page.locator('[data-virtual-viewport]').evaluate((el: { scrollTop: number; scrollHeight: number }) => {
      el.scrollTop = el.scrollHeight / 2;
    });
    const start = listCalls.length;
    await waitFor(() => heads() >= 0 && listCalls.slice(start).filter(isHead).length >= 4 || undefined, '4 polls', 20_000);
    const during = listCalls.slice(start);
    // No loaded page is fetched again: no cursor at all while only polling.
    expect(during.filter((c) => c.payload.cursor !== undefined)).toEqual([]);
    // Per poll: the head and at most one window read of at most 200 rows.
    const perPoll: number[] = [];
    for (const c of during) {
      if (isHead(c)) perPoll.push(1);
      else if (perPoll.length > 0) perPoll[perPoll.length - 1]! += 1;
    }
    expect(perPoll.length).toBeGreaterThanOrEqual(4);
    expect(Math.max(...perPoll), JSON.stringify(perPoll)).toBeLessThanOrEqual(2);
    const windows = during.filter((c) => c.payload.from !== undefined);
    expect(windows.length, 'scrolled mid-list, polls re-read the rows on screen').toBeGreaterThan(0);
    for (const w of windows) expect(w.payload.limit).toBeLessThanOrEqual(200);

    // A row on screen, mid-list, changes in the core: it shows at the next poll (the window read).
    // Typed structurally: this project's Node tsconfig has no DOM types.
    type Box = { top: number; bottom: number };
    type El = { getBoundingClientRect(): Box; querySelectorAll(s: string): Iterable<El>; getAttribute(n: string): string | null };
    const shownId = await page.locator('[data-virtual-viewport]').evaluate((viewport: El) => {
      const view = viewport.getBoundingClientRect();
      const mid = (view.top + view.bottom) / 2;
      for (const r of viewport.querySelectorAll('tr[data-entry-id]')) {
        const box = r.getBoundingClientRect();
        if (box.top <= mid && box.bottom >= mid) return r.getAttribute('data-entry-id');
      }
      return null;
    });
    expect(shownId).not.toBeNull();
    const [claimed] = await core.store.claimIds('e2e', [shownId!]);
    expect(claimed?.id).toBe(shownId);
    const result = await core.store.finishAndClaim('e2e', [{ id: shownId!, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }], 0);
    expect(result.lost).toEqual([]);
    const headsAtChange = heads();
    const shownRow = page.locator(`tr[data-entry-id="${shownId}"]`);
    await waitFor(async () => (await shownRow.getAttribute('data-status')) === 'STAGE_1' || undefined, 'the changed row to show its new status');
    // Shown by the first poll that started after the change (it may still have been in flight at the change).
    expect(heads() - headsAtChange).toBeLessThanOrEqual(2);

    // A new entry appears at the top within one poll, though 52 pages are loaded.
    await page.locator('[data-virtual-viewport]').evaluate((el: { scrollTop: number }) => {
      el.scrollTop = 0;
    });
    const headsAtCreate = heads();
    await core.invoke('entries:create', { title: 'fresh one' });
    await row(page, 'fresh one').waitFor();
    expect(heads() - headsAtCreate).toBeLessThanOrEqual(2);
    expect(oldest.length).toBe(PAGES * PAGE_SIZE + 50);
  });
});

describe('search, retry and the new-entry dialog', () => {
  it('finds an entry by the id tail shown under its title and by its error text, and says how many match', async () => {
    // Fail one entry in stage 2 (it had finished stage 1), with an HTTP error as its text.
    const made = await core.invoke('entries:create', { title: 'Upload to archive' });
    if (!made.ok) throw new Error(made.error.message);
    const id = made.data.id;
    const token = 'e2e-search';
    await core.store.claimIds(token, [id]);
    await core.store.finishAndClaim(token, [{ id, from: 'CREATED', to: 'STAGE_1', progress: 33, result: null, error: null, delayMs: 0 }], 0);
    await core.store.claimIds(token, [id]);
    const failed = await core.store.finishAndClaim(token, [{ id, from: 'STAGE_1', to: 'FAILED', progress: 33, result: null, error: 'upstream answered 503 Service Unavailable', delayMs: 0 }], 0);
    expect(failed.lost).toEqual([]);

    const page = await open();
    const search = page.getByRole('searchbox');
    await row(page, 'Upload to archive').waitFor();
    // The tail as the row shows it, ellipsis included.
    await search.fill(`…${id.slice(-8)}`);
    await expect.poll(() => page.getByTestId('list-summary').textContent()).toContain('1 entry matches');
    await expect.poll(() => page.locator('[data-virtual-viewport] tr[data-entry-id]').count()).toBe(1);
    await search.fill('503 Service');
    await expect.poll(() => page.getByTestId('list-summary').textContent()).toMatch(/^1 entry matches “503 Service” · showing 1$/);
    // The pills keep whole-table counts, and say so.
    await expect.poll(() => page.getByTestId('counts-scope').textContent()).toBe('All entries, by status:');
    // A common word: the count of matches, not the page size; the core stops counting at
    // MATCH_COUNT_MAX (store.ts) and the footer says "More than".
    expect(PAGES * PAGE_SIZE + 50).toBeGreaterThan(MATCH_COUNT_MAX);
    await search.fill('bulk');
    await expect.poll(() => page.getByTestId('list-summary').textContent()).toBe(`More than ${MATCH_COUNT_MAX.toLocaleString('en-US')} entries match “bulk” · showing 100`);

    // Retry from the drawer resumes at stage 2, as the button says.
    await search.fill('503 Service');
    await row(page, 'Upload to archive').click();
    const drawer = page.getByRole('dialog', { name: 'Upload to archive' });
    await drawer.getByRole('button', { name: 'Retry from stage 2' }).click();
    await waitFor(async () => {
      const r = await core.invoke('entries:get', { id });
      return r.ok && r.data.status === 'STAGE_1' && r.data.progress === 33 ? r.data : undefined;
    }, 'the entry to be back in STAGE_1 at 33%');
  });

  it('counts a title as the core does: 204 typed, 200 after trimming, accepted', async () => {
    const page = await open();
    const dialog = await openNewEntryDialog(page);
    const title = `  ${'x'.repeat(200)}  `;
    await dialog.getByLabel('Title').fill(title);
    await expect.poll(() => dialog.getByText('200/200').count()).toBe(1);
    await dialog.getByLabel('Title').fill('   ');
    await expect.poll(() => dialog.getByRole('alert').textContent()).toBe('Give the entry a title.');
    expect(await dialog.getByRole('button', { name: 'Create entry' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Title').fill(title);
    await dialog.getByRole('button', { name: 'Create entry' }).click();
    await dialog.waitFor({ state: 'detached' });
    const listed = await core.invoke('entries:list', { search: 'x'.repeat(200), limit: 1 });
    expect(listed.ok && listed.data.items[0]?.title).toBe('x'.repeat(200));
  });
});

describe('text that is hard to lay out, and a core that has stopped', () => {
  it('an RTL title gets its own direction, and the title cell clips stacked combining marks', async () => {
    await core.invoke('entries:create', { title: 'تقرير الربع الأول 2026' });
    await core.invoke('entries:create', { title: `Z${'\u0301\u0316\u0337'.repeat(40)}algo` });
    const page = await open();
    const rtl = page.locator('tr[data-entry-id]', { hasText: 'تقرير الربع الأول' }).first();
    await rtl.waitFor();
    expect(await rtl.locator('td[data-column="title"]').locator('div[dir="auto"]').count()).toBe(1);
    // The title cell clips: stacked marks cannot paint over the rows above and below.
    const zalgo = page.locator('tr[data-entry-id]', { hasText: 'algo' }).first();
    const overflow = await zalgo
      .locator('td[data-column="title"]')
      .evaluate((el: object) => (globalThis as unknown as { getComputedStyle(e: object): { overflow: string } }).getComputedStyle(el).overflow);
    expect(overflow).toBe('hidden');
  });

  it('once the core has closed, the banner says Entryflow has stopped and the rows are dimmed', async () => {
    const page = await open();
    await page.locator('tr[data-entry-id]').first().waitFor();
    await core.close();
    const alert = page.getByRole('alert').filter({ hasText: 'Entryflow has stopped' });
    await alert.waitFor();
    expect(await alert.textContent()).not.toContain('shutting down');
    // A closed core will not answer again: no "trying again", no button that cannot work.
    expect(await alert.textContent()).not.toContain('Trying again');
    expect(await alert.getByRole('button').count()).toBe(0);
    expect(await page.locator('[data-stale]').count()).toBe(1);
  });
});
