import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { landedOn, login, resetLink, signInUntil, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';

/**
 * Limits are taken before an attempt is checked, so parallel guesses cannot slip
 * past them; and lockouts hurt the attacker's address, not the owner.
 * Behind a proxy (TRUST_PROXY), each browser here is a different client IP.
 */
describeOnEveryStore('attempt limits', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store, env: { TRUST_PROXY: 'true' } });
  });
  afterAll(() => idp.close());

  const loginPageFrom = async (ip: string) => {
    const browser = new Browser(idp.issuer, { 'x-forwarded-for': ip });
    return { browser, ...(await signInUntil(idp, browser, 'login-form')) };
  };
  const statusesOf = (pages: { status: number }[]) => pages.map((p) => p.status).sort();

  test('30 parallel wrong passwords: exactly 5 are checked, the rest are refused before argon2', async () => {
    const email = `parallel-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const attempts = await Promise.all(Array.from({ length: 30 }, () => loginPageFrom('198.51.100.7')));
    const answers = await Promise.all(
      attempts.map(({ browser, page }, i) => browser.submit(page, '/login', { username: email, password: `wrong guess ${i}` })),
    );
    expect(statusesOf(answers).filter((s) => s === 401)).toHaveLength(5);
    expect(statusesOf(answers).filter((s) => s === 429)).toHaveLength(25);
  });

  /** A client credentials request for the back-end service, as from `ip`. */
  const tokenRequest = (secret: string, ip: string, endpoint = '/token') =>
    fetch(`${idp.issuer}${endpoint}`, {
      method: 'POST',
      headers: {
        authorization: `Basic ${Buffer.from(`service:${secret}`).toString('base64')}`,
        'content-type': 'application/x-www-form-urlencoded',
        'x-forwarded-for': ip,
      },
      body: endpoint === '/token' ? 'grant_type=client_credentials' : 'token=anything',
    });

  test('30 parallel wrong client secrets: exactly 20 are checked, then the guessing address is locked out of that client', async () => {
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => tokenRequest(`guess-${i}`, '198.51.100.200', i % 2 ? '/token' : '/token/introspection')),
    );
    const statuses = answers.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(20);
    expect(statuses.filter((s) => s === 429)).toHaveLength(10);
    const locked = answers.find((r) => r.status === 429)!;
    expect(await locked.json()).toMatchObject({ error: 'invalid_client' });
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(0);
    // Locked means locked: the right secret from that address waits too…
    expect((await tokenRequest('service-secret', '198.51.100.200')).status).toBe(429);
    // …while the application's own servers, elsewhere, go on.
    expect((await tokenRequest('service-secret', '198.51.100.201')).status).toBe(200);
  });

  test("an application's many parallel token requests never lock it, more than the limit at once too: a right secret takes no point", async () => {
    for (let round = 0; round < 3; round++) {
      const answers = await Promise.all(Array.from({ length: 50 }, () => tokenRequest('service-secret', '198.51.100.202')));
      expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
    }
    // Its own typo now and then does not either: 19 wrong, then 50 right in parallel.
    for (let i = 0; i < 19; i++) expect((await tokenRequest(`typo-${i}`, '198.51.100.202')).status).toBe(401);
    const answers = await Promise.all(Array.from({ length: 50 }, () => tokenRequest('service-secret', '198.51.100.202')));
    expect(answers.map((r) => r.status)).toEqual(Array(50).fill(200));
  });

  test('20 parallel wrong codes: exactly 5 are checked', async () => {
    const email = `codes-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD, { totp: true });
    const steps = [];
    for (let i = 0; i < 20; i++) {
      const browser = new Browser(idp.issuer, { 'x-forwarded-for': `198.51.100.${20 + i}` });
      steps.push({ browser, ...(await signInUntil(idp, browser, 'code-page', { email })) });
    }
    const answers = await Promise.all(steps.map(({ browser, page }, i) => browser.submit(page, '/verify/totp', { code: String(100000 + i) })));
    expect(statusesOf(answers).filter((s) => s === 400)).toHaveLength(5);
    expect(statusesOf(answers).filter((s) => s === 429)).toHaveLength(15);
  });

  test("an attacker's failures from one address do not stop the owner signing in from another", async () => {
    const email = `victim-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    for (let i = 0; i < 7; i++) {
      const { browser, page } = await loginPageFrom('203.0.113.66');
      await browser.submit(page, '/login', { username: email, password: `attacker guess ${i}` });
    }
    const attacker = await loginPageFrom('203.0.113.66');
    expect((await attacker.browser.submit(attacker.page, '/login', { username: email, password: PASSWORD })).status).toBe(429);

    const owner = await loginPageFrom('192.0.2.10');
    expect(landedOn(await login(owner.browser, owner.page, email, PASSWORD))).toBe('mfa-notice');
  });

  test('a browser stays a known device after its second sign-in: 5 wrong passwords from each of 11 addresses do not lock the owner out there', async () => {
    const email = `known-device-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const owner = new Browser(idp.issuer, { 'x-forwarded-for': '192.0.2.77' });
    // Two complete sign-ins from the owner's browser, the second asked for anew (prompt=login).
    for (const [step, params] of [
      [-1, {}],
      [0, { prompt: 'login' }],
    ] as const) {
      const { page } = await signInUntil(idp, owner, 'code-page', { email, params });
      const done = await owner.submit(page, '/verify/totp', { code: await totpCode(secret, step) });
      expect(done.status).toBe(303);
      expect((await owner.follow(done.location!)).location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?code=/);
    }

    // 55 wrong passwords: past the ceiling for one account from anywhere (50 an hour).
    for (let address = 1; address <= 11; address++) {
      for (let i = 0; i < 5; i++) {
        const { browser, page } = await loginPageFrom(`203.0.113.${address}`);
        await browser.submit(page, '/login', { username: email, password: `sprayed guess ${i}` });
      }
    }
    // Another browser at the owner's own address is locked out by that ceiling…
    const elsewhere = await loginPageFrom('192.0.2.77');
    expect((await elsewhere.browser.submit(elsewhere.page, '/login', { username: email, password: PASSWORD })).status).toBe(429);
    // …but the owner's browser keeps its own budget.
    const { page } = await signInUntil(idp, owner, 'code-page', { email, params: { prompt: 'login' } });
    expect(landedOn(page)).toBe('code-page');
  });

  test('the same address typed in Unicode NFD counts against the same limit', async () => {
    const email = `jos\u00e9-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const decomposed = email.normalize('NFD').toUpperCase();
    for (let i = 0; i < 5; i++) {
      const { browser, page } = await loginPageFrom('198.51.100.200');
      await browser.submit(page, '/login', { username: i % 2 ? decomposed : email, password: `wrong guess ${i}` });
    }
    const { browser, page } = await loginPageFrom('198.51.100.200');
    expect((await browser.submit(page, '/login', { username: decomposed, password: PASSWORD })).status).toBe(429);
  });

  test('a completed password reset lifts the lock of the address it was done from', async () => {
    const email = `reset-lifts-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const ip = '198.51.100.99';
    for (let i = 0; i < 5; i++) {
      const { browser, page } = await loginPageFrom(ip);
      await browser.submit(page, '/login', { username: email, password: `forgotten ${i}` });
    }
    const owner = new Browser(idp.issuer, { 'x-forwarded-for': ip });
    await owner.submit(await owner.get('/password/request'), '/password/request', { username: email });
    const link = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    const NEW = 'my remembered passphrase 9';
    expect((await owner.submit(await owner.get(link), '/password/set', { password: NEW, confirm: NEW })).status).toBe(200);
    await idp.smtp.next(email);
    const { browser, page } = await loginPageFrom(ip);
    expect(landedOn(await login(browser, page, email, NEW))).toBe('mfa-notice');
  });

  test("requests for a set-password link count per requester: a stranger's requests do not use up the owner's", async () => {
    const email = `quota-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    for (let i = 0; i < 4; i++) {
      const stranger = new Browser(idp.issuer, { 'x-forwarded-for': '203.0.113.77' });
      expect((await stranger.submit(await stranger.get('/password/request'), '/password/request', { username: email })).status).toBe(200);
    }
    for (let i = 0; i < 3; i++) await idp.smtp.next(email);
    const owner = new Browser(idp.issuer, { 'x-forwarded-for': '192.0.2.44' });
    await owner.submit(await owner.get('/password/request'), '/password/request', { username: email });
    const mail = await idp.smtp.next(email);
    expect(mail.text).toContain('/password/set?token=');
  });
});
