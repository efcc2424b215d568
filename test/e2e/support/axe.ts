/** axe-core in the page, for the accessibility scans of the e2e suite. */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2 A/AA rules over the whole page (evaluated through DevTools, so CSP does not apply). */
export async function axeScan(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(`${AXE_SOURCE}; 0`);
  return page.evaluate<AxeViolation[]>(`axe
    .run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] }, resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => String(n.target)) })))`);
}

/** The serious and critical ones, each logged (rule, help, first targets) so a failure says what to fix. */
export async function seriousViolations(page: Page, label: string): Promise<AxeViolation[]> {
  const serious = (await axeScan(page)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
  for (const v of serious) {
    console.log(`axe ${label}: ${v.impact} ${v.id} (${v.help}): ${v.targets.slice(0, 5).join(' | ')}${v.targets.length > 5 ? ` … ${v.targets.length} in all` : ''}`);
  }
  return serious;
}
