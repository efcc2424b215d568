/**
 * What every e2e file sets up: the built renderer served on 127.0.0.1, one Chromium, and pages
 * opened on the dashboard through the test bridge. A page's uncaught errors and console errors (CSP
 * violations among them) fail the test that opened it when it is closed.
 */
import type { Browser, Page } from 'playwright-core';
import { expect } from 'vitest';
import type { InvokeHandler } from './bridge';
import { launchChromium } from './browser';
import { openDashboard, type OpenedPage } from './page';
import { ensureRendererBuilt } from './renderer-build';
import { serveStatic, type StaticServer } from './static-server';

export interface OpenOptions {
  width?: number;
  height?: number;
  colorScheme?: 'light' | 'dark';
  /** Wait for the first row (the default) or not (an empty or failing core). */
  waitForRows?: boolean;
}

export class Harness {
  private server: StaticServer | undefined;
  private browser: Browser | undefined;
  private opened: OpenedPage | null = null;

  async start(): Promise<void> {
    const dist = await ensureRendererBuilt();
    this.server = await serveStatic(dist);
    this.browser = await launchChromium();
  }

  async open(handler: InvokeHandler, options: OpenOptions = {}): Promise<Page> {
    if (!this.browser || !this.server) throw new Error('Harness.start() first');
    await this.closePage();
    this.opened = await openDashboard(this.browser, this.server.url, handler, { colorScheme: options.colorScheme ?? 'light' });
    const page = this.opened.page;
    await page.setViewportSize({ width: options.width ?? 1280, height: options.height ?? 800 });
    if (options.waitForRows ?? true) await page.locator('tr[data-entry-id]').first().waitFor();
    return page;
  }

  /** For afterEach: closes the open page and fails on anything it logged as an error. */
  async closePage(): Promise<void> {
    if (!this.opened) return;
    const { page, problems } = this.opened;
    this.opened = null;
    await page.context().close();
    expect(problems).toEqual([]);
  }

  async stop(): Promise<void> {
    await this.closePage().catch(() => undefined);
    await this.browser?.close();
    await this.server?.close();
  }
}
