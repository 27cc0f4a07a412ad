import * as oidc from 'openid-client';
import { generate } from 'otplib';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { enrolTotp, finishSignIn, login, resetLink, setPasswordByMail, signInUntil, startSignIn, totpCode } from '../support/journey.ts';
import { PATCH_SCHEMA } from '../../src/scim/schema.ts';
import { scimClient, type Scim } from '../support/scim-client.ts';
import { useClock } from '../../src/clock.ts';

const PASSWORD = 'correct horse battery staple 42';

/**
 * email_verified says whether the holder proved the address the token names:
 * true once a password was set through a link mailed to it, false as soon as
 * the provisioning system (or anyone) changes the address to one never proved.
 */
describeOnEveryStore('email_verified', (store) => {
  let idp: TestIdp;
  let scim: Scim;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    scim = await scimClient(idp);
  });
  afterAll(() => idp.close());

  test('a link proves the address; a SCIM change of address unproves it; a link to the new address proves it again', async () => {
    const email = `proved-${store}@example.org`;
    await idp.createAccount(email, 'Vera Verified');
    const browser = new Browser(idp.issuer);
    const signIn = await startSignIn(idp);
    const afterSet = await setPasswordByMail(browser, idp, await browser.follow(signIn.url), email, PASSWORD);
    const { secret, page: back } = await enrolTotp(browser, await login(browser, afterSet, email, PASSWORD));
    const tokens = await finishSignIn(signIn, back.location!);
    const { sub } = tokens.claims()!;
    expect(tokens.claims()).toMatchObject({ email, email_verified: true });
    await idp.smtp.next(email);

    const moved = `moved-${store}@example.org`;
    expect((await scim('PATCH', `/Users/${sub}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'userName', value: moved }] })).status).toBe(
      200,
    );
    expect(await oidc.fetchUserInfo(signIn.config, tokens.access_token, sub)).toMatchObject({ email: moved, email_verified: false });
    const later = new Browser(idp.issuer);
    const { signIn: second, page } = await signInUntil(idp, later, 'code-page', { email: moved, password: PASSWORD });
    const done = await later.submit(page, '/verify/totp', { code: await totpCode(secret, 1) });
    expect((await finishSignIn(second, (await later.follow(done.location!)).location!)).claims()).toMatchObject({ email: moved, email_verified: false });

    // The holder of the new address sets a password through a link mailed there.
    const request = await later.get('/password/request');
    await later.submit(request, '/password/request', { username: moved });
    const form = await later.get(resetLink((await idp.smtp.next(moved)).text!, idp.issuer));
    expect((await later.submit(form, '/password/set', { password: PASSWORD, confirm: PASSWORD })).status).toBe(200);
    // Three minutes on, so that this sign-in's code is of a time step no earlier sign-in used.
    const restore = useClock({ nowMs: () => Date.now() + 180_000 });
    try {
      const third = new Browser(idp.issuer);
      const { signIn: last, page: code } = await signInUntil(idp, third, 'code-page', { email: moved, password: PASSWORD });
      const finished = await third.submit(code, '/verify/totp', { code: await generate({ secret, epoch: Math.floor(Date.now() / 1000) + 180 }) });
      expect((await finishSignIn(last, (await third.follow(finished.location!)).location!)).claims()).toMatchObject({ email: moved, email_verified: true });
    } finally {
      restore();
    }
  });
});
