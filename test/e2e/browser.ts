import { mkdirSync, copyFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (installed by .ci/run); playwright cannot download its own build here. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const PHONE = { width: 360, height: 740 };
export const DESKTOP = { width: 1280, height: 900 };

/**
 * The application's redirect URI (http://127.0.0.1:9/callback) is answered by
 * the browser itself: the URL is kept for the test to exchange the code.
 */
export async function interceptApplication(context: BrowserContext): Promise<{ callbackUrl: () => string | undefined }> {
  let last: string | undefined;
  await context.route('http://127.0.0.1:9/**', (route) => {
    last = route.request().url();
    return route.fulfill({ status: 200, contentType: 'text/html', body: '<!doctype html><html lang="en"><title>Test application</title><h1>Back at the application</h1></html>' });
  });
  return { callbackUrl: () => last };
}

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export interface Violation { id: string; impact?: string | null; help: string; nodes: { target: unknown; failureSummary?: string }[] }

/** axe-core on the current page: WCAG 2.0/2.1 A and AA rules plus axe's best practices. */
export async function axeViolations(page: Page): Promise<Violation[]> {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  });
}

const OUTPUT = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * A full-page screenshot under test-output/screenshots/. With DOCS_SCREENSHOTS=1
 * (`npm run screenshots`) the ones marked for the README are copied to docs/screenshots/.
 */
export async function screenshot(page: Page, name: string, options: { docs?: boolean } = {}): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  const file = `${OUTPUT}${name}.png`;
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  if (options.docs && process.env.DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, `${DOCS}${name}.png`);
  }
}

/** The element that has focus, described by its role-relevant text, for focus assertions. */
export function focusedText(page: Page): Promise<string | undefined> {
  return page.evaluate(() => document.activeElement?.textContent?.trim());
}
