/**
 * The entries table end to end (issue 13): its columns at window widths from 640 to 2560 px in both
 * themes, the grid's keyboard model in a real browser (focus, scrolling), and an entry whose stage is
 * under way reading "Running stage 1". The built renderer in headless Chromium, through the test
 * bridge, against a real core whose single worker takes minutes over a stage.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Stage } from '../../src/main/core/pipeline';
import type { Entry, EntryPage } from '../../src/shared/contract';
import { axeScan } from './support/axe';
import { SwitchableBackend } from './support/backend';
import { Harness } from './support/harness';
import { row, screenshot, sleep } from './support/page';

// One worker, stuck in its first stage for the whole file: the oldest entry stays "Running stage 1".
const STAGE_DELAY_MS = 10 * 60_000;
const ENTRIES = 130;
const RUNNING_TITLE = 'Reconcile the March supplier invoices against the purchase orders';

const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-table-'));
const backend = new SwitchableBackend({
  dataDir,
  workers: 1,
  stageDelayMs: STAGE_DELAY_MS,
  stageTimeoutMs: 2 * STAGE_DELAY_MS,
  shutdownGraceMs: 0,
});
const harness = new Harness();

const TITLES = [
  'Resize product photos for the spring catalogue',
  'Send weekly digest',
  'Re-index search',
  'Export GDPR request for customer #4411 including attachments and support tickets',
  'Archive tickets',
];

beforeAll(async () => {
  await Promise.all([harness.start(), backend.start()]);
  await backend.call('entries:create', { title: RUNNING_TITLE });
  for (let i = 1; i < ENTRIES; i++) {
    await backend.call('entries:create', { title: `${TITLES[i % TITLES.length]} ${i}` });
  }
  // The one worker claims the oldest entry and sits in its stage.
  const deadline = Date.now() + 20_000;
  while (!(await running())) {
    if (Date.now() > deadline) throw new Error('the worker did not claim an entry');
    await sleep(100);
  }
});

afterEach(() => harness.closePage());

afterAll(async () => {
  await harness.stop();
  await backend.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

async function running(): Promise<Entry | undefined> {
  const page = await backend.call<EntryPage>('entries:list', { limit: 200 });
  return page.items.find((e) => e.lockedBy !== null);
}

function open(width: number, height: number, colorScheme: 'light' | 'dark' = 'light', core = backend): Promise<Page> {
  return harness.open(core.invoke, { width, height, colorScheme });
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}
const overlaps = (a: Box, b: Box) =>
  a.x < b.x + b.width - 0.5 && b.x < a.x + a.width - 0.5 && a.y < b.y + b.height - 0.5 && b.y < a.y + a.height - 0.5;

interface Measured {
  viewport: number;
  grid: Box;
  header: Box;
  headers: { column: string; box: Box; text: Box; clipped: boolean }[];
  titleCell: Box | null;
  toggle: Box;
  layout: string | null;
}

// In-page scripts are strings: this project's Node tsconfig has no DOM types to check them against.
/** The grid, its column headers and each header's label text, measured in the page. */
const MEASURE = `(() => {
  const box = (el) => {
    const r = el.getBoundingClientRect();
    return { x: r.x, y: r.y, width: r.width, height: r.height };
  };
  const grid = document.querySelector('[role="grid"]');
  const headers = [...grid.querySelectorAll('th')].map((th) => {
    const label = th.querySelector('span span, span.block') ?? th;
    // A Range around the text: where the letters are, not the box they are clipped to.
    const range = document.createRange();
    range.selectNodeContents(label);
    return { column: th.dataset.column ?? '', box: box(th), text: box(range), clipped: label.scrollWidth > label.clientWidth };
  });
  const firstTitleCell = grid.querySelector('tbody tr[data-entry-id] td[data-column="title"]');
  return {
    viewport: window.innerWidth,
    grid: box(grid),
    header: box(document.querySelector('header')),
    headers,
    titleCell: firstTitleCell ? box(firstTitleCell) : null,
    toggle: box(document.querySelector('button[aria-pressed]')),
    layout: grid.closest('[data-layout]')?.getAttribute('data-layout') ?? null,
  };
})()`;

