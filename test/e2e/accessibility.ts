/**
 * axe-core (Deque) in the browser tests: `await expectAccessible(page, 'overview')` checks
 * the page as it is now (`{ within: 'dialog[open]' }` for a dialog over a page already checked) against the WCAG 2.x A and AA rules, in the light and the dark theme, and
 * fails with a readable list of what is wrong. axe's source is evaluated through the DevTools
 * protocol, which the app's Content-Security-Policy does not govern: the policy stays as strict
 * as the app ships it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import type { AxeResults, Result, RunOptions } from 'axe-core';

const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Every WCAG 2.0, 2.1 and 2.2 rule at levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/**
 * Rules turned off, each with its reason. Empty: every A/AA rule runs in every state. A rule added
 * here must say why it cannot apply to this app, not merely that it fails.
 */
const DISABLED_RULES: Record<string, string> = {};

export const THEMES = ['light', 'dark'] as const;
export type Theme = (typeof THEMES)[number];

/** One violation per element, as a line a reader can act on. */
function describeViolations(results: Pick<AxeResults, 'violations'>): string[] {
  return results.violations.flatMap((v: Result) =>
    v.nodes.map((node) => `${v.id} (${v.impact ?? 'unknown impact'}) at ${node.target.join(' ')}: ${(node.failureSummary ?? v.help).replace(/\s+/g, ' ').trim()}`),
  );
}

async function runAxe(page: Page, within: string | null): Promise<AxeResults> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(AXE_SOURCE);
  const options: RunOptions = {
    runOnly: { type: 'tag', values: WCAG_TAGS },
    rules: Object.fromEntries(Object.keys(DISABLED_RULES).map((id) => [id, { enabled: false }])),
    resultTypes: ['violations'],
  };
  return page.evaluate(
    ([selector, opts]) => {
      const axe = (window as unknown as { axe: { run(context: Document | { include: string[] }, options: RunOptions): Promise<AxeResults> } }).axe;
      return axe.run(selector ? { include: [selector] } : document, opts);
    },
    [within, options] as const,
  );
}

export interface AccessibleOptions {
  /** The themes to check in; both by default. */
  themes?: readonly Theme[];
  /**
   * Check only what this selector finds, for a state that adds one part to a page already
   * checked as a whole (a modal dialog: 'dialog[open]'). Page-wide rules (landmarks, title,
   * language) run only without it.
   */
  within?: string;
}

/**
 * Checks the page in its current state, in each theme (light, then dark, through the
 * prefers-color-scheme the renderer follows), and throws listing every violation at any impact.
 * The page is left in the light theme.
 */
export async function expectAccessible(page: Page, state: string, { themes = THEMES, within }: AccessibleOptions = {}): Promise<void> {
  const problems: string[] = [];
  try {
    for (const theme of themes) {
      await page.emulateMedia({ colorScheme: theme });
      // Let transitions and the theme's repaint settle before colours are measured.
      await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
      for (const line of describeViolations(await runAxe(page, within ?? null))) problems.push(`[${theme}] ${line}`);
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
  }
  if (problems.length > 0) throw new Error(`Accessibility violations in "${state}" (WCAG 2.2 A/AA, axe-core):\n  ${problems.join('\n  ')}`);
}
