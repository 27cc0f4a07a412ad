import { mkdirSync, copyFileSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { bootIdp, type BootOptions, type TestIdp } from '../support/test-idp.ts';

/** Debian's Chromium (installed by .ci/run); playwright cannot download its own build here. */
export function launch(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** One real service (bootIdp) and one Chromium for a test file: started before its tests, closed after them. */
export function withIdpAndBrowser(use: (idp: TestIdp, browser: Browser) => void, boot: BootOptions = {}): void {
  let opened: [TestIdp, Browser] | undefined;
  beforeAll(async () => {
    opened = await Promise.all([bootIdp(boot), launch()]);
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
    return route.fulfill({
      status: 200,
      contentType: 'text/html',
      body: '<!doctype html><html lang="en"><title>Test application</title><h1>Back at the application</h1></html>',
    });
  });
  return { callbackUrl: () => last };
}

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface Violation {
  id: string;
  impact?: string | null;
  help: string;
  nodes: { target: unknown; failureSummary?: string }[];
}

/** The axe-core rule sets every screen is held to: WCAG 2.0, 2.1 and 2.2 at levels A and AA, and axe's best practices. */
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'];

/**
 * axe-core on the current page (AXE_TAGS), less any rules named in `skip`
 * (for content that is not a page of its own, such as a mail's HTML).
 */
export async function axeViolations(page: Page, skip: string[] = []): Promise<Violation[]> {
  // Evaluated over the DevTools protocol: addScriptTag would be an inline script, which our CSP rightly blocks.
  await page.evaluate(AXE);
  return page.evaluate(
    async ({ skip, tags }) => {
      const axe = (window as unknown as { axe: { run: (context: Document, options: object) => Promise<{ violations: Violation[] }> } }).axe;
      const rules = Object.fromEntries(skip.map((id) => [id, { enabled: false }]));
      const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, rules, resultTypes: ['violations'] });
      return result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })),
      }));
    },
    { skip, tags: AXE_TAGS },
  );
}

/** Everything a user can click, tap or type into. */
const TARGETS = 'a[href], button, input:not([type="hidden"]), select, textarea, summary, [role="button"], [tabindex]:not([tabindex="-1"])';

/**
 * WCAG 2.5.8 (target size, minimum), measured: each visible target is at least
 * 24 × 24 CSS pixels, or a 24-pixel circle on its centre touches no other
 * target and no other small target's circle (the spacing exception), or it is
 * a link inside a sentence (the inline exception). Returns the targets that fail.
 */
export async function targetSizeProblems(page: Page): Promise<string[]> {
  return page.evaluate((selector) => {
    const visible = (el: Element) => {
      const r = el.getBoundingClientRect();
      return r.width > 1 && r.height > 1 && getComputedStyle(el).visibility !== 'hidden' && !el.closest('[hidden], [aria-hidden="true"]');
    };
    // A link in running text: its block holds text of its own beside the link.
    const inSentence = (el: Element) => el.tagName === 'A' && (el.parentElement?.textContent ?? '').trim().length > (el.textContent ?? '').trim().length;
    const targets = [...document.querySelectorAll(selector)].filter(visible).map((el) => ({ el, r: el.getBoundingClientRect() }));
    const small = (t: { r: DOMRect }) => t.r.width < 24 || t.r.height < 24;
    const centre = (r: DOMRect) => ({ x: r.left + r.width / 2, y: r.top + r.height / 2 });
    const circleTouches = (c: { x: number; y: number }, r: DOMRect) => {
      const dx = Math.max(r.left - c.x, 0, c.x - r.right);
      const dy = Math.max(r.top - c.y, 0, c.y - r.bottom);
      return dx * dx + dy * dy < 12 * 12;
    };
    const describe = (el: Element, r: DOMRect) =>
      `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('aria-label') || el.getAttribute('name') || '').trim().slice(0, 40)}" ${Math.round(r.width)}×${Math.round(r.height)}`;
    return targets
      .filter((t) => small(t) && !inSentence(t.el))
      .filter((t) => {
        const c = centre(t.r);
        return targets.some(
          (o) =>
            o !== t &&
            !o.el.contains(t.el) &&
            !t.el.contains(o.el) &&
            (circleTouches(c, o.r) || (small(o) && Math.hypot(centre(o.r).x - c.x, centre(o.r).y - c.y) < 24)),
        );
      })
      .map((t) => describe(t.el, t.r));
  }, TARGETS);
}

/**
 * WCAG 2.4.11 (focus not obscured, minimum) and a visible focus, by keyboard:
 * Tab through the page from its top; each element that gets focus must be in
 * the viewport and not covered (the element at its centre, or at the centre
 * of one of its lines, is it or inside it). Returns what failed, and how many stops the Tab key made.
 */
export async function focusProblems(page: Page): Promise<{ stops: number; problems: string[] }> {
  const count = await page.locator(TARGETS).count();
  await page.evaluate(() => {
    (document.activeElement as HTMLElement | null)?.blur();
    window.scrollTo(0, 0);
  });
  const problems: string[] = [];
  const seen = new Set<string>();
  let stops = 0;
  for (let i = 0; i <= count + 1; i++) {
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return undefined;
      const r = el.getBoundingClientRect();
      const label = el instanceof HTMLInputElement ? el.labels?.[0] : undefined;
      // A link that wraps has a box per line: one of them must show at its centre.
      const hits = [...el.getClientRects()].map((box) => {
        const x = Math.min(Math.max(box.left + box.width / 2, 0), innerWidth - 1);
        const y = Math.min(Math.max(box.top + box.height / 2, 0), innerHeight - 1);
        return { x, y, hit: document.elementFromPoint(x, y) };
      });
      const shown = hits.find(({ hit }) => !!hit && (hit === el || el.contains(hit) || (!!label && label.contains(hit))));
      const { x, y, hit } = shown ?? hits[0] ?? { x: 0, y: 0, hit: null };
      const path = (e: Element): string => (e.parentElement ? `${path(e.parentElement)}>${e.tagName}[${[...e.parentElement.children].indexOf(e)}]` : e.tagName);
      return {
        key: path(el),
        name: `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''} "${(el.textContent || el.getAttribute('name') || '').trim().slice(0, 40)}"`,
        inView: r.bottom > 0 && r.right > 0 && r.top < innerHeight && r.left < innerWidth,
        uncovered: !!shown,
        by: hit
          ? `${hit.tagName.toLowerCase()}.${hit.className} at ${Math.round(x)},${Math.round(y)} (viewport ${innerWidth}×${innerHeight}, target ${Math.round(r.left)},${Math.round(r.top)} ${Math.round(r.width)}×${Math.round(r.height)})`
          : 'nothing',
      };
    });
    if (!focused || seen.has(focused.key)) break; // back at the start: every stop visited
    seen.add(focused.key);
    stops++;
    if (!focused.inView) problems.push(`${focused.name} has focus outside the viewport`);
    else if (!focused.uncovered) problems.push(`${focused.name} has focus but is covered by ${focused.by}`);
  }
  return { stops, problems };
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