const measure = (page: Page) => page.evaluate<Measured>(MEASURE);

interface Focused {
  inGrid: boolean;
  tag: string | null;
  rowIndex: string | null;
  text: string;
  outline: string;
}

/** Where the keyboard focus is, and how its outline is drawn. */
const ACTIVE = `(() => {
  const el = document.activeElement;
  const style = el ? getComputedStyle(el) : null;
  return {
    inGrid: Boolean(el?.closest('[role="grid"]')),
    tag: el?.tagName ?? null,
    rowIndex: el?.getAttribute('aria-rowindex') ?? null,
    text: el?.textContent ?? '',
    outline: style ? style.outlineStyle + ' ' + style.outlineWidth : '',
  };
})()`;

const scrollTop = (el: { scrollTop: number }) => el.scrollTop;

describe('entries table against a real core', () => {
  const sizes = [
    { width: 640, height: 600 },
    { width: 800, height: 600 },
    { width: 1280, height: 800 },
    { width: 2560, height: 1440 },
  ];
  for (const { width, height } of sizes) {
    for (const scheme of ['light', 'dark'] as const) {
      it(`keeps the title readable and the headers apart at ${width}×${height} (${scheme})`, async () => {
        const page = await open(width, height, scheme);
        await expect.poll(async () => (await measure(page)).viewport).toBe(width);
        const m = await measure(page);
        const title = m.headers.find((h) => h.column === 'title')!;
        const share = title.box.width / m.grid.width;
        console.log(`${width}px ${scheme}: layout ${m.layout}, title ${Math.round(title.box.width)} of ${Math.round(m.grid.width)} px (${Math.round(share * 100)}%), columns ${m.headers.map((h) => h.column).join(' ')}`);

        // The title keeps 40% where space is short, and never falls below a third.
        expect(share).toBeGreaterThanOrEqual(width <= 800 ? 0.4 : 0.33);
        expect(m.titleCell?.width).toBeCloseTo(title.box.width, 0);
        // No header's box or text overlaps another's, and no label is cut off.
        for (const [i, a] of m.headers.entries()) {
          expect(a.clipped, `${a.column} label clipped`).toBe(false);
          expect(overlaps(a.text, m.toggle), `${a.column} text under the density toggle`).toBe(false);
          for (const b of m.headers.slice(i + 1)) {
            expect(overlaps(a.box, b.box), `${a.column} box overlaps ${b.column}`).toBe(false);
            expect(overlaps(a.text, b.text), `${a.column} text overlaps ${b.column}`).toBe(false);
          }
        }
        // The table spans the window like the app header does (less the page margin).
        expect(m.grid.x - m.header.x).toBeLessThanOrEqual(32);
        expect(m.header.x + m.header.width - (m.grid.x + m.grid.width)).toBeLessThanOrEqual(32);
        await screenshot(page, `table-${width}`, scheme);
      });
    }
  }

  it('is one Tab stop with roving focus; arrows and j move; End then the wheel keeps the focus in the grid', async () => {
    const page = await open(1280, 800);
    const active = () => page.evaluate<Focused>(ACTIVE);

    await page.getByRole('searchbox').focus();
    await page.keyboard.press('Tab');
    expect(await active()).toMatchObject({ inGrid: true, tag: 'TR', rowIndex: '2', outline: 'solid 2px' });

    await page.keyboard.press('ArrowDown');
    expect((await active()).rowIndex).toBe('3');
    await page.keyboard.press('j');
    expect((await active()).rowIndex).toBe('4');
    await page.keyboard.press('k');
    expect(await active()).toMatchObject({ rowIndex: '3', outline: 'solid 2px' });
    await screenshot(page, 'table-focus', 'light');
    await screenshot(page, 'table-focus', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await page.keyboard.press('End');
    expect((await active()).rowIndex).toBe('101'); // the first page holds 100 entries
    const viewport = page.locator('[data-virtual-viewport]');
    const box = (await viewport.boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    for (let i = 0; i < 20; i++) await page.mouse.wheel(0, -800);
    await expect.poll(() => viewport.evaluate(scrollTop)).toBe(0);
    // Scrolled far away from it, the focused row is still there and still focused.
    expect(await active()).toMatchObject({ inGrid: true, rowIndex: '101' });
    await page.mouse.wheel(0, 1500);
    await expect.poll(() => viewport.evaluate(scrollTop)).toBeGreaterThan(1000);
    expect(await active()).toMatchObject({ inGrid: true, rowIndex: '101' });

    // The keys bring it back into view.
    await page.keyboard.press('ArrowUp');
    expect((await active()).rowIndex).toBe('100');
    const focused = page.locator('tr[aria-rowindex="100"]');
    const rowBox = (await focused.boundingBox())!;
    expect(rowBox.y).toBeGreaterThanOrEqual(box.y);
    expect(rowBox.y + rowBox.height).toBeLessThanOrEqual(box.y + box.height + 1);

    // One Tab leaves the grid (for the density toggle, then "Load more"); Shift+Tab comes back to the same row.
    await page.keyboard.press('Tab');
    expect(await active()).toMatchObject({ inGrid: false, text: 'Compact rows' });
    await page.keyboard.press('Tab');
    expect(await active()).toMatchObject({ inGrid: false, text: 'Load more' });
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    expect(await active()).toMatchObject({ inGrid: true, rowIndex: '100' });

    // Enter opens the detail; Escape returns to the row.
    await page.keyboard.press('Enter');
    const drawer = page.getByRole('dialog');
    await drawer.waitFor();
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached' });
    expect(await active()).toMatchObject({ inGrid: true, rowIndex: '100' });
  });

  it('shows "Running stage 1" with a live dot for the entry whose stage is under way, and "Created" for those waiting', async () => {
    const claimed = await running();
    expect(claimed?.title).toBe(RUNNING_TITLE);
    expect(claimed?.status).toBe('CREATED');

    const page = await open(1280, 800);
    // The oldest entry: on the second page, at the very end.
    await page.getByRole('button', { name: 'Load more' }).click();
    await page.getByText(`Showing ${ENTRIES} of ${ENTRIES} entries`).waitFor();
    await page.locator('tr[data-entry-id]').first().focus();
    await page.keyboard.press('End');
    const r = row(page, RUNNING_TITLE);
    await expect.poll(() => r.getAttribute('aria-label')).toBe(`${RUNNING_TITLE}, Running stage 1, 0%`);
    expect(await r.getByText('Running stage 1', { exact: true }).isVisible()).toBe(true);
    expect(await r.locator('[data-live-dot]').count()).toBe(1);
    // The ripple moves only for those who have not asked for reduced motion (the page opens with "reduce").
    const ripple = `getComputedStyle(document.querySelector('[data-running] [data-live-dot] > span')).animationName`;
    expect(await page.evaluate<string>(ripple)).toBe('none');
    await page.emulateMedia({ reducedMotion: 'no-preference' });
    expect(await page.evaluate<string>(ripple)).toBe('ping');
    await page.emulateMedia({ reducedMotion: 'reduce' });

    const waiting = row(page, `${TITLES[1]} 1`);
    expect(await waiting.getAttribute('aria-label')).toBe(`${TITLES[1]} 1, Created, 0%`);
    expect(await waiting.locator('[data-live-dot]').count()).toBe(0);
    await screenshot(page, 'table-running', 'light');
    await screenshot(page, 'table-running', 'dark');
  });

  it('offers compact rows and remembers them after a reload', async () => {
    const page = await open(800, 600);
    const height = () => page.locator('tr[data-entry-id]').first().evaluate((el: { offsetHeight: number }) => el.offsetHeight);
    expect(await height()).toBe(56);
    await page.getByRole('button', { name: 'Compact rows' }).click();
    await expect.poll(height).toBe(36);
    await page.reload();
    await page.locator('tr[data-entry-id]').first().waitFor();
    expect(await height()).toBe(36);
    expect(await page.getByRole('button', { name: 'Compact rows' }).getAttribute('aria-pressed')).toBe('true');
    await screenshot(page, 'table-800-compact', 'light');
    await screenshot(page, 'table-800-compact', 'dark');
  });

  for (const scheme of ['light', 'dark'] as const) {
    it(`has no serious or critical axe-core violations on the list page (${scheme})`, async () => {
      const page = await open(1280, 800, scheme);
      await page.locator('tr[data-entry-id]').first().focus();
      const violations = await axeScan(page);
      const serious = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      for (const v of serious) console.log(`axe ${scheme}: ${v.impact} ${v.id} (${v.help}): ${v.targets.slice(0, 5).join(' | ')}${v.targets.length > 5 ? ` … ${v.targets.length} in all` : ''}`);
      // The whole page, not only the table: pills, keyboard hints and the header too.
      expect(serious).toEqual([]);
    });
  }
});

describe('a failed attempt waiting for its retry, from a real core', () => {
  const flakyDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-flaky-'));
  // Stage 1 always throws; the backoff is long, so the entry waits for its second attempt all test.
  const flaky: Stage[] = [
    { name: 'fetch', run: () => Promise.reject(new Error('upstream refused the connection')) },
    { name: 'transform', run: () => Promise.resolve() },
    { name: 'store', run: () => Promise.resolve() },
  ];
  const core = new SwitchableBackend({
    dataDir: flakyDir,
    workers: 1,
    pipeline: flaky,
    backoffBaseMs: 5 * 60_000,
    backoffMaxMs: 10 * 60_000,
    shutdownGraceMs: 0,
  });

  beforeAll(async () => {
    await core.start();
    const entry = await core.call<Entry>('entries:create', { title: 'Flaky import' });
    const deadline = Date.now() + 20_000;
    for (;;) {
      const now = await core.call<Entry>('entries:get', { id: entry.id });
      if (now.error !== null && now.lockedBy === null) break;
      if (Date.now() > deadline) throw new Error(`the first attempt did not fail: ${JSON.stringify(now)}`);
      await sleep(100);
    }
  });
  afterAll(async () => {
    await core.stop();
    rmSync(flakyDir, { recursive: true, force: true });
  });

  it('says which attempt comes next and when, and the timeline names the stage that failed', async () => {
    const page = await open(1280, 800, 'light', core);
    const r = row(page, 'Flaky import');
    // The core's limit comes with its stats (maxAttempts, 3 by default).
    await expect.poll(() => r.getAttribute('aria-label')).toBe('Flaky import, Created, attempt 2 of 3, 0%');
    expect(await r.textContent()).toMatch(/attempt 2 of 3 · retry in \d+m/);
    expect(await r.textContent()).toContain('Retrying · upstream refused the connection');
    await screenshot(page, 'table-retrying', 'light');
    // Narrow: no Result column; the error moves under the title, the attempt stays under the badge.
    await page.setViewportSize({ width: 640, height: 600 });
    await expect.poll(() => page.locator('[data-layout]').getAttribute('data-layout')).toBe('narrow');
    expect(await r.locator('td[data-column="title"]').textContent()).toContain('Retrying · upstream refused the connection');
    expect(await r.locator('td[data-column="status"]').textContent()).toMatch(/attempt 2 of 3 · retry in \d+m/);
    await screenshot(page, 'table-retrying-640', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize({ width: 1280, height: 800 });

    await r.click();
    const drawer = page.getByRole('dialog', { name: 'Flaky import' });
    const timeline = drawer.getByRole('list', { name: 'Timeline' });
    await expect.poll(() => timeline.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('Created'),
      expect.stringMatching(/^Stage 1 failed \(attempt 1\).*upstream refused the connection$/),
    ]);
    await screenshot(page, 'detail-retrying', 'light');
  });
});
