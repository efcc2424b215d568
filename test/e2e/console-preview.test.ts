/**
 * The console's components in headless Chromium under the app's production CSP, sent as a response
 * header exactly as main sends it: every interaction must pass without one
 * 'securitypolicyviolation' (visx's SVG, Radix's dialogs, sonner's toasts, the menu). Screenshots
 * in light and dark go to test-artifacts/console/. The data is the renderer tests' FakeBackend
 * (the lead's e2e against a real core comes with the wiring into App).
 */
import { createReadStream, mkdirSync, mkdtempSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve, sep } from 'node:path';
import react from '@vitejs/plugin-react';
import tailwindcss from '@tailwindcss/vite';
import type { Browser, Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/main/csp';
import type { Envelope } from '../../src/shared/contract';
import { FakeBackend, makeEntry } from '../renderer/fake-bridge';
import { emptyThroughput } from '../renderer/fake-console';
import { installBridge } from './support/bridge';
import { launchChromium } from './support/browser';
import { ARTIFACTS } from './support/page';

const PREVIEW = resolve(import.meta.dirname, 'console-preview');
const SHOTS = join(ARTIFACTS, 'console');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.svg': 'image/svg+xml' };

let browser: Browser;
let server: Server;
let url: string;

async function buildPreview(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'entryflow-console-preview-'));
  await build({
    root: PREVIEW,
    configFile: false,
    logLevel: 'warn',
    base: './',
    plugins: [react(), tailwindcss()],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  return outDir;
}

function serveWithCsp(root: string): Promise<Server> {
  const s = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = normalize(join(root, path === '/' ? 'index.html' : path));
    if (!file.startsWith(root + sep) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-security-policy': CONTENT_SECURITY_POLICY });
    createReadStream(file).pipe(res);
  });
  return new Promise((ok) => s.listen(0, '127.0.0.1', () => ok(s)));
}

function backendWithData(): FakeBackend {
  const titles = ['Reconcile Stripe payouts', 'Sync Salesforce opportunities', 'Fetch ECB exchange rates', 'Render invoice PDFs', 'Nightly backup verification', 'Re-index search catalogue'];
  const statuses = ['FAILED', 'FAILED', 'CANCELLED', 'COMPLETED', 'STAGE_1', 'CREATED'] as const;
  const backend = new FakeBackend(titles.map((title, i) => makeEntry({ title, status: statuses[i] })));
  const hour = emptyThroughput('hour', Date.now());
  hour.buckets = hour.buckets.map((b, i) => ({ ...b, completed: Math.round(30 + 25 * Math.sin(i / 6) + (i % 7) * 3), failed: i % 9 === 0 ? 3 : i % 13 === 0 ? 1 : 0 }));
  hour.stages = [
    { stage: 1, p50Ms: 2012, p95Ms: 2480, runs: 1812 },
    { stage: 2, p50Ms: 1830, p95Ms: 4120, runs: 1790 },
  ];
  backend.console.throughput.hour = hour;
  backend.console.throughput.day = { ...emptyThroughput('day', Date.now()), stages: hour.stages };
  backend.console.exportPath = '/home/me/Documents/entries.csv';
  return backend;
}

async function open(colorScheme: 'light' | 'dark') {
  const backend = backendWithData();
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(() => {
    const w = window as unknown as { __violations: string[] };
    w.__violations = [];
    document.addEventListener('securitypolicyviolation', (e) => w.__violations.push(`${e.violatedDirective}: ${e.blockedURI} ${e.sample}`));
  });
  await installBridge(page, (channel, payload) => backend.invoke(channel as never, payload as never) as Promise<Envelope<unknown>>);
  await page.goto(url);
  return { page, problems, backend };
}

const violations = (page: Page) => page.evaluate(() => (window as unknown as { __violations: string[] }).__violations);

beforeAll(async () => {
  mkdirSync(SHOTS, { recursive: true });
  const [dir, b] = await Promise.all([buildPreview(), launchChromium()]);
  browser = b;
  server = await serveWithCsp(dir);
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  await browser.close();
  await new Promise((ok) => server.close(ok));
});

describe('console components in Chromium under the production CSP', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`draws and works with no CSP violation (${scheme})`, async () => {
      const { page, problems, backend } = await open(scheme);
      // The CSP really is in force: an inline script is refused and reported.
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__inline = 1';
        document.head.append(s);
      });
      await expect.poll(() => violations(page)).toEqual([expect.stringContaining('inline')]);
      const baseline = (await violations(page)).length;

      await page.getByRole('img', { name: /per minute over the last hour/ }).waitFor();
      await page.getByRole('checkbox', { name: 'Sync Salesforce opportunities' }).click();
      await page.getByRole('checkbox', { name: 'Reconcile Stripe payouts' }).click({ modifiers: ['Shift'] });
      await page.getByRole('button', { name: 'Pause queue' }).click();
      await page.getByRole('status').filter({ hasText: 'Paused' }).first().waitFor();
      await page.screenshot({ path: join(SHOTS, `console-${scheme}.png`), fullPage: true });

      await page.getByRole('button', { name: 'Delete' }).click();
      await page.getByRole('alertdialog').waitFor();
      expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Go back');
      await page.screenshot({ path: join(SHOTS, `confirm-delete-${scheme}.png`) });
      await page.getByRole('button', { name: 'Delete 2 entries' }).click();
      await page.getByText('Deleted 2 entries').waitFor();

      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Queue settings' });
      await dialog.getByLabel('Workers').fill('80');
      await dialog.getByText('Use a whole number from 1 to 64.').waitFor();
      await page.screenshot({ path: join(SHOTS, `settings-${scheme}.png`) });
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });

      await page.getByRole('button', { name: 'Export' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('menu').waitFor();
      await page.screenshot({ path: join(SHOTS, `export-menu-${scheme}.png`) });
      await page.keyboard.press('Enter');
      await page.getByText('Exported 4 entries to /home/me/Documents/entries.csv').waitFor();

      await page.getByRole('button', { name: 'Last day' }).click();
      await page.getByRole('img', { name: /per hour over the last day/ }).waitFor();

      expect((await violations(page)).slice(baseline)).toEqual([]);
      // The one refused inline script above is the only console error.
      expect(problems).toEqual([expect.stringContaining('inline script')]);
      expect(backend.callsTo('entries:bulk')).toHaveLength(1);
      await page.context().close();
    });
  }
});
