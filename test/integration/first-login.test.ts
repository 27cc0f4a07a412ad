import { Browser } from '../support/browser.ts';
import { bootIdp, CALLBACK, type StoreKind, type TestIdp } from '../support/test-idp.ts';
import { enrolTotp, finishSignIn, login, setPasswordByMail, signInUntil, startSignIn, text, totpCode } from '../support/journey.ts';
import { msg } from '../support/messages.ts';
import type { MessageKey } from '../../src/i18n/index.ts';

const PASSWORD = 'correct horse battery staple 42';

/** The CBS guide, step by step, from the application's redirect to its ID token. */
describe.each<[StoreKind, 'nl' | 'en']>([
  ['sqlite', 'nl'],
  ['sqlite', 'en'],
  ['redis', 'nl'],
  ['redis', 'en'],
])('first login on %s in %s', (store, locale) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  const t = (key: MessageKey) => msg(key, undefined, locale);

  test('request password, set it, enrol an authenticator app, and return to the application with an ID token', async () => {
    const email = `researcher-${locale}@example.org`;
    await idp.createAccount(email, 'Anna van den Berg', locale);
    const browser = new Browser(idp.issuer);
    const signIn = await startSignIn(idp, { ui_locales: locale });

    const loginPage = await browser.follow(signIn.url);
    expect(loginPage.status).toBe(200);
    expect(text(loginPage)).toContain(t('login.username'));
    expect(loginPage.html).toContain(`>${t('login.submit')}</button>`);

    const afterSet = await setPasswordByMail(browser, idp, loginPage, email, PASSWORD);
    const mail = idp.smtp.to(email)[0]!;
    expect(mail.subject).toBe(t('mail.reset.subject'));
    expect(mail.html).toContain(`${idp.issuer}/password/set?token=`);
    // OK after "password set" returns to the sign-in that is still open in this browser.
    expect(afterSet.url).toBe(loginPage.url);

    const notice = await login(browser, afterSet, email, PASSWORD);
    expect(text(notice)).toContain(t('mfa.required'));
    const { secret, page: back } = await enrolTotp(browser, notice);
    expect(back.location).toMatch(new RegExp(`^${CALLBACK}\\?code=`));

    const tokens = await finishSignIn(signIn, back.location!);
    const claims = tokens.claims()!;
    expect(claims).toMatchObject({ email, email_verified: true, name: 'Anna van den Berg', given_name: 'Anna', family_name: 'van den Berg', locale });
    expect(claims.amr).toEqual(['pwd', 'otp', 'mfa']);
    expect(claims.acr).toBe('http://schemas.openid.net/pape/policies/2007/06/multi-factor');

    // A later sign-in in a fresh browser: password, then a code from the app.
    const later = new Browser(idp.issuer);
    const { signIn: second, page: verifyPage } = await signInUntil(idp, later, 'code-page', { email, password: PASSWORD, params: { ui_locales: locale } });
    expect(verifyPage.html).toContain(`>${t('verify.submit')}</button>`);
    const returned = await later.submit(verifyPage, '/verify/totp', { code: await totpCode(secret, 1) });
    const final = await later.follow(returned.location!);
    const again = await finishSignIn(second, final.location!);
    expect(again.claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);
  });
});
