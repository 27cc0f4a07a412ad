import { Browser, type Page } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { landedOn, login, signInUntil, startSignIn, text, totpCode, totpKey, PASSWORD } from '../support/journey.ts';
import { refreshFails, signInTo } from '../support/logout-clients.ts';
import { seedAccount } from '../support/seed.ts';
import { updateAccount } from '../../src/accounts/update.ts';
import { regenerateRecoveryCodes } from '../../src/mfa/recovery/recovery-codes.ts';
import { verifyRecoveryCode } from '../../src/mfa/recovery/verify.ts';
import { activateTotp } from '../../src/mfa/totp/verify.ts';
import { offeredSecret, PENDING_TOTP_SECONDS } from '../../src/mfa/totp/pending-secret.ts';
import { useClock } from '../../src/clock.ts';
import { msg } from '../support/messages.ts';

const NEW_PASSWORD = 'another fine passphrase 2';

const csrf = (page: Page) => /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
const isAccountPage = (page: Page) => page.status === 200 && page.url.endsWith('/account') && page.html.includes(msg('account.title'));

/** My account: reached through the provider's session; every change needs the second factor again. */
describeOnEveryStore('My account', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  const account = async (email: string) => (await idp.app.services.accounts.findByEmail(email))!;

  /** /account → sign-in (password, code) → back at /account. */
  const signInToAccount = async (email: string, secret: string, offset: number, browser = new Browser(idp.issuer)) => {
    const { page: verify } = await signInUntil(idp, browser, 'code-page', { email, from: '/account' });
    const page = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, offset) });
    return { browser, page };
  };

  const reauthenticate = async (browser: Browser, page: Page, code: string) => {
    const confirmed = await browser.submit(page, '/account/confirm/code', { code });
    expect(confirmed.status).toBe(303);
    const after = await browser.follow(confirmed.location!);
    expect(text(after)).toContain(msg('account.reauth.done', { minutes: 5 }));
    return after;
  };

  const expectNotification = async (email: string, sentence: string) => {
    const mail = await idp.smtp.next(email);
    expect(mail.subject).toBe(msg('mail.changed.subject'));
    expect(mail.text).toContain(sentence);
  };

  test('without a session /account signs in first, with the second factor, and comes back', async () => {
    const email = `overview-${store}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    await updateAccount(idp.app.services.accounts, id, (a) => {
      a.recentSignIns = [
        { at: 1_700_000_000, method: 'pwd+otp+mfa', ip: '192.0.2.1' },
        { at: 1_800_000_000, method: 'hwk+user+mfa', ip: '192.0.2.2' },
      ];
    });
    const browser = new Browser(idp.issuer);
    const { page: verify } = await signInUntil(idp, browser, 'code-page', { email, from: '/account' });

    // The password alone is not enough for My account.
    expect((await browser.follow('/account')).url).toMatch(/\/interaction\//);

    const page = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, -1) });
    expect(isAccountPage(page)).toBe(true);
    expect(text(page)).toContain(email);
    expect(text(page)).toContain(msg('account.reauth.title'));
    // Newest sign-in first.
    expect(page.html.indexOf('192.0.2.2')).toBeLessThan(page.html.indexOf('192.0.2.1'));
    expect(text(page)).toContain('passkey vanaf 192.0.2.2');
  });

  test('changing settings without re-authentication is refused and changes nothing', async () => {
    const email = `refused-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await signInToAccount(email, secret, -1);
    const before = await account(email);
    const token = csrf(page);

    const attempts: [string, Record<string, string>][] = [
      ['/account/password', { current_password: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD }],
      ['/account/authenticator-app/remove', { id: before.totp[0]!.id }],
      ['/account/recovery-codes', {}],
      ['/account/sign-out-everywhere', {}],
      ['/account/authenticator-app', { code: '123456' }],
      ['/account/passkey', { response: '{}' }],
    ];
    for (const [path, form] of attempts) {
      const refused = await browser.request('POST', path, { _csrf: token, ...form });
      expect([path, refused.status]).toEqual([path, 403]);
      expect(text(refused)).toContain(msg('account.reauth.required'));
    }
    expect((await browser.get('/account/password')).status).toBe(403);
    expect((await browser.get('/account/passkey/options')).status).toBe(403);

    // A wrong code does not confirm.
    const wrong = await browser.submit(page, '/account/confirm/code', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect((await browser.request('POST', '/account/recovery-codes', { _csrf: token })).status).toBe(403);

    const after = await account(email);
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(after.totp).toEqual(before.totp);
    expect(after.recoveryCodes).toEqual(before.recoveryCodes);
    expect(after.sessionsValidAfter).toBe(before.sessionsValidAfter);
    expect(isAccountPage(await browser.follow('/account'))).toBe(true);
    expect(idp.smtp.to(email)).toHaveLength(0);

    // Without any session, a change goes to the sign-in.
    const stranger = new Browser(idp.issuer);
    const out = await stranger.request('POST', '/account/sign-out-everywhere', { _csrf: csrf(await stranger.get('/password/request')) });
    expect(out.status).toBe(303);
    expect(out.location).toMatch(/\/account\/login$/);
  });

  test('change password: the current one is required; then the new one works at login', async () => {
    const email = `password-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await signInToAccount(email, secret, -1);
    await reauthenticate(browser, page, await totpCode(secret, 0));

    const form = await browser.get('/account/password');
    expect(form.status).toBe(200);
    const wrong = await browser.submit(form, '/account/password', {
      current_password: 'not my password at all',
      password: NEW_PASSWORD,
      confirm: NEW_PASSWORD,
    });
    expect(wrong.status).toBe(400);
    expect(text(wrong)).toContain(msg('account.password.wrong_current'));
    const weak = await browser.submit(form, '/account/password', { current_password: PASSWORD, password: 'short', confirm: 'short' });
    expect(weak.status).toBe(400);

    const done = await browser.submit(form, '/account/password', { current_password: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(done.status).toBe(200);
    expect(text(done)).toContain(msg('account.password.done'));
    await expectNotification(email, msg('mail.changed.password'));

    const other = new Browser(idp.issuer);
    const { page: signIn } = await signInUntil(idp, other, 'login-form');
    const refused = await login(other, signIn, email, PASSWORD);
    expect(landedOn(refused)).toBe('login-form');
    expect(text(refused)).toContain('onjuist');
    await signInUntil(idp, other, 'code-page', { email, password: NEW_PASSWORD });
  });

  test("a password change ends the user's other sessions and refresh tokens, and keeps this one", async () => {
    const email = `password-ends-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    // Elsewhere: a browser signed in to the portal, which holds a refresh token.
    const elsewhere = new Browser(idp.issuer);
    const portal = await signInTo(idp, elsewhere, 'portal', { email, secret, offset: -1 });

    const { browser, page } = await signInToAccount(email, secret, 0);
    await reauthenticate(browser, page, await totpCode(secret, 1));
    const form = await browser.get('/account/password');
    expect((await browser.submit(form, '/account/password', { current_password: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD })).status).toBe(200);

    expect(isAccountPage(await browser.follow('/account'))).toBe(true);
    expect((await elsewhere.follow((await startSignIn(idp, { prompt: 'none' })).url)).location).toMatch(/error=login_required/);
    await refreshFails(portal.config, portal.tokens.refresh_token!);
  });

  test('add a second authenticator app, remove one, and never the last', async () => {
    const email = `apps-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await signInToAccount(email, secret, -1);
    await reauthenticate(browser, page, await totpCode(secret, 0));

    const enrol = await browser.get('/account/authenticator-app');
    expect(enrol.status).toBe(200);
    const newSecret = totpKey(enrol);
    const wrong = await browser.submit(enrol, '/account/authenticator-app', { code: '000000' });
    expect(wrong.status).toBe(400);
    expect(totpKey(wrong)).toBe(newSecret);

    const added = await browser.submit(wrong, '/account/authenticator-app', { code: await totpCode(newSecret, 1) });
    expect(added.status).toBe(200);
    expect(text(added)).toContain(msg('account.totp.done'));
    await expectNotification(email, msg('mail.changed.totp_added'));
    const two = await account(email);
    expect(two.totp).toHaveLength(2);
    expect(two.totp.map((f) => idp.app.services.secrets.open(f.secret))).toEqual([secret, newSecret]);

    const overview = await browser.get('/account');
    const removed = await browser.submit(overview, '/account/authenticator-app/remove', { id: two.totp[0]!.id });
    expect(removed.status).toBe(200);
    expect(text(removed)).toContain(msg('account.totp.removed'));
    await expectNotification(email, msg('mail.changed.totp_removed'));
    const one = await account(email);
    expect(one.totp.map((f) => f.id)).toEqual([two.totp[1]!.id]);

    const last = await browser.get('/account');
    expect(last.html).not.toContain('/account/authenticator-app/remove');
    const refused = await browser.request('POST', '/account/authenticator-app/remove', { _csrf: csrf(last), id: one.totp[0]!.id });
    expect(refused.status).toBe(400);
    expect(text(refused)).toContain(msg('account.remove.last'));
    const unknown = await browser.request('POST', '/account/passkey/remove', { _csrf: csrf(last), id: 'no-such-passkey' });
    expect(unknown.status).toBe(400);
    expect((await account(email)).totp).toHaveLength(1);
  });

  test("an app's secret on offer stays on the server, the same on every page, and is no other account's to activate", async () => {
    const [one, two] = [`offer-one-${store}@example.org`, `offer-two-${store}@example.org`];
    const first = await seedAccount(idp, one, PASSWORD, { totp: true });
    const second = await seedAccount(idp, two, PASSWORD, { totp: true });
    const a = await signInToAccount(one, first.secret, -1);
    await reauthenticate(a.browser, a.page, await totpCode(first.secret, 0));
    const b = await signInToAccount(two, second.secret, -1);
    await reauthenticate(b.browser, b.page, await totpCode(second.secret, 0));

    const offered = await a.browser.get('/account/authenticator-app');
    const key = totpKey(offered);
    // A reload (or a language switch) after scanning shows the same key, so the app's codes stay valid.
    expect(totpKey(await a.browser.get('/account/authenticator-app?lang=en'))).toBe(key);
    // The form carries the code and its CSRF token, nothing of the secret to carry into another form.
    expect([...offered.html.matchAll(/type="hidden" name="([^"]+)"/g)].map((m) => m[1])).toEqual(['_csrf']);

    // The other account, typing a code of that app on its own form: refused, and nothing is added to either.
    const otherForm = await b.browser.get('/account/authenticator-app');
    expect(totpKey(otherForm)).not.toBe(key);
    expect((await b.browser.submit(otherForm, '/account/authenticator-app', { code: await totpCode(key, 1) })).status).toBe(400);
    expect((await account(two)).totp).toHaveLength(1);
    // Even where both were offered one under the same name (a session reused by another account), each activates only its own.
    const place = { boundTo: `shared-${store}`, accountId: crypto.randomUUID() };
    const other = { ...place, accountId: crypto.randomUUID() };
    const shared = await offeredSecret(idp.app.services, place);
    expect(await activateTotp(idp.app.services, other, await totpCode(shared), 'self')).toEqual({ kind: 'expired' });
    expect(await activateTotp(idp.app.services, place, await totpCode(shared), 'self')).toEqual({ kind: 'ok', secret: shared });

    // The account it was offered to activates it, on the same page it was shown on.
    const added = await a.browser.submit(offered, '/account/authenticator-app', { code: await totpCode(key, 1) });
    expect(added.status).toBe(200);
    expect((await account(one)).totp.map((f) => idp.app.services.secrets.open(f.secret))).toEqual([first.secret, key]);
  });

  test("an app's secret on offer lapses after 15 minutes: its code no longer adds it, and a new key is shown", async () => {
    const email = `offer-lapsed-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await signInToAccount(email, secret, -1);
    await reauthenticate(browser, page, await totpCode(secret, 0));
    const offered = await browser.get('/account/authenticator-app');
    const key = totpKey(offered);

    // Half a minute past the offer's lifetime, on the service's clock (a code is then that many time steps on).
    const steps = PENDING_TOTP_SECONDS / 30 + 1;
    const restore = useClock({ nowMs: () => Date.now() + steps * 30_000 });
    try {
      const late = await browser.submit(offered, '/account/authenticator-app', { code: await totpCode(key, steps) });
      expect(late.status).toBe(400);
      expect(text(late)).toContain(msg('account.totp.expired'));
      expect((await account(email)).totp).toHaveLength(1);
      const fresh = totpKey(late);
      expect(fresh).not.toBe(key);
      expect((await browser.submit(late, '/account/authenticator-app', { code: await totpCode(fresh, steps) })).status).toBe(200);
      expect((await account(email)).totp).toHaveLength(2);
    } finally {
      restore();
    }
  });

  test('passkeys: registration is offered after re-authentication; one is removed', async () => {
    const email = `passkeys-${store}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    await updateAccount(idp.app.services.accounts, id, (a) => {
      a.passkeys.push({ id: 'cred-1', publicKey: 'AA', counter: 0, kind: 'swk', name: 'Passkey', createdAt: 1_800_000_000 });
    });
    const { browser, page } = await signInToAccount(email, secret, -1);
    expect(text(page)).toContain('Passkey (gesynchroniseerde passkey)');
    const overview = await reauthenticate(browser, page, await totpCode(secret, 0));

    const options = await browser.get('/account/passkey/options');
    expect(options.status).toBe(200);
    const parsed = JSON.parse(options.html) as { challenge: string; excludeCredentials: { id: string }[] };
    expect(parsed.challenge).toBeTruthy();
    expect(parsed.excludeCredentials.map((c) => c.id)).toEqual(['cred-1']);
    const forged = await browser.request('POST', '/account/passkey', { _csrf: csrf(overview), response: '{"id":"forged"}' });
    expect(forged.status).toBe(400);
    expect((await account(email)).passkeys).toHaveLength(1);

    const removed = await browser.submit(overview, '/account/passkey/remove', { id: 'cred-1' });
    expect(removed.status).toBe(200);
    expect(text(removed)).toContain(msg('account.passkey.removed'));
    await expectNotification(email, msg('mail.changed.passkey_removed'));
    expect((await account(email)).passkeys).toEqual([]);
  });

  test('regenerate recovery codes: the old ones stop working, the new ones work', async () => {
    const email = `recovery-${store}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const old = await regenerateRecoveryCodes(idp.app.services, { via: 'self' }, id);
    const { browser, page } = await signInToAccount(email, secret, -1);

    // A recovery code confirms it's you too (and is used up by it).
    const confirmed = await browser.submit(page, '/account/confirm/recovery', { recovery_code: old[0]! });
    expect(confirmed.status).toBe(303);
    const overview = await browser.follow(confirmed.location!);
    expect(text(overview)).toContain(msg('account.recovery.count', { count: 9 }));

    const shown = await browser.submit(overview, '/account/recovery-codes', {});
    expect(shown.status).toBe(200);
    const fresh = [...shown.html.matchAll(/<code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code>/g)].map((m) => m[1]!);
    expect(fresh).toHaveLength(10);
    await expectNotification(email, msg('mail.changed.recovery_codes'));

    expect(await verifyRecoveryCode(idp.app.services, id, old[1]!, 'self')).toEqual({ kind: 'invalid' });
    expect(await verifyRecoveryCode(idp.app.services, id, fresh[0]!, 'self')).toEqual({ kind: 'ok', remaining: 9 });
  });

  test('"confirm it\'s you" twice within five minutes: the second confirmation counts too', async () => {
    const email = `twice-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await signInToAccount(email, secret, -1);
    await reauthenticate(browser, page, await totpCode(secret, 0));
    const again = await reauthenticate(browser, page, await totpCode(secret, 1));
    expect(text(again)).not.toContain(msg('account.reauth.title'));
    const shown = await browser.submit(again, '/account/recovery-codes', {});
    expect(shown.status).toBe(200);
    expect([...shown.html.matchAll(/<code>([A-Z0-9]{5}-[A-Z0-9]{5})<\/code>/g)]).toHaveLength(10);
  });

  test('sign out everywhere: no session reaches /account any more', async () => {
    const email = `signout-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const elsewhere = await signInToAccount(email, secret, -1);
    expect(isAccountPage(elsewhere.page)).toBe(true);
    const { browser, page } = await signInToAccount(email, secret, 0);
    const overview = await reauthenticate(browser, page, await totpCode(secret, 1));

    const done = await browser.submit(overview, '/account/sign-out-everywhere', {});
    expect(done.status).toBe(200);
    expect(text(done)).toContain(msg('account.signed_out'));
    await expectNotification(email, msg('mail.changed.signed_out'));

    for (const b of [browser, elsewhere.browser]) {
      const back = await b.get('/account');
      expect(back.location).toMatch(/\/account\/login$/);
      expect((await b.follow('/account')).url).toMatch(/\/interaction\//);
    }
  });
});
