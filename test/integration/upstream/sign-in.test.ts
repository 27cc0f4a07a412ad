import { Browser, linkTo } from '../../support/browser.ts';
import { describeOnEveryStore } from '../../support/test-idp.ts';
import { expectAt, finishSignIn, landedOn, login, resetLink, startSignIn, text, totpCode, totpKey, PASSWORD } from '../../support/journey.ts';
import { refreshFails } from '../../support/logout-clients.ts';
import { msg } from '../../support/messages.ts';
import { SEED, seedAccount } from '../../support/seed.ts';
import { reSigned } from '../../support/upstream-provider.ts';
import {
  institutionButton,
  institutionUser,
  linkedAccount,
  loginAtInstitution,
  signInWithInstitution,
  startWithUpstream,
  type WithUpstream,
} from '../../support/upstream-journey.ts';
import { accountCommands } from '../../../src/cli/accounts.ts';
import { setDisabled } from '../../../src/accounts/operations/lifecycle.ts';
import { resetSecondFactors } from '../../../src/accounts/operations/factors.ts';
import { updateAccount } from '../../../src/accounts/update.ts';

const MULTI_FACTOR = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const PHISHING_RESISTANT = 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant';

/**
 * "Log in with your institution" as the first step of a sign-in: it stands in
 * for the password, CBS's second factor always follows, the ID token says so
 * (amr fed, never pwd; acr from CBS's steps only), the account as it is now
 * decides, and an identity linked to no account signs in nobody — whatever
 * address the institution sends.
 */
