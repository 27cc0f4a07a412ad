import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { landedOn, login, signInUntil, text, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { msg } from '../support/messages.ts';

/** What protects every form: CSRF tokens, lockouts, no enumeration, clear 4xx pages. */
describeOnEveryStore('guards', (store) => {
  let idp: TestIdp;
  // A requester's bound on different addresses for set-password mails, at 20 so that a test can reach it.
  beforeAll(async () => {
    idp = await bootIdp({ store, env: { RESET_ADDRESSES_PER_IP: '20' } });
  });
  afterAll(() => idp.close());

  const loginPage = async () => {
    const browser = new Browser(idp.issuer);
    return { browser, ...(await signInUntil(idp, browser, 'login-form')) };
  };

  test('a post without the CSRF token is refused with 403 and changes nothing', async () => {
    const email = `csrf-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const { browser, page } = await loginPage();
    const uid = /\/interaction\/([\w-]+)/.exec(page.url)![1];
    const forged = await browser.request('POST', `/interaction/${uid}/login`, { username: email, password: PASSWORD });
    expect(forged.status).toBe(403);
    expect(text(forged)).toContain(msg('error.csrf'));
    // A token of the right length in other characters (more bytes) is refused the same way, not a 500.
    const odd = await browser.request('POST', `/interaction/${uid}/login`, { _csrf: 'é'.repeat(43), username: email, password: PASSWORD });
    expect(odd.status).toBe(403);
    const request = await new Browser(idp.issuer).request('POST', '/password/request', { username: email });
    expect(request.status).toBe(403);
    await idp.app.settled();
    expect(idp.smtp.to(email)).toHaveLength(0);
    // The real form, with its token, still works.
    expect(landedOn(await login(browser, page, email, PASSWORD))).toBe('mfa-notice');
  });

  test('wrong passwords lock the account, even for the right password, across new sign-ins', async () => {
    const email = `lock-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    for (let i = 0; i < 5; i++) {
      const { browser, page } = await loginPage();
      const wrong = await browser.submit(page, '/login', { username: email, password: `wrong password ${i}` });
      expect(wrong.status).toBe(401);
      expect(text(wrong)).toContain(msg('login.invalid'));
    }
    const { browser, page } = await loginPage();
    const locked = await browser.submit(page, '/login', { username: email, password: PASSWORD });
    expect(locked.status).toBe(429);
    expect(text(locked)).toContain(msg('login.locked', { minutes: 1 })); // the first lockout of the day
  });

  test('unknown, known and disabled addresses get the same answer; only the known one gets mail', async () => {
    const known = `known-${store}@example.org`;
    const disabled = `disabled-${store}@example.org`;
    const unknown = `unknown-${store}@example.org`;
    await seedAccount(idp, known, PASSWORD);
    await seedAccount(idp, disabled, PASSWORD);
    await accountCommands(idp.app.services, 'disable', { email: disabled });

    const answers = [];
    for (const email of [known, disabled, unknown]) {
      const browser = new Browser(idp.issuer);
      const sent = await browser.submit(await browser.get('/password/request'), '/password/request', { username: email });
      answers.push({ status: sent.status, body: text(sent).replace(/value="[^"]*"/g, '') });
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]!.body).toContain(msg('request.sent'));
    await idp.smtp.next(known);
    await idp.app.settled();
    expect(idp.smtp.to(disabled)).toHaveLength(0);
    expect(idp.smtp.to(unknown)).toHaveLength(0);
  });

  test('without TRUST_PROXY, a forged X-Forwarded-For does not get around the per-IP bound on addresses', async () => {
    const statuses = [];
    for (let i = 0; i < 21; i++) {
      const browser = new Browser(idp.issuer, { 'x-forwarded-for': `203.0.113.${i}` });
      const form = await browser.get('/password/request');
      statuses.push((await browser.submit(form, '/password/request', { username: `flood-${i}-${store}@example.org` })).status);
    }
    // Every request counts against the one real client IP (earlier tests used some of its budget).
    const firstRefused = statuses.indexOf(429);
    expect(firstRefused).toBeGreaterThan(-1);
    expect(statuses.slice(0, firstRefused).every((st) => st === 200)).toBe(true);
    expect(statuses.slice(firstRefused).every((st) => st === 429)).toBe(true);
  });

  test('a disabled account cannot log in, with the same message as a wrong password', async () => {
    const email = `off-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    await accountCommands(idp.app.services, 'disable', { email });
    const { browser, page } = await loginPage();
    const refused = await browser.submit(page, '/login', { username: email, password: PASSWORD });
    expect(refused.status).toBe(401);
    expect(text(refused)).toContain(msg('login.invalid'));
  });

  test('empty, malformed and oversized input get a message and a 4xx, never a 500', async () => {
    const { browser, page } = await loginPage();
    const empty = await browser.submit(page, '/login', { username: '', password: '' });
    expect(empty.status).toBe(400);
    expect(empty.html.match(/aria-invalid="true"/g)).toHaveLength(2);
    expect(text(empty)).toContain(msg('common.required'));

    const request = await browser.get('/password/request');
    const malformed = await browser.submit(request, '/password/request', { username: 'not an address' });
    expect(malformed.status).toBe(400);
    expect(text(malformed)).toContain(msg('request.invalid_email'));

    const huge = await browser.submit(request, '/password/request', { username: `${'a'.repeat(100_000)}@example.org` });
    expect(huge.status).toBe(413);
    expect(text(huge)).toContain(msg('error.too_large'));

    const bogusLink = await browser.get('/password/set?token=%3Cscript%3E');
    expect(bogusLink.status).toBe(410);
    expect(bogusLink.html).not.toContain('<script>');

    const unknownSignIn = await browser.get('/interaction/doesnotexist123');
    expect(unknownSignIn.status).toBe(400);
    expect(text(unknownSignIn)).toContain(msg('error.session'));
  });
});
