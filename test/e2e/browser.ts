import { mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startTestIdp, type TestIdp } from '../support/test-idp.ts';

/** Debian's Chromium (installed by .ci/run); playwright cannot download its own build here. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** One real service and one Chromium for a test file: started before its tests, closed after them. */
export function withIdpAndBrowser(use: (idp: TestIdp, browser: Browser) => void, host?: 'localhost'): void {
  let opened: [TestIdp, Browser] | undefined;
  beforeAll(async () => {
    opened = await Promise.all([startTestIdp('sqlite', {}, {}, host ? { host } : {}), launch()]);
    use(...opened);
  });
  afterAll(async () => {
    await opened?.[1].close();
    await opened?.[0].close();
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

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation { id: string; impact?: string | null; help: string; nodes: { target: unknown; failureSummary?: string }[] }

/**
 * axe-core on the current page: WCAG 2.0/2.1 A and AA rules plus axe's best
 * practices, less any rules named in `skip` (for content that is not a page of
 * its own, such as a mail's HTML).
 */
export async function axeViolations(page: Page, skip: string[] = []): Promise<Violation[]> {
  // Evaluated over the DevTools protocol: addScriptTag would be an inline script, which our CSP rightly blocks.
  await page.evaluate(AXE);
  return page.evaluate(async (skip) => {
    const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
    const rules = Object.fromEntries(skip.map((id) => [id, { enabled: false }]));
    const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }, rules, resultTypes: ['violations'] });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) }));
  }, skip);
}

const OUTPUT = fileURLToPath(new URL('../../test-output/screenshots/', import.meta.url));
const DOCS = fileURLToPath(new URL('../../docs/screenshots/', import.meta.url));

/**
 * A full-page screenshot under test-output/screenshots/. With DOCS_SCREENSHOTS=1
 * (`npm run screenshots`) the ones given a docs name are copied to docs/screenshots/.
 */
export async function screenshot(page: Page, name: string, options: { docs?: string } = {}): Promise<void> {
  mkdirSync(OUTPUT, { recursive: true });
  const file = `${OUTPUT}${name}.png`;
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled', caret: 'hide' });
  if (options.docs && process.env.DOCS_SCREENSHOTS === '1') {
    mkdirSync(DOCS, { recursive: true });
    copyFileSync(file, `${DOCS}${options.docs}.png`);
  }
}

/** Waits until the element with this text has focus (autofocus and app.js run after the text is visible). */
export async function expectFocusOn(page: Page, text: string): Promise<void> {
  await page.waitForFunction((expected) => document.activeElement?.textContent?.trim() === expected, text, { timeout: 5000 });
}

/**
 * New pages for one suite in one language, on a desktop: each in a context of
 * its own (closed after the suite), the application's redirect answered by the
 * browser itself, the language cookie set as the switch sets it.
 */
export function pagesIn(locale: 'nl' | 'en', opened: () => { idp: TestIdp; browser: Browser }): () => Promise<Page> {
  const contexts: BrowserContext[] = [];
  afterAll(() => Promise.all(contexts.map((c) => c.close())));
  return async () => {
    const { idp, browser } = opened();
    const context = await browser.newContext({ viewport: DESKTOP });
    context.setDefaultTimeout(10_000);
    contexts.push(context);
    await interceptApplication(context);
    const page = await context.newPage();
    await page.goto(`${idp.issuer}/?lang=${locale}`);
    return page;
  };
}
