import { Browser, type Page } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, landedOn, signInUntil, totpCode, totpKey, PASSWORD } from '../support/journey.ts';
import { SEED, seedAccount } from '../support/seed.ts';
import { addFactor } from '../../src/accounts/operations/factors.ts';
import { endSessions } from '../../src/accounts/operations/sessions.ts';
import { setDisabled } from '../../src/accounts/operations/lifecycle.ts';
import { setPassword } from '../../src/accounts/operations/password.ts';
import { useClock } from '../../src/clock.ts';

/**
 * An attacker who knows the password leaves a sign-in open at the second-factor
 * step; meanwhile the account changes. Coming back, the sign-in must not finish.
 */
describeOnEveryStore('a half-finished sign-in', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());
  const services = () => idp.app.services;

  /** Password step done; the attacker holds the enrolment page with its key. */
  const attackerAtEnrolment = async (email: string) => {
    const browser = new Browser(idp.issuer);
    const { page: enrol } = await signInUntil(idp, browser, 'totp-enrol', { email });
    return { browser, enrol, secret: totpKey(enrol) };
  };

  /** Posts a valid code for the attacker's authenticator and follows wherever the service sends the browser. */
  const attackerActivates = async (a: { browser: Browser; enrol: Page; secret: string }) => {
    const answer = await a.browser.submit(a.enrol, '/enrol/totp', { code: await totpCode(a.secret) });
    return { answer, landed: answer.location ? await a.browser.follow(answer.location) : answer };
  };

  const expectNoAttackerFactor = async (id: string, before: number) => {
    const account = (await services().accounts.findById(id))!;
    expect(account.totp.length + account.passkeys.length).toBe(before);
  };

  test.each([
    ['the owner sets a new password by link', (id: string) => setPassword(services(), { via: 'self' }, id, 'the owners new password 7')],
    ['the owner signs out everywhere', (id: string) => endSessions(services(), { via: 'self' }, id)],
    [
      'the account is disabled and enabled again',
      async (id: string) => {
        await setDisabled(services(), SEED, id, true);
        await setDisabled(services(), SEED, id, false);
      },
    ],
  ])("after %s, enrolling the attacker's authenticator fails and the password is asked again", async (_what, change) => {
    const email = `half-${store}-${Math.random().toString(36).slice(2)}@example.org`;
    const { id } = await seedAccount(idp, email, PASSWORD);
    const attacker = await attackerAtEnrolment(email);
    await change(id);
    const { answer, landed } = await attackerActivates(attacker);
    expect(answer.status).toBe(303);
    expect(landedOn(landed)).toBe('login-form');
    expect(landed.url).toMatch(/\/interaction\//);
    await expectNoAttackerFactor(id, 0);
  });

  test('after the owner enrolled their own factor, the first-factor enrolment of the open sign-in fails', async () => {
    const email = `raced-${store}@example.org`;
    const { id } = await seedAccount(idp, email, PASSWORD);
    const attacker = await attackerAtEnrolment(email);
    await addFactor(services(), { via: 'self' }, id, { totp: { secret: services().secrets.seal('JBSWY3DPEHPK3PXP') } }, true);
    const { landed } = await attackerActivates(attacker);
    // The sign-in is now at verification of the owner's factor, which the attacker does not have.
    expect(landedOn(landed)).toBe('code-page');
    await expectNoAttackerFactor(id, 1);
  });

  test('after the password-age limit, the open sign-in must start over', async () => {
    const email = `old-${store}@example.org`;
    const { id } = await seedAccount(idp, email, PASSWORD);
    const attacker = await attackerAtEnrolment(email);
    const restore = useClock({ nowMs: () => Date.now() + 16 * 60_000 });
    try {
      const { landed } = await attackerActivates(attacker);
      expect(landedOn(landed)).toBe('login-form');
    } finally {
      restore();
    }
    await expectNoAttackerFactor(id, 0);
  });

  test('at the verify step too: a sign-in from before a password reset cannot finish with a valid code', async () => {
    const email = `verify-${store}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { page: verify } = await signInUntil(idp, browser, 'code-page', { email });
    await setPassword(services(), { via: 'self' }, id, 'the owners new password 7');
    const answer = await browser.submit(verify, '/verify/totp', { code: await totpCode(secret) });
    const landed = await browser.follow(answer.location!);
    expect(landed.location ?? '').not.toContain('code=');
    expect(landedOn(landed)).toBe('login-form');
  });

  test("the ID token's auth_time is the password step's time, not the second factor's", async () => {
    const email = `auth-time-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const before = Math.floor(Date.now() / 1000);
    const { signIn, page: verify } = await signInUntil(idp, browser, 'code-page', { email });
    const restore = useClock({ nowMs: () => Date.now() + 10 * 60_000 });
    let callback: Page;
    try {
      // The code of the moved clock's time: 20 steps of 30 s later.
      const done = await browser.submit(verify, '/verify/totp', { code: await totpCode(secret, 20) });
      callback = await browser.follow(done.location!);
    } finally {
      restore();
    }
    const tokens = await finishSignIn(signIn, callback.location!);
    expect(tokens.claims()!.auth_time).toBeGreaterThanOrEqual(before);
    expect(tokens.claims()!.auth_time).toBeLessThanOrEqual(before + 5);
  });
});
