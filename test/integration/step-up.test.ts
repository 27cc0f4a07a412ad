import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, landedOn, signInUntil, startSignIn, text, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { passkeyCeremony, SoftAuthenticator } from '../support/soft-authenticator.ts';
import { useClock } from '../../src/clock.ts';
import { msg } from '../support/messages.ts';

const PHISHING_RESISTANT = 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant';
const MULTI_FACTOR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';

/**
 * An application that accepts only a phishing-resistant sign-in (acr_values, or
 * its registered default_acr_values) gets a code only after a passkey the
 * account had before the sign-in began. A sign-in of phishable factors only
 * (password and a code) never yields one: a user without a passkey confirms
 * it's them again to add one, and then signs in again with it.
 */
describeOnEveryStore('step-up to a passkey', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  /** Password and the code of this time step, for an application that accepts only a passkey: at the add-passkey step. */
  const atAddPasskey = async (email: string, secret: string) => {
    const browser = new Browser(idp.issuer);
    const { signIn, page: verify } = await signInUntil(idp, browser, 'code-page', { email, params: { acr_values: PHISHING_RESISTANT } });
    const code = await totpCode(secret);
    const afterCode = await browser.follow((await browser.submit(verify, '/verify/totp', { code })).location!);
    expect(afterCode.location ?? '').not.toContain('code=');
    expect(landedOn(afterCode)).toBe('add-passkey');
    // The step-up is an interaction of its own, after the provider's session has both factors.
    return { browser, signIn, code, uid: /\/interaction\/([\w-]+)/.exec(afterCode.url)![1]!, page: afterCode };
  };

  test('a phisher with the password and one live code cannot add a passkey: "confirm it\'s you" comes first, and the used code does not confirm', async () => {
    const email = `phished-${store}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page, uid, code } = await atAddPasskey(email, secret);
    expect(text(page)).toContain(msg('account.reauth.title'));
    const attacker = new SoftAuthenticator(idp.issuer);

    const options = await browser.get(`${/action="([^"]*\/interaction\/[\w-]+\/add-passkey)\/confirm\/code"/.exec(page.html)![1]}/options`);
    expect(options.status).toBe(403);
    const forged = attacker.create({
      challenge: 'bm90IGFza2Vk',
      rp: { id: new URL(idp.issuer).hostname },
      user: { id: Buffer.from(id).toString('base64url') },
    });
    const added = await browser.request('POST', `/interaction/${uid}/add-passkey`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!,
      response: forged,
    });
    expect(added.status).toBe(403);
    const replayed = await browser.submit(page, '/add-passkey/confirm/code', { code });
    expect(replayed.status).toBe(400);
    expect((await idp.app.services.accounts.findById(id))!.passkeys).toEqual([]);
  });

  /** At the add-passkey step: confirmed with the code of the next time step, then a passkey added. */
  const addedPasskey = async (email: string) => {
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const { browser, page, uid, signIn } = await atAddPasskey(email, secret);
    const confirmed = await browser.submit(page, '/add-passkey/confirm/code', { code: await totpCode(secret, 1) });
    expect(confirmed.status).toBe(303);
    const addPage = await browser.follow(confirmed.location!);
    expect(addPage.html).toMatch(/data-passkey="register"/);
    const authenticator = new SoftAuthenticator(idp.issuer);
    const added = await passkeyCeremony(browser, addPage, '/add-passkey', (o) => authenticator.create(o));
    expect(added.status).toBe(200);
    return { browser, uid, signIn, added, authenticator };
  };

  test('the owner confirms with a new code, adds a passkey, and signs in again with it: phishing-resistant from that sign-in on', async () => {
    const email = `stepup-${store}@example.org`;
    const { browser, signIn, added, authenticator } = await addedPasskey(email);
    expect(text(added)).toContain(msg('stepup.added'));
    const mail = await idp.smtp.next(email);
    expect(mail.text).toContain('passkey');
    expect(mail.text).toContain(`${idp.issuer}/account#factors-title`);

    // "Log in again": the page's button leads to the login page, where the passkey signs in alone.
    const again = await browser.follow(linkTo(added, msg('stepup.sign_in_again')));
    expect(landedOn(again)).toBe('login-form');
    const signedIn = await passkeyCeremony(browser, again, '/passkey', (o) => authenticator.get(o));
    const claims = (await finishSignIn(signIn, (await browser.follow(signedIn.location!)).location!)).claims()!;
    expect(claims.acr).toBe(PHISHING_RESISTANT);
    expect(claims.amr).toEqual(['swk', 'user', 'mfa']);

    // Later (sign-in times are whole seconds: a second on), password and that passkey are phishing-resistant too: it predates the sign-in.
    const restore = useClock({ nowMs: () => Date.now() + 2000 });
    try {
      const later = new Browser(idp.issuer);
      const { signIn: next, page: verify } = await signInUntil(idp, later, 'passkey-page', { email, params: { acr_values: PHISHING_RESISTANT } });
      const used = await passkeyCeremony(later, verify, '/verify/passkey', (o) => authenticator.get(o));
      const laterClaims = (await finishSignIn(next, (await later.follow(used.location!)).location!)).claims()!;
      expect([laterClaims.acr, laterClaims.amr]).toEqual([PHISHING_RESISTANT, ['pwd', 'swk', 'mfa']]);
    } finally {
      restore();
    }
  });

  test('the passkey added counts from the next sign-in: used in the sign-in that added it, it gives no code, and the password is asked again', async () => {
    const { browser, uid, authenticator } = await addedPasskey(`stepup-same-${store}@example.org`);
    const here = await browser.get(`/interaction/${uid}/verify/passkey`);
    const usedHere = await passkeyCeremony(browser, here, '/verify/passkey', (o) => authenticator.get(o));
    const afterUse = await browser.follow(usedHere.location!);
    expect(afterUse.location ?? '').not.toContain('code=');
    expect(landedOn(afterUse)).toBe('login-form');
  });

  test('a first sign-in that enrols a passkey is multi-factor, not phishing-resistant: the passkey counts from the next sign-in', async () => {
    const email = `first-passkey-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const browser = new Browser(idp.issuer);
    const { signIn, page } = await signInUntil(idp, browser, 'passkey-enrol', { email });
    const authenticator = new SoftAuthenticator(idp.issuer);
    const enrolled = await passkeyCeremony(browser, page, '/enrol/passkey', (o) => authenticator.create(o));
    const back = await browser.follow(linkTo(enrolled, msg('common.ok')));
    expect((await finishSignIn(signIn, back.location!)).claims()!.acr).toBe(MULTI_FACTOR);

    // An application that accepts only a passkey: that session is not enough, and the password is asked again.
    const strict = await startSignIn(idp, { acr_values: PHISHING_RESISTANT });
    expect(landedOn(await browser.follow(strict.url))).toBe('login-form');
  });

  test('single sign-on with a code does not satisfy a passkey-only application: no silent code, and the passkey step without the password again', async () => {
    const email = `stepup-sso-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { signIn: portal, page: verify } = await signInUntil(idp, browser, 'code-page', { email });
    const done = await browser.submit(verify, '/verify/totp', { code: await totpCode(secret) });
    const portalClaims = (await finishSignIn(portal, (await browser.follow(done.location!)).location!)).claims()!;
    expect(portalClaims.acr).toBe(MULTI_FACTOR);

    const silent = await browser.follow((await startSignIn(idp, { prompt: 'none', acr_values: PHISHING_RESISTANT })).url);
    expect(silent.location).toMatch(/error=interaction_required/);

    const stepUp = await startSignIn(idp, { acr_values: PHISHING_RESISTANT });
    const page = await browser.follow(stepUp.url);
    expect(landedOn(page)).toBe('add-passkey');
  });

  test('the add-passkey step cannot be reached before the second factor, nor by an application that did not ask', async () => {
    const email = `stepup-guard-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { uid, page } = await signInUntil(idp, browser, 'code-page', { email, params: { acr_values: PHISHING_RESISTANT } });
    const early = await browser.get(`/interaction/${uid}/add-passkey`);
    expect(early.status).toBe(303);
    expect((await browser.get(`/interaction/${uid}/add-passkey/options`)).status).toBe(409);
    const confirmEarly = await browser.request('POST', `/interaction/${uid}/add-passkey/confirm/code`, {
      _csrf: /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!,
      code: '123456',
    });
    expect(confirmEarly.status).toBe(303);
  });
});
