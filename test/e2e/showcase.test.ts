/**
 * A busy pipeline with failures: retry from the detail drawer end to end, and the screenshots for
 * the README (docs/screenshot.png) and test-artifacts/. The core runs a pipeline whose second stage
 * fails once for a few titles, so FAILED entries and a successful retry are real.
 */
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Stage } from '../../src/main/core/index';
import type { EntryPage } from '../../src/shared/contract';
import { SwitchableBackend } from './support/backend';
import { launchChromium } from './support/browser';
import { ARTIFACTS, openDashboard, readRow, REPO_ROOT, row, screenshot, sleep } from './support/page';
import { ensureRendererBuilt } from './support/renderer-build';
import { serveStatic, type StaticServer } from './support/static-server';

const FAILS: Record<string, string> = {
  'Sync Salesforce opportunities': 'Salesforce API answered 503 Service Unavailable',
  'Fetch ECB exchange rates': 'Timed out after 30 s waiting for the rates feed',
};

const SETTLED = [
  'Nightly backup verification',
  'Reconcile Stripe payouts',
  'Render invoice PDFs for Acme Corp',
  'Import supplier price list (CSV)',
  'Sync Salesforce opportunities',
  'Generate Q1 revenue report',
  'Archive closed support tickets',
  'Fetch ECB exchange rates',
  'Compress log bundle 2025-02-14',
  'Backfill analytics events for November',
];
const MOVING = [
  'Transcode onboarding video (4K)',
  'Re-index search catalogue',
  'Send weekly digest to 4,812 subscribers',
  'Resize product photos, batch 14',
  'Export GDPR data request #2291',
  'Thumbnail album “Lisbon 2024”',
  'Import March invoices from Xero',
];

const STAGE_DELAY_MS = 150;
/** Moving entries get their own pace so the screenshot catches every stage at once. */
const paceOf = new Map<string, number>();
const failedOnce = new Set<string>();

function wait(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((ok, fail) => {
    const t = setTimeout(ok, ms);
    const onAbort = () => {
      clearTimeout(t);
      fail(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
  });
}

const pipeline: Stage[] = [1, 2, 3].map((n) => ({
  name: `stage ${n}`,
  run: async ({ entry, signal }) => {
    await wait(paceOf.get(entry.title) ?? STAGE_DELAY_MS, signal);
    const message = FAILS[entry.title];
    // Fails the first time only, so a person's Retry then succeeds.
    if (n === 2 && message && !failedOnce.has(entry.id)) {
      failedOnce.add(entry.id);
      throw new Error(message);
    }
  },
}));

const backend = new SwitchableBackend({ workers: 4, maxAttempts: 1, pipeline });
let server: StaticServer | undefined;
let browser: Browser | undefined;

beforeAll(async () => {
  const [dist] = await Promise.all([ensureRendererBuilt(), backend.start()]);
  server = await serveStatic(dist);
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await backend.stop();
});

async function list(): Promise<EntryPage> {
  return backend.call<EntryPage>('entries:list', { limit: 200 });
}

describe('a busy pipeline', () => {
  it('looks finished in light and dark, and a failed entry can be retried from its detail', async () => {
    // Older entries that have run to the end (or failed) …
    for (const title of SETTLED) await backend.call('entries:create', { title });
    await expect
      .poll(async () => (await list()).items.filter((e) => e.status === 'COMPLETED' || e.status === 'FAILED').length, {
        timeout: 30_000,
      })
      .toBe(SETTLED.length);
    // … and newer ones still moving, slowly enough to be caught mid-flight.
    // With 4 workers: the first two reach Stage 2, the next two Stage 1, the rest wait as Created.
    MOVING.forEach((title, i) => paceOf.set(title, i < 2 ? 5000 : 9000));
    for (const title of MOVING) {
      await backend.call('entries:create', { title });
      await sleep(300);
    }
    await sleep(9500);

    const { page, problems } = await openDashboard(browser!, server!.url, backend.invoke, { deviceScaleFactor: 2 });
    await row(page, MOVING.at(-1)!).waitFor();
    await page.getByText('Live', { exact: true }).waitFor();
    const states = await Promise.all(MOVING.map((t) => readRow(page, t)));
    const statuses = new Set(states.map((s) => s?.status));
    expect([...statuses].sort()).toEqual(['CREATED', 'STAGE_1', 'STAGE_2']);

    await screenshot(page, 'showcase', 'light');
    mkdirSync(join(REPO_ROOT, 'docs'), { recursive: true });
    copyFileSync(join(ARTIFACTS, 'showcase-light.png'), join(REPO_ROOT, 'docs', 'screenshot.png'));
    await screenshot(page, 'showcase', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });

    // The failed entry's drawer: error, timeline with the failure, and Retry.
    const title = 'Sync Salesforce opportunities';
    await row(page, title).click();
    const drawer = page.getByRole('dialog', { name: title });
    await drawer.getByRole('region', { name: 'Error' }).waitFor();
    expect(await drawer.getByRole('region', { name: 'Error' }).textContent()).toContain(FAILS[title]);
    await expect.poll(() => drawer.getByRole('list', { name: 'Timeline' }).textContent()).toContain('Failed');
    await screenshot(page, 'detail-failed', 'light');
    await screenshot(page, 'detail-failed', 'dark');
    await page.emulateMedia({ colorScheme: 'light' });

    await drawer.getByRole('button', { name: 'Retry' }).click();
    await page.getByText(/^Retry( from stage \d)? scheduled$/).waitFor();
    await expect.poll(() => drawer.getByRole('button', { name: 'Retry' }).count()).toBe(0);
    await page.keyboard.press('Escape');
    await expect.poll(async () => (await readRow(page, title))?.status, { timeout: 20_000 }).toBe('COMPLETED');

    await page.context().close();
    expect(problems).toEqual([]);
  });
});
