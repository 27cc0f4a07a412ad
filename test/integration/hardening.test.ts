import { Writable } from 'node:stream';
import { get } from 'node:http';
import { pino } from 'pino';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { login, resetLink, signInUntil, text, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { msg } from '../support/messages.ts';

/** A GET with the path exactly as written (fetch would resolve '//host' to another host). */
const rawGet = (origin: string, path: string) =>
  new Promise<string>((resolve, reject) => {
    const { hostname, port } = new URL(origin);
    get({ hostname, port, path }, (res) => {
      let body = '';
      res
        .on('data', (chunk) => {
          body += String(chunk);
        })
        .on('end', () => resolve(body));
    }).on('error', reject);
  });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** Malformed input, forged headers and leaks, tried as an attacker would. */
describeOnEveryStore('hardening', (store) => {
  const lines: string[] = [];
  let idp: TestIdp;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    // A requester's bound on different addresses for set-password mails, at 20 so that a test can reach it.
    idp = await bootIdp({ store, env: { TRUST_PROXY: 'true', RESET_ADDRESSES_PER_IP: '20' }, deps: { log: pino({ level: 'info' }, sink) } });
  });
  afterAll(() => idp.close());

  const loginPage = async (headers: Record<string, string> = {}) => {
    const browser = new Browser(idp.issuer, headers);
    return { browser, ...(await signInUntil(idp, browser, 'login-form')) };
  };

  test('a passkey answer with a huge or wrongly typed field is a failed attempt (400), decoded never', async () => {
    const { browser, page } = await loginPage();
    const base = { id: 'abc', rawId: 'abc', type: 'public-key', clientExtensionResults: {} };
    const bodies = [
      { ...base, response: { clientDataJSON: 'e30', authenticatorData: 'AA', signature: 'AA', userHandle: { length: 50_000_000 } } },
      { ...base, response: { clientDataJSON: b64({ challenge: { length: 9 } }), authenticatorData: 'AA', signature: 'AA', userHandle: 'AA' } },
      { ...base, response: { clientDataJSON: b64({ challenge: 12 }), authenticatorData: 'AA', signature: 'AA' } },
      [1, 2, 3],
    ];
    for (const body of bodies) {
      const answer = await browser.submit(page, '/passkey', { response: JSON.stringify(body) });
      expect(answer.status).toBe(400);
      expect(text(answer)).toContain(msg('passkey.failed'));
    }
    expect((await browser.get('/healthz')).status).toBe(200);
  });

  test('a form with an unknown Content-Encoding gets a 4xx page, not a 500', async () => {
    const { browser, page } = await loginPage();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const action = new URL(/action="([^"]*\/login)"/.exec(page.html)![1]!, page.url);
    const answer = await browser.request('POST', action.toString(), { username: 'x@example.org', password: 'y', _csrf: csrf }, { 'content-encoding': 'bogus' });
    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(answer.status).toBeLessThan(500);
    expect(answer.html).not.toMatch(/at .*\.(ts|js):\d+/);
  });

  test('behind one proxy, the client address is the one the proxy saw, not the one a client wrote', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const browser = new Browser(idp.issuer, { 'x-forwarded-for': `10.9.${i}.1, 198.18.0.1` });
      statuses.push((await browser.submit(await browser.get('/password/request'), '/password/request', { username: `flood-${i}@example.org` })).status);
    }
    expect(statuses.slice(0, 20).every((s) => s === 200)).toBe(true);
    expect(statuses.slice(20)).toEqual([429, 429]);
  });

  test('a client X-Forwarded-Host or Host never changes the endpoints; discovery may be cached', async () => {
    const res = await fetch(`${idp.issuer}/.well-known/openid-configuration`, {
      headers: { 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' },
    });
    const meta = (await res.json()) as Record<string, string>;
    expect(meta.issuer).toBe(idp.issuer);
    expect(meta.authorization_endpoint).toBe(`${idp.issuer}/auth`);
    expect(res.headers.get('cache-control')).toMatch(/max-age=\d+/);
  });

  test('language links stay on this site, whatever the path', async () => {
    const html = await rawGet(idp.issuer, '//evil.example/x');
    const hrefs = [...html.matchAll(/href="([^"]*lang=[^"]*)"/g)].map((m) => m[1]!);
    expect(hrefs.length).toBeGreaterThan(0);
    for (const href of hrefs) expect(href.startsWith('?')).toBe(true);
  });

  test('a password typed into the username field never reaches the log', async () => {
    const { browser, page } = await loginPage();
    const typo = 'MySecretPassw0rd!';
    await browser.submit(page, '/login', { username: typo, password: 'whatever' });
    expect(lines.join('')).not.toContain(typo);
    expect(lines.join('')).toContain('login.failure');
  });

  test('a link mailed before a disable does not work after the enable', async () => {
    const email = `disable-link-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const browser = new Browser(idp.issuer);
    await browser.submit(await browser.get('/password/request'), '/password/request', { username: email });
    const link = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    await accountCommands(idp.app.services, 'disable', { email });
    await accountCommands(idp.app.services, 'enable', { email });
    expect((await browser.get(link)).status).toBe(410);
  });

  test('every response forbids framing: the logout page and provider errors too', async () => {
    for (const path of ['/session/end', '/auth?client_id=nope', '/interaction/none', '/']) {
      const res = await fetch(`${idp.issuer}${path}`);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expect(res.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    }
    const { browser, page } = await loginPage();
    expect(text(await login(browser, page, 'nobody@example.org', PASSWORD))).toContain('onjuist');
  });
});
