import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { exportJWK, generateKeyPair } from 'jose';
import { Browser, decode, type Page } from './browser.ts';
import { signInUntil, totpCode, PASSWORD } from './journey.ts';
import { seedAccount } from './seed.ts';
import { bootIdp, type StoreKind, type TestIdp } from './test-idp.ts';
import { startUpstream, upstreamEntry, type TestUpstream, type UpstreamUser } from './upstream-provider.ts';

/** An institution's user, with the claims SURFconext releases (schac_home_organization, eduperson_principal_name). */
export function institutionUser(name: string, fields: Omit<Partial<UpstreamUser>, 'claims'> & { claims?: Record<string, unknown> } = {}): UpstreamUser {
  return {
    password: `${name} at the university`,
    ...fields,
    claims: { sub: `${name}-persistent-id`, schac_home_organization: 'uva.nl', eduperson_principal_name: `${name}@uva.nl`, ...fields.claims },
  };
}

/** The audit trail of a service under test, as its log lines. */
export interface AuditTrail {
  events(name: string): Record<string, unknown>[];
}

export interface WithUpstream {
  idp: TestIdp;
  /** The provider of entry `uni`. */
  upstream: TestUpstream;
  /** The providers of the other entries, by id: each its own (one entry per issuer), with the same users. */
  others: Record<string, TestUpstream>;
  audit: AuditTrail;
  close(): Promise<void>;
}

/**
 * The service with an institution provider configured (UPSTREAM_PROVIDERS_FILE,
 * entry `uni`), that provider running with these users, and for each of `others`
 * (id → the entry's fields) a provider of its own.
 */
