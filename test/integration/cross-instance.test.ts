import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { Browser, linkTo, type Page } from '../support/browser.ts';
import { finishSignIn, login, setPasswordByMail, startSignIn, text, totpCode, totpKey, PASSWORD } from '../support/journey.ts';
import { passkeyCeremony, SoftAuthenticator } from '../support/soft-authenticator.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { msg } from '../support/messages.ts';
import { seedStoredAccount } from '../support/seed.ts';
import { startUpstream, upstreamEntry, type TestUpstream } from '../support/upstream-provider.ts';
import { institutionButton, institutionUser, linkOnMyAccount, loginAtInstitution } from '../support/upstream-journey.ts';

const NEW_PASSWORD = 'changed on another instance 3';

/**
 * Three instances with the same keys, JWKS, clients and Redis, behind a dispatcher
 * that sends every request to the next instance: each step of a sign-in (every
 * page, every form post, the application's token requests) is answered by another
 * instance than the step before it.
 */
describe('a sign-in crosses instances at every step', () => {
  let fleet: TestIdp;
  // An institution's provider for the whole fleet (#26), configured on every instance.
  let upstream: TestUpstream;
  const providersDir = mkdtempSync(join(tmpdir(), 'cbs-idp-fleet-upstream-'));
  beforeAll(async () => {
    upstream = await startUpstream({ users: { crossing: institutionUser('crossing') } });
    writeFileSync(join(providersDir, 'upstream.json'), JSON.stringify([upstreamEntry(upstream.issuer)]));
    fleet = await bootIdp({
      store: 'redis',
      instances: 3,
      env: {
        COOKIE_KEYS: 'one cookie key for the whole fleet, 32+,and its predecessor, also 32+ chars',
        SECRETS_KEY: 'ab'.repeat(32),
        UPSTREAM_PROVIDERS_FILE: join(providersDir, 'upstream.json'),
      },
    });
    upstream.register([`${fleet.issuer}/upstream/uni/callback`]);
  });
  afterAll(async () => {
    await fleet?.close();
    await upstream?.close();
    rmSync(providersDir, { recursive: true, force: true });
  });

  /** Every request went to another instance than the one before it, and all three served. */
  const expectAlternation = (from: number) => {
    const served = fleet.served.slice(from);
    for (let i = 1; i < served.length; i++) expect(served[i]!.instance).not.toBe(served[i - 1]!.instance);
    expect(new Set(served.map((s) => s.instance))).toEqual(new Set([0, 1, 2]));
  };
  const verifyWithCode = async (browser: Browser, page: Page, code: string) => {
    const done = await browser.submit(page, '/verify/totp', { code });
    expect(done.status).toBe(303);
    return browser.follow(done.location!);
  };

  test('first sign-in (set-password link, login, authenticator app), then code, recovery code and refresh on other instances', async () => {
    const from = fleet.served.length;
    const email = 'crossing@example.org';
    await fleet.createAccount(email);

    const browser = new Browser(fleet.issuer);
    const first = await startSignIn(fleet, { scope: 'openid email offline_access', prompt: 'consent' });
    const loginPage = await browser.follow(first.url);
    const afterSet = await setPasswordByMail(browser, fleet, loginPage, email, PASSWORD);
    // The link was asked for on one instance, opened on a second and submitted on a third.
    const [asked, opened, submitted] = ['POST /password/request', 'GET /password/set', 'POST /password/set'].map((what) => fleet.lastServer(what));
    expect(new Set([asked, opened, submitted]).size).toBe(3);

    const notice = await login(browser, afterSet, email, PASSWORD);
    expect(text(notice)).toContain(msg('mfa.required'));
    const choice = await browser.follow(linkTo(notice, msg('common.ok')));
    const enrol = await browser.follow(/href="([^"]*\/enrol\/totp)"/.exec(choice.html)![1]!);
    const secret = totpKey(enrol);
    const activated = await browser.submit(enrol, '/enrol/totp', { code: await totpCode(secret) });
    expect(activated.status).toBe(200);
    expect(fleet.lastServer('POST /enrol/totp')).not.toBe(fleet.lastServer('GET /enrol/totp'));
    const recoveryCodes = [...activated.html.matchAll(/<code>([2-9A-Z]{5}-[2-9A-Z]{5})<\/code>/g)].map((m) => m[1]!);
    expect(recoveryCodes).toHaveLength(10);
    const back = await browser.follow(linkTo(activated, msg('common.ok')));
    const tokens = await finishSignIn(first, back.location!);
    expect(tokens.claims()).toMatchObject({ email, amr: ['pwd', 'otp', 'mfa'] });

    // The session made on these instances gives single sign-on on any of them.
    for (let i = 0; i < 3; i++) {
      const sso = await startSignIn(fleet);
      const code = (await browser.follow(sso.url)).location!;
      expect(code).toMatch(/code=/);
      expect((await finishSignIn(sso, code)).claims()!.sub).toBe(tokens.claims()!.sub);
    }

    // The application's refresh token, issued by one instance, is redeemed on the others.
    let refreshToken = tokens.refresh_token!;
    for (let i = 0; i < 3; i++) {
      const refreshed = await oidc.refreshTokenGrant(first.config, refreshToken);
      expect(refreshed.claims()!.sub).toBe(tokens.claims()!.sub);
      refreshToken = refreshed.refresh_token!;
    }

    // A returning sign-in: password on one instance, code on the next.
    const returning = new Browser(fleet.issuer);
    const second = await startSignIn(fleet);
    const verify = await login(returning, await returning.follow(second.url), email, PASSWORD);
    fleet.sendNextTo((fleet.lastServer('POST /login') + 1) % 3);
    const codeBack = await verifyWithCode(returning, verify, await totpCode(secret, 1));
    expect((await finishSignIn(second, codeBack.location!)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

    // A recovery code instead of the phone.
    const lostPhone = new Browser(fleet.issuer);
    const third = await startSignIn(fleet);
    const verifyAgain = await login(lostPhone, await lostPhone.follow(third.url), email, PASSWORD);
    const recoveryPage = await lostPhone.get(linkTo(verifyAgain, msg('mfa.use_recovery')));
    const used = await lostPhone.submit(recoveryPage, '/verify/recovery', { code: recoveryCodes[0]! });
    expect(used.status).toBe(200);
    expect(text(used)).toContain(msg('recovery.used', { remaining: 9 }));
    const recovered = await lostPhone.follow(linkTo(used, msg('common.ok')));
    expect((await finishSignIn(third, recovered.location!)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

    expectAlternation(from);
  });

  test('passkey enrolment and passkey sign-in: options from one instance, the answer to another', async () => {
    const from = fleet.served.length;
    const email = 'passkey-crossing@example.org';
    await fleet.createAccount(email);
    const browser = new Browser(fleet.issuer);
    const signIn = await startSignIn(fleet);
    const afterSet = await setPasswordByMail(browser, fleet, await browser.follow(signIn.url), email, PASSWORD);
    const notice = await login(browser, afterSet, email, PASSWORD);
    const choice = await browser.follow(linkTo(notice, msg('common.ok')));
    const page = await browser.follow(/href="([^"]*\/enrol\/passkey)"/.exec(choice.html)![1]!);
    const authenticator = new SoftAuthenticator(fleet.issuer);
    const enrolled = await passkeyCeremony(browser, page, '/enrol/passkey', (o) => authenticator.create(o));
    expect(enrolled.status).toBe(200);
    expect(fleet.lastServer('POST /enrol/passkey')).not.toBe(fleet.lastServer('GET /enrol/passkey/options'));
    const back = await browser.follow(linkTo(enrolled, msg('common.ok')));
    expect((await finishSignIn(signIn, back.location!)).claims()!.amr).toEqual(['pwd', 'swk', 'mfa']);

    const alone = new Browser(fleet.issuer);
    const again = await startSignIn(fleet);
    const signedIn = await passkeyCeremony(alone, await alone.follow(again.url), '/passkey', (o) => authenticator.get(o));
    expect(signedIn.status).toBe(303);
    expect(fleet.lastServer('POST /passkey')).not.toBe(fleet.lastServer('GET /passkey/options'));
    const claims = (await finishSignIn(again, (await alone.follow(signedIn.location!)).location!)).claims()!;
    expect(claims).toMatchObject({ email, amr: ['swk', 'user', 'mfa'] });

    expectAlternation(from);
  });

  test('My account: signed in on one instance, a change made through another, in effect on all', async () => {
    const from = fleet.served.length;
    const email = 'account-crossing@example.org';
    await fleet.createAccount(email);
    const browser = new Browser(fleet.issuer);
    const setUp = await startSignIn(fleet);
    const notice = await login(browser, await setPasswordByMail(browser, fleet, await browser.follow(setUp.url), email, PASSWORD), email, PASSWORD);
    const enrol = await browser.follow(/href="([^"]*\/enrol\/totp)"/.exec((await browser.follow(linkTo(notice, msg('common.ok')))).html)![1]!);
    const secret = totpKey(enrol);
    expect((await browser.submit(enrol, '/enrol/totp', { code: await totpCode(secret, -1) })).status).toBe(200);

    const mine = new Browser(fleet.issuer);
    const verify = await login(mine, await mine.follow('/account'), email, PASSWORD);
    const overview = await verifyWithCode(mine, verify, await totpCode(secret, 0));
    expect(text(overview)).toContain(msg('account.title'));
    const signedInOn = fleet.lastServer('POST /verify/totp');

    fleet.sendNextTo((signedInOn + 1) % 3);
    const confirmed = await mine.submit(overview, '/account/confirm/code', { code: await totpCode(secret, 1) });
    expect(confirmed.status).toBe(303);
    const form = await mine.get('/account/password');
    fleet.sendNextTo((signedInOn + 2) % 3);
    const changed = await mine.submit(form, '/account/password', { current_password: PASSWORD, password: NEW_PASSWORD, confirm: NEW_PASSWORD });
    expect(changed.status).toBe(200);
    expect(text(changed)).toContain(msg('account.password.done'));
    expect(fleet.lastServer('POST /account/password')).not.toBe(signedInOn);

    // Every instance now knows only the new password.
    for (let i = 0; i < 3; i++) {
      const other = new Browser(fleet.issuer);
      const loginPage = await other.follow((await startSignIn(fleet)).url);
      fleet.sendNextTo(i);
      expect(text(await other.submit(loginPage, '/login', { username: email, password: PASSWORD }))).toContain(msg('login.invalid'));
    }
    const other = new Browser(fleet.issuer);
    const codeStep = await login(other, await other.follow((await startSignIn(fleet)).url), email, NEW_PASSWORD);
    expect(text(codeStep)).toContain(msg('verify.intro'));
    expect(new Set(fleet.served.slice(from).map((s) => s.instance))).toEqual(new Set([0, 1, 2]));
  });

  test('a sign-in through the institution: sent away by one instance, its answer on another, the code on a third', async () => {
    const email = 'brokered-crossing@example.org';
    const { secret } = await seedStoredAccount(fleet.instances[0]!.services.store, fleet.instances[0]!.services.secrets, email, PASSWORD, { totp: true });
    const { page: linked } = await linkOnMyAccount(fleet, { email, secret }, 'crossing');
    expect(text(linked)).toContain(msg('upstream.account.linked'));
    const from = fleet.served.length;

    const browser = new Browser(fleet.issuer);
    const signIn = await startSignIn(fleet);
    const loginPage = await browser.follow(signIn.url);
    const away = await browser.get(institutionButton(loginPage));
    const sentAway = fleet.lastServer('GET /upstream/uni');
    const callback = await loginAtInstitution(browser, away, 'crossing');
    fleet.sendNextTo((sentAway + 1) % 3);
    const verify = await browser.follow(callback);
    const answered = fleet.lastServer('GET /upstream/uni/callback');
    expect(answered).not.toBe(sentAway);
    expect(text(verify)).toContain(msg('verify.intro'));

    fleet.sendNextTo((answered + 1) % 3);
    const back = await verifyWithCode(browser, verify, await totpCode(secret, 1));
    expect(new Set([sentAway, answered, fleet.lastServer('POST /verify/totp')]).size).toBe(3);
    expect((await finishSignIn(signIn, back.location!)).claims()).toMatchObject({ email, amr: ['fed', 'otp', 'mfa'] });
    expect(new Set(fleet.served.slice(from).map((s) => s.instance))).toEqual(new Set([0, 1, 2]));
  });
});
