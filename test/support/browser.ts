import { CookieJar } from './cookie-jar.ts';

/**
 * A minimal browser for HTTP-level tests: a cookie jar per host that honours
 * cookie paths (as browsers keep cookies, whatever the port: an institution's
 * provider on another host keeps its own), manual redirects (so tests can stop at
 * the application's redirect URI), and forms read from the returned HTML, CSRF
 * token included.
 */
export interface Page {
  status: number;
  url: string;
  html: string;
  location?: string;
}

export class Browser {
  private readonly jars = new Map<string, CookieJar>();
  private readonly origin: string;
  private readonly headers: Record<string, string>;
  /** How requests go out: the fleet test gives each virtual user its own source address and retry rule. */
  private readonly fetch: typeof fetch;
  constructor(origin: string, headers: Record<string, string> = {}, fetchImpl: typeof fetch = fetch) {
    this.origin = origin;
    this.headers = headers;
    this.fetch = fetchImpl;
  }

  async request(method: string, url: string, form?: Record<string, string>, extraHeaders: Record<string, string> = {}): Promise<Page> {
    return this.send(method, url, form && new URLSearchParams(form).toString(), extraHeaders);
  }

  private async send(
    method: string,
    url: string,
    body: string | ReadableStream<Uint8Array> | undefined,
    extraHeaders: Record<string, string> = {},
  ): Promise<Page> {
    const target = new URL(url, this.origin);
    const headers: Record<string, string> = { ...this.headers, ...extraHeaders };
    const jar = this.jars.get(target.hostname) ?? this.jars.set(target.hostname, new CookieJar()).get(target.hostname)!;
    const cookie = jar.header(target.pathname);
    if (cookie) headers.cookie = cookie;
    if (body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
    const init = { method, headers, body, redirect: 'manual', ...(typeof body === 'object' ? { duplex: 'half' } : {}) } as RequestInit;
    const res = await this.fetch(target, init);
    jar.store(res.headers.getSetCookie(), target.pathname);
    const location = res.headers.get('location') ?? undefined;
    return { status: res.status, url: target.toString(), html: await res.text(), location: location ? new URL(location, target).toString() : undefined };
  }

  get(url: string): Promise<Page> {
    return this.request('GET', url);
  }

  /** GET, following redirects within our origin; stops at a redirect elsewhere (the application). */
  async follow(url: string, max = 10): Promise<Page> {
    let page = await this.get(url);
    for (let i = 0; i < max && page.location && new URL(page.location).origin === this.origin; i++) {
      page = await this.get(page.location);
    }
    return page;
  }

  /** Submits the form whose action matches, with the page's hidden fields (CSRF token) plus the given values. */
  async submit(page: Page, actionPart: string, values: Record<string, string>): Promise<Page> {
    const { action, fields } = formOn(page, actionPart, values);
    return this.request('POST', action, fields);
  }

  /**
   * Submits the form but holds back the second half of its body until release():
   * a request that is in flight on the server for as long as a test needs.
   */
  submitHeld(page: Page, actionPart: string, values: Record<string, string>): { release(): void; answer: Promise<Page> } {
    const { action, fields } = formOn(page, actionPart, values);
    const body = Buffer.from(new URLSearchParams(fields).toString());
    let release = () => {};
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(body.subarray(0, body.length >> 1));
        release = () => {
          controller.enqueue(body.subarray(body.length >> 1));
          controller.close();
        };
      },
    });
    return { release: () => release(), answer: this.send('POST', action, stream) };
  }

  async submitAndFollow(page: Page, actionPart: string, values: Record<string, string>): Promise<Page> {
    const result = await this.submit(page, actionPart, values);
    return result.location && new URL(result.location).origin === this.origin ? this.follow(result.location) : result;
  }
}

function formOn(page: Page, actionPart: string, values: Record<string, string>): { action: string; fields: Record<string, string> } {
  const form = [...page.html.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1]!.includes(actionPart));
  if (!form) throw new Error(`no form with action containing ${actionPart} on ${page.url}:\n${page.html}`);
  const hidden = Object.fromEntries([...form[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, decode(m[2]!)]));
  return { action: decode(form[1]!), fields: { ...hidden, ...values } };
}

export function decode(html: string): string {
  return html.replace(/&#34;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** The href of the link or button with this visible text. */
export function linkTo(page: Page, text: string): string {
  const m = [...page.html.matchAll(/<a [^>]*href="([^"]+)"[^>]*>\s*([^<]*?)\s*<\/a>/g)].find((a) => decode(a[2]!) === text);
  if (!m) throw new Error(`no link "${text}" on ${page.url}:\n${page.html}`);
  return decode(m[1]!);
}
