import { randomBytes } from 'node:crypto';
import * as oidc from 'openid-client';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { Browser, linkTo } from '../support/browser.ts';
import { finishSignIn, login, startSignIn, text, totpCode, totpKey, PASSWORD } from '../support/journey.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { seedStoredAccount } from '../support/seed.ts';
import { passkeyCeremony, SoftAuthenticator } from '../support/soft-authenticator.ts';
import { generateJwks, type PrivateJwks } from '../../src/oidc/keys.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { msg } from '../support/messages.ts';

/**
 * The rotation procedure (docs/operations.md), rolled out instance by instance over a running
 * fleet of two (so that for a while each step runs next to the one before it):
 * COOKIE_KEYS, SECRETS_KEY → SECRETS_KEYS and the JWKS, each first accepted,
 * then used. A user signed in before it all is never signed out, their
 * authenticator app keeps working, and the application's tokens stay good.
 */
describe('key rotation on a running fleet', () => {
  const cookie = { old: randomBytes(24).toString('base64url'), new: randomBytes(24).toString('base64url') };
  const secrets = { old: randomBytes(32).toString('hex'), new: randomBytes(32).toString('hex') };
  let jwks: { old: PrivateJwks; new: PrivateJwks };
  let fleet: TestIdp;
  let settings: Record<'before' | 'accept' | 'use' | 'dropOldCookieKey', Record<string, string>>;

  beforeAll(async () => {
    jwks = { old: await generateJwks(), new: await generateJwks() };
    fleet = await bootIdp({ store: 'redis', instances: 2 });
    const files = {
      old: fleet.file('jwks-old.json', jwks.old),
      accept: fleet.file('jwks-accept.json', { keys: [...jwks.old.keys, ...jwks.new.keys] }),
      use: fleet.file('jwks-use.json', { keys: [...jwks.new.keys, ...jwks.old.keys] }),
    };
    settings = {
      before: { COOKIE_KEYS: cookie.old, SECRETS_KEY: secrets.old, JWKS_FILE: files.old },
      accept: { COOKIE_KEYS: `${cookie.old},${cookie.new}`, SECRETS_KEYS: `${secrets.old},${secrets.new}`, JWKS_FILE: files.accept },
      use: { COOKIE_KEYS: `${cookie.new},${cookie.old}`, SECRETS_KEYS: `${secrets.new},${secrets.old}`, JWKS_FILE: files.use },
      dropOldCookieKey: { COOKIE_KEYS: cookie.new, SECRETS_KEYS: `${secrets.new},${secrets.old}`, JWKS_FILE: files.use },
    };
    for (const i of [0, 1]) await fleet.replace(i, settings.before);
  });
  afterAll(() => fleet?.close());

  const kid = (jwks: PrivateJwks) => jwks.keys.find((k) => k.alg === 'ES256')!.kid;
  const store = () => fleet.instances[0]!.services.store;
  const sealedTotp = async (email: string) => (await fleet.instances[0]!.services.accounts.findByEmail(email))!.totp[0]!.secret;
  const opensWith = (key: string, sealed: string) => {
    try {
      createSecretBox(Buffer.from(key, 'hex')).open(sealed);
      return true;
    } catch {
      return false;
    }
  };

  /**
   * First sign-in with an authenticator app enrolled on this fleet; the application asks
   * for offline access. `route`: the instance that shows the key, and the one that takes the code.
   */
  async function firstSignIn(email: string, route?: [number, number]) {
    await seedStoredAccount(store(), fleet.instances[0]!.services.secrets, email, PASSWORD);
    const browser = new Browser(fleet.issuer);
    const signIn = await startSignIn(fleet, { scope: 'openid email offline_access', prompt: 'consent' });
    const notice = await login(browser, await browser.follow(signIn.url), email, PASSWORD);
    const enrolUrl = /href="([^"]*\/enrol\/totp)"/.exec((await browser.follow(linkTo(notice, msg('common.ok')))).html)![1]!;
    if (route) fleet.sendNextTo(route[0]);
    const enrol = await browser.follow(enrolUrl);
    const secret = totpKey(enrol);
    if (route) fleet.sendNextTo(route[1]);
    const activated = await browser.submit(enrol, '/enrol/totp', { code: await totpCode(secret) });
    expect(activated.status).toBe(200);
    const tokens = await finishSignIn(signIn, (await browser.follow(linkTo(activated, msg('common.ok')))).location!);
    return { browser, secret, tokens, config: signIn.config };
  }

  /** A user who enrolled a passkey at their first sign-in, before the rotation. */
  async function passkeyUser(email: string) {
    await seedStoredAccount(store(), fleet.instances[0]!.services.secrets, email, PASSWORD);
    const browser = new Browser(fleet.issuer);
    const notice = await login(browser, await browser.follow((await startSignIn(fleet)).url), email, PASSWORD);
    const page = await browser.follow(/href="([^"]*\/enrol\/passkey)"/.exec((await browser.follow(linkTo(notice, msg('common.ok')))).html)![1]!);
    const authenticator = new SoftAuthenticator(fleet.issuer);
    expect((await passkeyCeremony(browser, page, '/enrol/passkey', (o) => authenticator.create(o))).status).toBe(200);
    return authenticator;
  }

  /** Single sign-on: the application sends the browser to the provider and gets a code back, no password asked. */
  async function silentSignIn(browser: Browser) {
    const signIn = await startSignIn(fleet);
    const back = await browser.follow(signIn.url);
    if (!back.location?.includes('code=')) throw new Error(`asked to sign in again: ${back.status} ${text(back).slice(0, 200)}`);
    return finishSignIn(signIn, back.location);
  }

  /** An application checks the ID token against /jwks, whichever instance it fetched that from. */
  async function verifiedOnEveryInstance(idToken: string) {
    for (const instance of [0, 1]) {
      fleet.sendNextTo(instance);
      const published = (await (await fetch(`${fleet.issuer}/jwks`)).json()) as PrivateJwks;
      expect(published.keys.every((k) => !('d' in k))).toBe(true);
      await jwtVerify(idToken, createLocalJWKSet(published as never), { issuer: fleet.issuer, audience: 'portal' });
    }
    return decodeProtectedHeader(idToken).kid;
  }

  /** A passkey alone signs in as often as a test likes (an authenticator app's code is good once). */
  async function passkeySignIn(authenticator: SoftAuthenticator) {
    const browser = new Browser(fleet.issuer);
    const signIn = await startSignIn(fleet);
    const signedIn = await passkeyCeremony(browser, await browser.follow(signIn.url), '/passkey', (o) => authenticator.get(o));
    if (signedIn.status !== 303) throw new Error(`passkey sign-in answered ${signedIn.status}: ${text(signedIn).slice(0, 200)}`);
    return finishSignIn(signIn, (await browser.follow(signedIn.location!)).location!);
  }

  let enrolments = 0;
  /**
   * Replaces the instances one at a time. Between and after, with the fleet half on
   * the old step and half on the new: the user signed in before still gets single
   * sign-on, a new sign-in and a new enrolment cross both kinds of instance, and
   * every ID token verifies against the keys either kind publishes.
   */
  async function rollOut(step: Record<string, string>, signedIn: Browser, authenticator: SoftAuthenticator) {
    for (const i of [0, 1]) {
      await fleet.replace(i, step);
      for (let n = 0; n < 2; n++) await verifiedOnEveryInstance((await silentSignIn(signedIn)).id_token!);
      await verifiedOnEveryInstance((await passkeySignIn(authenticator)).id_token!);
      for (const route of [
        [i, 1 - i],
        [1 - i, i],
      ] as [number, number][]) {
        enrolments += 1;
        await verifiedOnEveryInstance((await firstSignIn(`enrolling-${enrolments}@example.org`, route)).tokens.id_token!);
      }
    }
  }

  test('nobody is signed out; old secrets, refresh tokens and ID tokens keep working; new ones use the new keys', async () => {
    expect(kid(jwks.new)).not.toBe(kid(jwks.old));
    const before = await firstSignIn('rotating@example.org');
    const authenticator = await passkeyUser('passkey-rotating@example.org');
    const oldIdToken = before.tokens.id_token!;
    expect(decodeProtectedHeader(oldIdToken).kid).toBe(kid(jwks.old));
    expect(opensWith(secrets.old, await sealedTotp('rotating@example.org'))).toBe(true);

    // Step 1: the new keys are accepted and published, not yet used.
    await rollOut(settings.accept, before.browser, authenticator);
    const published = (await (await fetch(`${fleet.issuer}/jwks`)).json()) as PrivateJwks;
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([kid(jwks.old), kid(jwks.new)]));
    expect(decodeProtectedHeader((await silentSignIn(before.browser)).id_token!).kid).toBe(kid(jwks.old));

    // Step 2: the new keys sign and seal; the old ones still verify and open.
    await rollOut(settings.use, before.browser, authenticator);
    const sso = await silentSignIn(before.browser);
    expect(sso.claims()!.email).toBe('rotating@example.org');
    expect(decodeProtectedHeader(sso.id_token!).kid).toBe(kid(jwks.new));

    // The application's ID tokens from before verify against the published keys, as do the new ones.
    expect(await verifiedOnEveryInstance(oldIdToken)).toBe(kid(jwks.old));
    expect(await verifiedOnEveryInstance(sso.id_token!)).toBe(kid(jwks.new));

    // Its refresh token from before the rotation still works, and the ID token it brings is signed with the new key.
    const refreshed = await oidc.refreshTokenGrant(before.config, before.tokens.refresh_token!);
    expect(refreshed.claims()!.sub).toBe(before.tokens.claims()!.sub);
    expect(decodeProtectedHeader(refreshed.id_token!).kid).toBe(kid(jwks.new));
    expect((await oidc.fetchUserInfo(before.config, refreshed.access_token, refreshed.claims()!.sub)).email).toBe('rotating@example.org');

    // The authenticator app enrolled under the old secrets key still signs in, on a new device.
    const device = new Browser(fleet.issuer);
    const signIn = await startSignIn(fleet);
    const codeStep = await login(device, await device.follow(signIn.url), 'rotating@example.org', PASSWORD);
    const verified = await device.submit(codeStep, '/verify/totp', { code: await totpCode(before.secret, 1) });
    expect(verified.status).toBe(303);
    expect((await finishSignIn(signIn, (await device.follow(verified.location!)).location!)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

    // New second-factor secrets are sealed with the new key alone.
    const after = await firstSignIn('enrolled-after@example.org');
    const sealed = await sealedTotp('enrolled-after@example.org');
    expect(opensWith(secrets.new, sealed)).toBe(true);
    expect(opensWith(secrets.old, sealed)).toBe(false);
    expect(decodeProtectedHeader(after.tokens.id_token!).kid).toBe(kid(jwks.new));

    // Step 3 for cookies: sessions used since step 2 carry the new key's signature and outlive the old key.
    await rollOut(settings.dropOldCookieKey, after.browser, authenticator);
    expect((await silentSignIn(device)).claims()!.email).toBe('rotating@example.org');
    expect((await silentSignIn(before.browser)).claims()!.email).toBe('rotating@example.org');
  });
});
