/**
 * A page object for the fleet window: the tests speak of rows, chips, dialogs and the summary,
 * found the way a user (or a screen reader) finds them, by role and accessible name.
 */
import type { Locator, Page } from 'playwright-core';
import { expect } from 'vitest';

export class FleetPage {
  readonly grid: Locator;
  readonly dialog: Locator;
  readonly summary: Locator;
  readonly progress: Locator;

  constructor(readonly page: Page) {
    this.grid = page.getByRole('grid', { name: 'Servers' });
    this.dialog = page.locator('dialog[open]');
    this.summary = page.getByRole('region', { name: 'Operation summary' });
    this.progress = page.getByRole('region', { name: 'Operation in progress' });
  }

  /** Waits until the grid shows its first rows (or its empty state). */
  async ready(): Promise<void> {
    await this.grid.waitFor();
    await this.page.waitForFunction(() => !document.body.textContent?.includes('Loading the fleet…'));
  }

  row(name: string): Locator {
    return this.grid.getByRole('row').filter({ has: this.page.getByRole('gridcell', { name, exact: true }) });
  }

  async rowText(name: string): Promise<string> {
    return (await this.row(name).textContent()) ?? '';
  }

  /** Waits until the row's text contains every fragment. */
  async expectRow(name: string, ...fragments: string[]): Promise<void> {
    await expect.poll(() => this.rowText(name), { timeout: 15_000 }).toSatisfy((text: string) => fragments.every((f) => text.includes(f)));
  }

  /** Names of the data rows currently rendered, top to bottom. */
  async renderedNames(): Promise<string[]> {
    return this.page.evaluate(() =>
      [...document.querySelectorAll<HTMLElement>('.grid-body [role=row]')]
        .sort((a, b) => Number(a.getAttribute('aria-rowindex')) - Number(b.getAttribute('aria-rowindex')))
        .map((row) => row.querySelector('.cell.name')?.textContent?.trim() ?? ''),
    );
  }

  button(name: string | RegExp): Locator {
    return this.page.getByRole('button', { name });
  }

  chip(word: string): Locator {
    return this.page.getByRole('group', { name: 'Show servers by state' }).getByRole('button', { name: new RegExp(`^${word} [\\d,]+$`) });
  }

  /** The count a state chip shows. */
  async chipCount(word: string): Promise<number> {
    const label = ((await this.chip(word).textContent()) ?? '').trim();
    return Number(label.slice(word.length).replace(/[^\d]/g, ''));
  }

  async filter(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: /Filter servers/ }).fill(text);
  }

  /** Ticks a row's checkbox (toggle, like ctrl-click). */
  async check(name: string): Promise<void> {
    await this.row(name).getByRole('checkbox').click();
  }

  async selectAllShown(): Promise<void> {
    await this.grid.getByRole('checkbox', { name: /^Select the [\d,]+ servers shown$/ }).click();
  }

  async selectedText(): Promise<string> {
    return (await this.page.locator('.selection-bar .selected').textContent()) ?? '';
  }

  /** Waits for the operation summary and returns its heading. */
  async waitForSummary(timeout = 60_000): Promise<string> {
    await this.summary.waitFor({ timeout });
    return (await this.summary.getByRole('heading').textContent())?.trim() ?? '';
  }

  async dismissSummary(): Promise<void> {
    await this.button('Close the summary').click();
    await this.summary.waitFor({ state: 'detached' });
  }
}