describeOnEveryStore('sign in with your institution', (store) => {
  let env: WithUpstream;
  beforeAll(async () => {
    env = await startWithUpstream(
      store,
      {},
      { others: { 'uni-jwt': { token_endpoint_auth_method: 'private_key_jwt', display_name: { nl: 'eduID', en: 'eduID' } } } },
    );
  });
  afterAll(() => env?.close());

  /** A new institution user of the test provider (each test its own, as each its own CBS account). */
  const user = (name: string, fields: Parameters<typeof institutionUser>[1] = {}) => {
    env.upstream.users.set(name, institutionUser(name, fields));
    return name;
  };
  const account = (email: string) => env.idp.app.services.accounts.findByEmail(email);
  const loginPage = async (browser: Browser, params: Record<string, string> = {}) => {
    const signIn = await startSignIn(env.idp, params);
    return { signIn, page: expectAt(await browser.follow(signIn.url), 'login-form') };
  };

  test('a linked institution account replaces the password step only: the CBS code follows, and the ID token says fed, never pwd', async () => {
    const email = `fed-${store}@example.org`;
    const name = user(`fed-${store}`);
    const { id, secret } = await linkedAccount(env.idp, email, name);

    const browser = new Browser(env.idp.issuer);
    const { signIn, page } = await loginPage(browser);
    expect(text(page)).toContain(msg('upstream.login.button', { name: 'SURFconext' }));
    const codePage = expectAt(await signInWithInstitution(browser, page, name), 'code-page');
    // The institution's login alone makes no session: an application asking without a prompt gets nothing.
    const silent = await startSignIn(env.idp, { prompt: 'none' });
    expect((await browser.follow(silent.url)).location).toMatch(/error=login_required/);
    // Reloading the sign-in asks the same code again: the provider's mfa prompt, not a way around it.
    expectAt(await browser.follow(codePage.url), 'code-page');

    const done = await browser.submit(codePage, '/verify/totp', { code: await totpCode(secret, 1) });
    const tokens = await finishSignIn(signIn, (await browser.follow(done.location!)).location!);
    expect(tokens.claims()).toMatchObject({ email, amr: ['fed', 'otp', 'mfa'], acr: MULTI_FACTOR });
    expect(tokens.claims()!.amr).not.toContain('pwd');

    const stored = (await account(email))!;
    expect(stored.recentSignIns[0]!.method).toBe('fed+otp+mfa');
    const [link] = await env.idp.app.services.store.upstreamLinks.ofAccount(id);
    expect(link!.lastUsedAt).toBeGreaterThan(0);
  });

  test('what the institution says of its own login (acr, amr, an MFA claim) neither skips the code nor raises the acr', async () => {
    const [strictName, name] = [user(`strict-${store}`), user(`strong-${store}`)];
    const strictAccount = await linkedAccount(env.idp, `strict-${store}@example.org`, strictName);
    const { secret } = await linkedAccount(env.idp, `strong-${store}@example.org`, name);
    env.upstream.tamper.tokenResponse = async (body) => ({
      ...body,
      id_token: await reSigned(String(body.id_token), env.upstream.signingKey, {
        acr: PHISHING_RESISTANT,
        amr: ['hwk', 'mfa'],
        'https://refeds.org/profile/mfa': true,
      }),
    });
    try {
      // An application that accepts only a phishing-resistant sign-in: after the code, the step-up to add a CBS passkey.
      const strict = new Browser(env.idp.issuer);
      const asked = await loginPage(strict, { acr_values: PHISHING_RESISTANT });
      const strictCode = expectAt(await signInWithInstitution(strict, asked.page, strictName), 'code-page');
      const stepUp = await strict.follow((await strict.submit(strictCode, '/verify/totp', { code: await totpCode(strictAccount.secret, 1) })).location!);
      expect(landedOn(stepUp)).toBe('add-passkey');

      const browser = new Browser(env.idp.issuer);
      const { signIn, page } = await loginPage(browser);
      const code = expectAt(await signInWithInstitution(browser, page, name), 'code-page');
      const back = await browser.follow((await browser.submit(code, '/verify/totp', { code: await totpCode(secret, 1) })).location!);
      expect((await finishSignIn(signIn, back.location!)).claims()).toMatchObject({ acr: MULTI_FACTOR, amr: ['fed', 'otp', 'mfa'] });
      expect(env.upstream.idTokens.length).toBeGreaterThan(0);
    } finally {
      delete env.upstream.tamper.tokenResponse;
    }
  });

  test("an institution account linked to no CBS account gets the page that explains linking, and no account, even with a CBS account's address", async () => {
    const email = `trap-${store}@example.org`;
    const { id } = await seedAccount(env.idp, email, PASSWORD, { totp: true });
    const before = (await account(email))!;
    // The institution sends the CBS account's address, verified, and as its principal name: nothing links on it.
    const name = user(`trap-${store}`, { claims: { email, email_verified: true, eduperson_principal_name: email } });

    const browser = new Browser(env.idp.issuer);
    const { page } = await loginPage(browser);
    const answer = await signInWithInstitution(browser, page, name);
    expect(answer.status).toBe(403);
    expect(text(answer)).toContain(msg('upstream.unlinked.title'));
    expect(text(answer)).toContain(msg('upstream.unlinked.text'));

    const silent = await startSignIn(env.idp, { prompt: 'none' });
    expect((await browser.follow(silent.url)).location).toMatch(/error=login_required/);
    expect(await env.idp.app.services.store.upstreamLinks.ofAccount(id)).toEqual([]);
    expect((await account(email))!.version).toBe(before.version);
    expect(env.audit.events('upstream.no_link').length).toBeGreaterThan(0);
    expect(JSON.stringify(env.audit.events('upstream.no_link'))).not.toContain(`${name}-persistent-id`);
  });

  test('a disabled account, an account past its end date and an account whose second factors the helpdesk reset are refused, whatever the institution says', async () => {
    const cases: [string, (id: string) => Promise<unknown>, string][] = [
      ['disabled', (id) => setDisabled(env.idp.app.services, SEED, id, true), msg('upstream.refused.account')],
      [
        'ended',
        (id) =>
          updateAccount(env.idp.app.services.accounts, id, (a) => {
            a.endDate = '2020-12-31';
          }),
        msg('upstream.refused.account'),
      ],
      ['reset', (id) => resetSecondFactors(env.idp.app.services, SEED, id), msg('upstream.refused.no_factor')],
    ];
    for (const [what, change, sentence] of cases) {
      const email = `${what}-${store}@example.org`;
      const name = user(`${what}-${store}`);
      const { id } = await linkedAccount(env.idp, email, name);
      await change(id);
      const browser = new Browser(env.idp.issuer);
      const { page } = await loginPage(browser);
      const refused = await signInWithInstitution(browser, page, name);
      expect([what, refused.status]).toEqual([what, 403]);
      expect(text(refused)).toContain(sentence);
      expect(landedOn(refused)).toBeUndefined();
    }
    // After the reset the password still leads to a new second factor, as the helpdesk tells the holder.
    const browser = new Browser(env.idp.issuer);
    const { page } = await loginPage(browser);
    expect(text(await login(browser, page, `reset-${store}@example.org`, PASSWORD))).toContain(msg('mfa.required'));
  });

  test('"log out everywhere" and a helpdesk reset end a sign-in through the institution, its tokens included', async () => {
    for (const end of ['everywhere', 'reset'] as const) {
      const email = `ended-${end}-${store}@example.org`;
      const name = user(`ended-${end}-${store}`);
      const { id, secret, browser: myAccount } = await linkedAccount(env.idp, email, name);
      const browser = new Browser(env.idp.issuer);
      const { signIn, page } = await loginPage(browser, { scope: 'openid offline_access', prompt: 'consent' });
      const code = expectAt(await signInWithInstitution(browser, page, name), 'code-page');
      const tokens = await finishSignIn(
        signIn,
        (await browser.follow((await browser.submit(code, '/verify/totp', { code: await totpCode(secret, 1) })).location!)).location!,
      );
      const sso = await startSignIn(env.idp);
      expect((await browser.follow(sso.url)).location).toMatch(/code=/);

      if (end === 'everywhere') {
        // From the other device, still on My account.
        expect((await myAccount.submit(await myAccount.follow('/account'), '/account/sign-out-everywhere', {})).status).toBe(200);
      } else {
        await resetSecondFactors(env.idp.app.services, SEED, id);
      }
      const again = await startSignIn(env.idp);
      expect([end, landedOn(await browser.follow(again.url))]).toEqual([end, 'login-form']);
      await refreshFails(signIn.config, tokens.refresh_token!);
    }
  });

  test("a provider that authenticates the service by private_key_jwt (its key's public half at /upstream/jwks, registered there) works the same way", async () => {
    const email = `jwt-${store}@example.org`;
    const name = user(`jwt-${store}`);
    const published = (await (await fetch(`${env.idp.issuer}/upstream/jwks`)).json()) as { keys: Record<string, unknown>[] };
    expect(published.keys).toEqual([expect.objectContaining({ kid: 'cbs-uni-jwt', kty: 'EC', alg: 'ES256', use: 'sig' })]);
    expect(published.keys[0]).not.toHaveProperty('d');
    const { id, secret } = await linkedAccount(env.idp, email, name, 'uni-jwt');
    expect((await env.idp.app.services.store.upstreamLinks.ofAccount(id)).map((l) => [l.provider, l.issuer])).toEqual([
      ['uni-jwt', env.others['uni-jwt']!.issuer],
    ]);
    const browser = new Browser(env.idp.issuer);
    const { signIn, page } = await loginPage(browser);
    expect(text(page)).toContain(msg('upstream.login.button', { name: 'eduID' }));
    const code = expectAt(await signInWithInstitution(browser, page, name, 'uni-jwt'), 'code-page');
    const back = await browser.follow((await browser.submit(code, '/verify/totp', { code: await totpCode(secret, 1) })).location!);
    expect((await finishSignIn(signIn, back.location!)).claims()).toMatchObject({ email, amr: ['fed', 'otp', 'mfa'] });
    // The same person at the other provider is another identity (another issuer): linked to nothing.
    const other = new Browser(env.idp.issuer);
    expect((await signInWithInstitution(other, (await loginPage(other)).page, name)).status).toBe(403);
  });

  test('an application that asks for a fresh login (prompt=login) sends the person to log in at the institution again', async () => {
    const browser = new Browser(env.idp.issuer);
    const { page } = await loginPage(browser, { prompt: 'login' });
    const redirect = await browser.get(institutionButton(page));
    expect(new URL(redirect.location!).searchParams.get('prompt')).toBe('login');
    const plain = await loginPage(browser);
    expect(new URL((await browser.get(institutionButton(plain.page))).location!).searchParams.get('prompt')).toBeNull();
  });

  test("the first login after an invitation completed with the institution enrols CBS's second factor, and no later one without it", async () => {
    const email = `invited-${store}@example.org`;
    const name = user(`invited-${store}`);
    await accountCommands(env.idp.app.services, 'create', { email, name: 'Invited Researcher', locale: 'nl' });
    await accountCommands(env.idp.app.services, 'invite', { email });
    const link = resetLink((await env.idp.smtp.next(email)).text!, env.idp.issuer);

    const browser = new Browser(env.idp.issuer);
    const invitation = await browser.get(link);
    expect(text(invitation)).toContain(msg('upstream.invitation.button', { name: 'SURFconext' }));
    const start = await browser.submit(invitation, '/upstream/uni/invitation', {});
    const linked = await browser.follow(await loginAtInstitution(browser, start, name));
    expect(linked.status).toBe(200);
    expect(text(linked)).toContain(msg('upstream.invitation.done'));
    expect((await env.idp.smtp.next(email)).text).toContain(msg('upstream.mail.linked'));
    const stored = (await account(email))!;
    expect(stored.passwordHash).toBeUndefined();
    expect(stored.invitation!.acceptedAt).toBeGreaterThan(0);
    expect(stored.verifiedEmail).toBe(email);

    const { signIn, page } = await loginPage(browser);
    const notice = await signInWithInstitution(browser, page, name);
    expect(text(notice)).toContain(msg('mfa.required'));
    const choice = await browser.follow(linkTo(notice, msg('common.ok')));
    const enrol = await browser.follow(/href="([^"]*\/enrol\/totp)"/.exec(choice.html)![1]!);
    const activated = await browser.submit(enrol, '/enrol/totp', { code: await totpCode(totpKey(enrol)) });
    expect(activated.status).toBe(200);
    const tokens = await finishSignIn(signIn, (await browser.follow(linkTo(activated, msg('common.ok')))).location!);
    expect(tokens.claims()).toMatchObject({ email, amr: ['fed', 'otp', 'mfa'], acr: MULTI_FACTOR, email_verified: true });

    // Once the helpdesk has reset its second factors, the institution alone enrols nothing.
    await resetSecondFactors(env.idp.app.services, SEED, stored.id);
    const later = new Browser(env.idp.issuer);
    const refused = await signInWithInstitution(later, (await loginPage(later)).page, name);
    expect(refused.status).toBe(403);
    expect(text(refused)).toContain(msg('upstream.refused.no_factor'));
  });
});