export async function startWithUpstream(
  store: StoreKind,
  users: Record<string, UpstreamUser>,
  o: { entry?: Record<string, unknown>; others?: Record<string, Record<string, unknown>>; env?: Record<string, string> } = {},
): Promise<WithUpstream> {
  const upstream = await startUpstream({ users });
  const others = Object.fromEntries(
    await Promise.all(Object.keys(o.others ?? {}).map(async (id) => [id, await startUpstream({ users: upstream.users })] as const)),
  );
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-upstream-'));
  const file = join(dir, 'upstream-providers.json');
  // An entry with private_key_jwt gets a key of its own, in a file; the provider reads its public half at the service's /upstream/jwks.
  const entries = [upstreamEntry(upstream.issuer, o.entry)];
  for (const [id, fields] of Object.entries(o.others ?? {})) {
    const jwt = fields.token_endpoint_auth_method === 'private_key_jwt';
    if (jwt) {
      const { privateKey } = await generateKeyPair('ES256', { extractable: true });
      writeFileSync(join(dir, `${id}-key.json`), JSON.stringify({ ...(await exportJWK(privateKey)), kid: `cbs-${id}`, alg: 'ES256' }));
    }
    entries.push(
      upstreamEntry(others[id]!.issuer, { ...fields, id, ...(jwt ? { client_secret: undefined, private_key_file: join(dir, `${id}-key.json`) } : {}) }),
    );
  }
  writeFileSync(file, JSON.stringify(entries));
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as Record<string, unknown>);
      done();
    },
  });
  const idp = await bootIdp({ store, env: { UPSTREAM_PROVIDERS_FILE: file, ...o.env }, deps: { log: pino({ level: 'info' }, sink) } });
  upstream.register([`${idp.issuer}/upstream/uni/callback`]);
  for (const [id, other] of Object.entries(others)) {
    other.register(
      [`${idp.issuer}/upstream/${id}/callback`],
      o.others?.[id]?.token_endpoint_auth_method === 'private_key_jwt' ? `${idp.issuer}/upstream/jwks` : undefined,
    );
  }
  return {
    idp,
    upstream,
    others,
    audit: { events: (name) => lines.filter((l) => l.event === name) },
    async close() {
      await idp.close();
      await Promise.all([upstream, ...Object.values(others)].map((u) => u.close()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** node-oidc-provider's self-submitting form (ending an earlier session of another account there): a browser posts it at once. */
const selfSubmitting = (page: Page) => page.status === 200 && page.html.includes('<title>Submitting Callback</title>');

/** GETs `url` and follows redirects (and self-submitting forms) on any host, until a page, or a redirect `stop` says to stop at. */
async function followAcross(browser: Browser, url: string, stop: (location: string) => boolean = () => false): Promise<Page> {
  let page = await browser.get(url);
  for (let i = 0; i < 15; i++) {
    if (selfSubmitting(page)) page = await browser.submit(page, 'http', {});
    else if (page.location && !stop(page.location)) page = await browser.get(page.location);
    else break;
  }
  return page;
}

const isCallback = (location: string) => new URL(location).pathname.endsWith('/callback') && new URL(location).hostname !== '127.0.0.2';

/**
 * At the institution: its login page (reached from `redirect`, the service's
 * redirect to the provider), username and password (or Cancel), and back: the
 * service's callback URL as the provider sent the browser to it, not yet opened.
 */
export async function loginAtInstitution(
  browser: Browser,
  redirect: Page,
  username: string,
  password = `${username} at the university`,
  action: 'login' | 'cancel' = 'login',
): Promise<string> {
  if (!redirect.location) throw new Error(`no redirect to the institution from ${redirect.url} (${redirect.status}): ${redirect.html.slice(0, 300)}`);
  const form = await followAcross(browser, redirect.location, isCallback);
  if (form.location) return form.location;
  const sent = await browser.submit(form, '/login/', { username, password, action });
  const back = sent.location ? await followAcross(browser, sent.location, isCallback) : sent;
  if (!back.location) throw new Error(`the institution did not send the browser back: ${back.status} ${back.html.slice(0, 300)}`);
  return back.location;
}

/** The login page's "Log in with your institution" link (of provider `id`). */
export const institutionButton = (page: Page, id = 'uni') => {
  const href = new RegExp(`href="([^"]*/upstream/${id})"`).exec(page.html)?.[1];
  if (!href) throw new Error(`no institution login on ${page.url}`);
  return decode(href);
};

/**
 * From the service's login page through the institution and back: the page the
 * service answers the callback with, followed on the service's own origin.
 */
export async function signInWithInstitution(browser: Browser, loginPage: Page, username: string, provider = 'uni'): Promise<Page> {
  const callback = await loginAtInstitution(browser, await browser.get(institutionButton(loginPage, provider)), username);
  return browser.follow(callback);
}

/**
 * Links the institution user to the account the only way a holder can: signed in
 * to My account with password and code (time step -1), "confirm it's you" (step 0),
 * "Link your institution account", the institution's login. Returns that browser,
 * still signed in, and the page the service answered.
 */
export async function linkOnMyAccount(
  idp: Pick<TestIdp, 'issuer' | 'client'>,
  account: { email: string; secret: string },
  username: string,
  provider = 'uni',
): Promise<{ browser: Browser; page: Page }> {
  const browser = new Browser(idp.issuer);
  const { page: verify } = await signInUntil(idp, browser, 'code-page', { email: account.email, from: '/account' });
  const overview = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(account.secret, -1) });
  const confirmed = await browser.submit(overview, '/account/confirm/code', { code: await totpCode(account.secret, 0) });
  const start = await browser.submit(await browser.follow(confirmed.location!), `/account/upstream/${provider}/link`, {});
  return { browser, page: await browser.follow(await loginAtInstitution(browser, start, username)) };
}

/**
 * A seeded account (password, authenticator app) with the institution user linked
 * on My account; time steps -1 and 0 are used. `browser`: the one still on My account, confirmed.
 */
export async function linkedAccount(idp: TestIdp, email: string, username: string, provider = 'uni') {
  const seeded = await seedAccount(idp, email, PASSWORD, { totp: true });
  const { browser, page } = await linkOnMyAccount(idp, { email, secret: seeded.secret }, username, provider);
  if (page.status !== 200) throw new Error(`linking answered ${page.status}`);
  await idp.smtp.next(email);
  return { ...seeded, browser };
}
