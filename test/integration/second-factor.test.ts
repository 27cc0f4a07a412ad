import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, CALLBACK, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, landedOn, signInUntil, startSignIn, text, totpCode, totpKey, PASSWORD, type SignInPoint } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { msg } from '../support/messages.ts';

/** The second factor cannot be skipped, replayed or guessed. */
describeOnEveryStore('second factor', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  /** The password step done, stopped at `point`, in a browser of its own. */
  const passwordStep = async (point: SignInPoint, email: string) => {
    const browser = new Browser(idp.issuer);
    return { browser, ...(await signInUntil(idp, browser, point, { email })) };
  };

  test('after the password step alone, prompt=none and the resume URL yield no code', async () => {
    const email = `skip-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const { browser, page } = await passwordStep('mfa-notice', email);
    expect(text(page)).toContain(msg('mfa.required'));

    // The password step lives in this sign-in only: the browser has no provider session to reuse.
    const silent = await browser.follow((await startSignIn(idp, { prompt: 'none' })).url);
    expect(silent.location).toMatch(/^http:\/\/127\.0\.0\.1:9\/callback\?error=login_required/);

    const other = await browser.follow((await startSignIn(idp, {}, 'other-app')).url);
    expect(other.location).toBeUndefined();
    expect(landedOn(other)).toBe('login-form');

    // Resuming it by hand hands the password step to the provider, whose policy asks for the second factor.
    const uid = /\/interaction\/([\w-]+)/.exec(page.url)![1];
    const resumed = await browser.follow(`/auth/${uid}`);
    expect(resumed.location ?? '').not.toContain('code=');
    expect(text(resumed)).toContain(msg('mfa.required'));
  });

  test('a code is accepted once: replayed at the next sign-in it is refused', async () => {
    const email = `replay-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const code = await totpCode(secret);

    const first = await passwordStep('code-page', email);
    const accepted = await first.browser.submit(first.page, '/verify/totp', { code });
    expect(accepted.status).toBe(303);
    expect((await first.browser.follow(accepted.location!)).location).toMatch(/code=/);

    const second = await passwordStep('code-page', email);
    const replayed = await second.browser.submit(second.page, '/verify/totp', { code });
    expect(replayed.status).toBe(400);
    expect(text(replayed)).toContain(msg('verify.invalid'));
  });

  test('the code page the password step answers with switches language and survives a reload', async () => {
    const email = `lang-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await passwordStep('code-page', email);
    expect(page.url).toMatch(/\/login$/);
    expect(text(page)).toContain(msg('totp.code'));
    const english = await browser.follow(new URL(linkTo(page, msg('lang.name', undefined, 'en')), page.url).toString());
    expect(english.status).toBe(200);
    expect(text(english)).toContain(msg('totp.code', undefined, 'en'));
    const reloaded = await browser.follow(page.url);
    expect(text(reloaded)).toContain(msg('totp.code', undefined, 'en'));
  });

  test('the code that activated the app cannot be used to sign in again', async () => {
    const email = `activation-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const browser = new Browser(idp.issuer);
    const { page: enrol } = await signInUntil(idp, browser, 'totp-enrol', { email });
    const secret = totpKey(enrol);
    const code = await totpCode(secret);
    expect((await browser.submit(enrol, '/enrol/totp', { code })).status).toBe(200);

    const next = await passwordStep('code-page', email);
    expect((await next.browser.submit(next.page, '/verify/totp', { code })).status).toBe(400);
  });

  test('wrong codes lock the account; a new sign-in does not reset the count', async () => {
    const email = `guess-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    for (let i = 0; i < 6; i++) {
      const { browser, page } = await passwordStep('code-page', email);
      const wrong = await browser.submit(page, '/verify/totp', { code: String(100000 + i) });
      expect(wrong.status).toBe(i < 5 ? 400 : 429);
    }
    const { browser, page } = await passwordStep('code-page', email);
    const right = await browser.submit(page, '/verify/totp', { code: await totpCode(secret) });
    expect(right.status).toBe(429);
    expect(text(right)).toContain(msg('verify.locked', { minutes: 1 })); // the first lockout of the day
  });

  test('after a full sign-in, single sign-on works, a third party asks consent, and both ID tokens say mfa', async () => {
    const email = `sso-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page } = await passwordStep('code-page', email);
    const done = await browser.submit(page, '/verify/totp', { code: await totpCode(secret) });
    expect((await browser.follow(done.location!)).location).toMatch(/code=/);

    const silent = await startSignIn(idp, { prompt: 'none' });
    const back = await browser.follow(silent.url);
    expect(back.location).toMatch(new RegExp(`^${CALLBACK}\\?code=`));
    expect((await finishSignIn(silent, back.location!)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

    const third = await startSignIn(idp, {}, 'other-app');
    const consent = await browser.follow(third.url);
    expect(text(consent)).toContain('Other application');
    const allowed = await browser.submit(consent, '/consent', { decision: 'allow' });
    const granted = await browser.follow(allowed.location!);
    expect((await finishSignIn(third, granted.location!)).claims()!.acr).toBe('http://schemas.openid.net/pape/policies/2007/06/multi-factor');
  });
});
