import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * The serious and critical accessibility violations axe-core finds on the page at rest (or only
 * inside the element a selector names). At rest: no select's dropdown is open or still closing,
 * since the component library's dropdown list carries no accessible name of its own while it
 * shows (rc-select's OptionList), and whether a check caught its closing animation was chance.
 * axe is evaluated through the DevTools protocol, which the page's CSP does not govern (it
 * allows no inline script, rightly).
 */
export async function seriousViolations(page: Page, within?: string): Promise<AxeViolation[]> {
  await page.waitForFunction(() =>
    Array.from(document.querySelectorAll<HTMLElement>('.ant-select-dropdown')).every((dropdown) => dropdown.getClientRects().length === 0 || getComputedStyle(dropdown).visibility === 'hidden'),
  );
  await page.evaluate(AXE_SOURCE);
  return page.evaluate(async (selector) => {
    const axe = (globalThis as unknown as { axe: { run(context: Document | string, options: object): Promise<{ violations: { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[] }> } }).axe;
    const result = await axe.run(selector ?? document, { resultTypes: ['violations'] });
    return result.violations
      .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
      .map((violation) => ({ id: violation.id, impact: violation.impact, help: violation.help, targets: violation.nodes.slice(0, 5).map((node) => node.target.join(' ')) }));
  }, within);
}
