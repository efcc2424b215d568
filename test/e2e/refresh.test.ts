/**
 * Instant refresh end to end (issue 11, item 7): the built renderer in headless Chromium, a real
 * core, and the change notices main would send, produced by the same module main uses
 * (src/main/change-notices.ts) from the core's own events and delivered to the page's onChange.
 *
 * The page's clock is paused (Playwright's page.clock), so its 2 s poll cannot fire at all: a row
 * that appears after a create made through the core — not through the page — can only have come
 * from the notice. The test first shows the frozen page really makes no poll, then that the create
 * arrives with exactly one list read.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { forwardChangeNotices } from '../../src/main/change-notices';
import { openCore, type Core } from '../../src/main/core/index';
import type { ChangeNotice } from '../../src/shared/contract';
import { waitFor } from '../support/core';
import { launchChromium } from './support/browser';
import { openDashboard, row, screenshot, sleep, type OpenedPage } from './support/page';
import { ensureRendererBuilt } from './support/renderer-build';
import { serveStatic, type StaticServer } from './support/static-server';

const dataDir = mkdtempSync(join(tmpdir(), 'entryflow-e2e-refresh-'));
let core: Core;
let server: StaticServer | undefined;
let browser: Browser | undefined;
let opened: OpenedPage | null = null;
const calls: { channel: string; payload: { cursor?: string; from?: string } }[] = [];

const notices: ChangeNotice[] = [];

beforeAll(async () => {
  const [dist] = await Promise.all([ensureRendererBuilt(), openCore({ dataDir, workers: 0 }).then((c) => (core = c))]);
  server = await serveStatic(dist);
  browser = await launchChromium();
});

afterEach(async () => {
  if (!opened) return;
  const { page, problems } = opened;
  opened = null;
  await page.context().close();
  expect(problems).toEqual([]);
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await core.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A poll of the list is a read of its head: no cursor, no window. */
const heads = () => calls.filter((c) => c.channel === 'entries:list' && c.payload.cursor === undefined && c.payload.from === undefined).length;

async function open(): Promise<Page> {
  calls.length = 0;
  opened = await openDashboard(
    browser!,
    server!.url,
    (channel, payload) => {
      calls.push({ channel, payload: payload ?? {} });
      return core.invoke(channel, payload);
    },
    {
      changes: (send) =>
        forwardChangeNotices(core.events, (notice) => {
          notices.push(notice);
          send(notice);
        }),
      beforeLoad: (page) => page.clock.install(),
    },
  );
  return opened.page;
}

describe('instant refresh', () => {
  it('a create made through the core shows in the page with no poll at all', async () => {
    const seeded = await core.invoke('entries:create', { title: 'Already there' });
    expect(seeded.ok).toBe(true);
    const page = await open();
    await row(page, 'Already there').waitFor();

    // Freeze the page's timers right after one of its polls, so the next poll is a whole interval
    // (2000 ms of page time) away and runs only if the test moves the page's clock that far.
    const polled = heads();
    await waitFor(() => heads() > polled || undefined, 'a poll of the page');
    const pageNow = await page.evaluate(() => Date.now());
    await page.clock.pauseAt(pageNow + 200);
    const before = heads();
    // The control: longer than a poll interval passes in real time, and the frozen page reads nothing.
    await sleep(2500);
    expect(heads()).toBe(before);

    notices.length = 0;
    const made = await core.invoke('entries:create', { title: 'Made by the core' });
    expect(made.ok).toBe(true);
    expect(notices).toEqual([{ entries: true, queue: false }]);
    // The notice's refetch needs no timer: the page reads the list head at once.
    await waitFor(() => heads() === before + 1 || undefined, 'the notice’s list read');
    // React hears of the new data through TanStack's notify (a setTimeout 0): step the page's clock
    // in small steps, far short of the 2000 ms a poll would need.
    let advanced = 0;
    while ((await row(page, 'Made by the core').count()) === 0 && advanced < 1000) {
      await page.clock.runFor(10);
      advanced += 10;
    }
    expect(await row(page, 'Made by the core').count()).toBe(1);
    expect(advanced).toBeLessThan(1000);
    // Exactly one head read: the notice's. No poll ran.
    expect(heads()).toBe(before + 1);

    await page.clock.resume();
    await screenshot(page, 'refresh-notice', 'light');
    await screenshot(page, 'refresh-notice', 'dark');
  });

  it('a burst of 200 creates reaches the page as a handful of notices, and every entry shows', async () => {
    const page = await open();
    await row(page, 'Made by the core').waitFor();
    notices.length = 0;
    for (let i = 0; i < 200; i++) {
      const r = await core.invoke('entries:create', { title: `burst ${String(i).padStart(3, '0')}` });
      expect(r.ok).toBe(true);
    }
    await row(page, 'burst 199').waitFor({ timeout: 20_000 });
    // 200 creates, coalesced: at most one notice per 100 ms interval (plus the leading one).
    expect(notices.length).toBeGreaterThanOrEqual(1);
    expect(notices.length).toBeLessThan(200);
  });
});
