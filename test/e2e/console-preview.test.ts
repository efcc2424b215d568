/**
 * The console's components in headless Chromium under the app's production CSP, sent as a response
 * header exactly as main sends it: every interaction must pass without one
 * 'securitypolicyviolation' (visx's SVG, Radix's dialogs, sonner's toasts, the menu). Screenshots
 * in light and dark go to test-artifacts/console/. The data is the renderer tests' FakeBackend
 * (the lead's e2e against a real core comes with the wiring into App).
 */
import { createReadStream, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
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
import { launchChromium } from './support/browser';
import { ARTIFACTS } from './support/page';

/** The preview page (browser code, so it lives with the renderer's tests and their tsconfig). */
const PREVIEW = resolve(import.meta.dirname, '../renderer/console-preview');
const SHOTS = join(ARTIFACTS, 'console');
const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.woff2': 'font/woff2', '.svg': 'image/svg+xml' };

// Runs in the page before its scripts. A string: this project's Node tsconfig has no DOM types.
const RECORD_VIOLATIONS = `
  window.__violations = [];
  document.addEventListener('securitypolicyviolation', (e) =>
    window.__violations.push(e.violatedDirective + ': ' + e.blockedURI + ' ' + e.sample));
`;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA rules (through DevTools, so the CSP does not apply); serious and critical only. */
async function seriousAxe(page: Page): Promise<string[]> {
  await page.evaluate(`${AXE_SOURCE}; 0`);
  const all = await page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))`);
  const serious = all.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  // sonner's toasts (data-title / data-description) are the app's Toaster, not these components:
  // logged for the report, not failed here.
  const isToast = (t: string) => /data-(title|description)|data-sonner/.test(t);
  for (const v of serious) {
    const toast = v.targets.filter(isToast);
    if (toast.length > 0) console.log(`axe (toaster): ${v.id} ${toast.join(' | ')}`);
  }
  return serious
    .map((v) => ({ ...v, targets: v.targets.filter((t) => !isToast(t)) }))
    .filter((v) => v.targets.length > 0)
    .map((v) => `${v.id}: ${v.help} — ${v.targets.join(' | ')}`);
}

let browser: Browser;
let server: Server;
let url: string;

async function buildPreview(): Promise<string> {
  const outDir = mkdtempSync(join(tmpdir(), 'entryflow-console-preview-'));
  await build({
    root: PREVIEW,
    configFile: false,
    logLevel: 'error',
    base: './',
    plugins: [react(), tailwindcss()],
    build: { outDir, emptyOutDir: true, reportCompressedSize: false },
  });
  return outDir;
}

/** Serves the build with the app's production CSP as a header, as main's session does. */
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

async function open(colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, colorScheme, reducedMotion: 'reduce' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  await page.addInitScript(RECORD_VIOLATIONS);
  await page.goto(url);
  return { page, problems };
}

const focusedName = (page: Page) => page.evaluate<string>(`document.activeElement?.textContent ?? ''`);
const violations = (page: Page) => page.evaluate(() => (globalThis as unknown as { __violations: string[] }).__violations);

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

describe('console components in Chromium under the production CSP, with axe-core', () => {
  for (const scheme of ['light', 'dark'] as const) {
    it(`draws and works with no CSP violation (${scheme})`, async () => {
      const { page, problems } = await open(scheme);
      await page.getByRole('img', { name: /per minute over the last hour/ }).waitFor();
      // The CSP really is in force: an inline script is refused and reported.
      await page.evaluate(`{ const s = document.createElement('script'); s.textContent = 'window.__inline = 1'; document.head.append(s); }`);
      await expect.poll(() => violations(page)).toEqual([expect.stringContaining('inline')]);

      await page.getByRole('checkbox', { name: 'Sync Salesforce opportunities' }).click();
      await page.getByRole('checkbox', { name: 'Fetch ECB exchange rates' }).click({ modifiers: ['Shift'] });
      await page.getByRole('button', { name: 'Pause queue' }).click();
      await page.getByRole('button', { name: 'Resume queue' }).waitFor();
      await page.screenshot({ path: join(SHOTS, `console-${scheme}.png`), fullPage: true });
      const axe: string[] = await seriousAxe(page);

      await page.getByRole('button', { name: 'Delete', exact: true }).click();
      await page.getByRole('alertdialog').waitFor();
      expect(await page.evaluate('document.activeElement.textContent')).toBe('Go back');
      await page.screenshot({ path: join(SHOTS, `confirm-delete-${scheme}.png`) });
      axe.push(...(await seriousAxe(page)));
      await page.getByRole('button', { name: 'Delete 2 entries' }).click();
      await page.getByText('Deleted 2 entries').waitFor();

      await page.getByRole('button', { name: 'Settings' }).click();
      const dialog = page.getByRole('dialog', { name: 'Queue settings' });
      await dialog.getByLabel('Workers').fill('80');
      await dialog.getByText('Use a whole number from 1 to 64.').waitFor();
      await page.screenshot({ path: join(SHOTS, `settings-${scheme}.png`) });
      axe.push(...(await seriousAxe(page)));
      await page.keyboard.press('Escape');
      await dialog.waitFor({ state: 'detached' });
      // Radix gives focus back on a timer after the dialog leaves the DOM: let it land first, or it
      // would take focus from the menu below.
      await expect.poll(() => focusedName(page)).toBe('Settings');

      await page.getByRole('button', { name: 'Export' }).focus();
      await page.keyboard.press('Enter');
      await page.getByRole('menu').waitFor();
      await expect.poll(() => focusedName(page)).toMatch(/^CSV/);
      await page.screenshot({ path: join(SHOTS, `export-menu-${scheme}.png`) });
      axe.push(...(await seriousAxe(page)));
      await page.keyboard.press('Enter');
      await page.getByText(/^Exported 4 entries to \/home\/me\/Documents\/entries\.csv$/).waitFor();

      await page.getByRole('button', { name: 'Last day' }).click();
      await page.getByRole('img', { name: /per hour over the last day/ }).waitFor();
      await page.screenshot({ path: join(SHOTS, `throughput-day-${scheme}.png`), fullPage: true });
      axe.push(...(await seriousAxe(page)));
      expect(axe).toEqual([]);

      // Only the refused inline script above: nothing the components did was refused.
      expect(await violations(page)).toHaveLength(1);
      expect(problems).toEqual([expect.stringContaining('inline script')]);
      await page.context().close();
    });
  }
});
