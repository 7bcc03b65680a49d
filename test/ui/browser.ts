/** Debian's chromium driven by playwright-core, in a fresh profile. */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { onTestFailed } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchBrowser(): Promise<{ context: BrowserContext; profile: string }> {
  const profile = mkdtempSync(join(tmpdir(), 'tributary-ui-profile-'));
  // Playwright passes the profile as --user-data-dir itself (it refuses the flag in args).
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 1280, height: 900 },
    acceptDownloads: true,
  });
  return { context, profile };
}

/**
 * The mapping step's live preview asks the server a moment after each edit; on a loaded machine it can ask
 * while a mapping is half made, and the server rightly answers 400, which the page shows beside the
 * mappings. The browser logs that answer; it is not a fault of the page.
 */
export const LIVE_PREVIEW = [/\/conversion\/mappingSets\/preview$/];

/**
 * What goes wrong in a page, as it happens: its uncaught errors and the errors its console logs. The browser logs
 * every non-2xx answer; those to URLs in the `expected` lists (read at each answer, so a test may change them) are
 * provoked on purpose and left out.
 */
export function watchErrors(page: Page, ...expected: ReadonlyArray<readonly RegExp[]>): string[] {
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    const url = message.location().url;
    if (/^Failed to load resource/.test(message.text()) && expected.some((list) => list.some((re) => re.test(url)))) return;
    errors.push(`${message.text()} (${url})`);
  });
  page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
  return errors;
}

/** Should the running test fail: what the page showed (a screenshot at `path`) and what the browser complained about. */
export function showOnFailure(page: Page, path: string, errors: readonly string[]): void {
  onTestFailed(async () => {
    await page.screenshot({ path, fullPage: true }).catch(() => undefined);
    if (errors.length) console.error(`browser console errors:\n${errors.join('\n')}`);
  });
}
