import * as oidc from 'openid-client';
import { generateSecret } from 'otplib';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, totpCode, PASSWORD } from '../support/journey.ts';
import { addFactor } from '../../src/accounts/operations/factors.ts';
import { setPassword } from '../../src/accounts/operations/password.ts';
import { SEED } from '../support/seed.ts';
import { PATCH_SCHEMA, USER_SCHEMA } from '../../src/scim/schema.ts';
import { useClock } from '../../src/clock.ts';
import { scimClient, type Scim } from '../support/scim-client.ts';

/**
 * A name comes back as it was given: "van den Berg" is a family name, and a
 * marriage name set by PATCH is kept. The ID token says what was stored, and
 * every User says when it last changed (RFC 7643 §3.1 meta.lastModified).
 */
describeOnEveryStore('SCIM names', (store) => {
  let idp: TestIdp;
  let scim: Scim;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    scim = await scimClient(idp);
  });
  afterAll(() => idp.close());

  /** The provisioned user sets a password and an authenticator app (the operations of the link and of enrolment), then signs in to the portal. */
  const signedIn = async (id: string, email: string) => {
    const s = idp.app.services;
    await setPassword(s, SEED, id, PASSWORD);
    const secret = generateSecret();
    await addFactor(s, SEED, id, { totp: { secret: s.secrets.seal(secret) } }, true);
    const browser = new Browser(idp.issuer);
    const { signIn, page } = await signInUntil(idp, browser, 'code-page', { email });
    const done = await browser.submit(page, '/verify/totp', { code: await totpCode(secret) });
    return { signIn, tokens: await finishSignIn(signIn, (await browser.follow(done.location!)).location!) };
  };

  test('given and family name come back exactly, in SCIM and in the ID token; a PATCH of the family name is kept', async () => {
    const email = `anne-marie-${store}@example.org`;
    const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: email, name: { givenName: 'Anne Marie', familyName: 'van den Berg' } });
    expect(created.status).toBe(201);
    const { id } = created.body;
    expect(created.body.name).toEqual({ formatted: 'Anne Marie van den Berg', givenName: 'Anne Marie', familyName: 'van den Berg' });
    expect((await scim('GET', `/Users/${id}`)).body.name).toEqual(created.body.name);

    const { signIn, tokens } = await signedIn(id, email);
    expect(tokens.claims()).toMatchObject({ name: 'Anne Marie van den Berg', given_name: 'Anne Marie', family_name: 'van den Berg' });

    const married = await scim('PATCH', `/Users/${id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: 'name.familyName', value: 'Jansen-van den Berg' }],
    });
    expect(married.status).toBe(200);
    expect(married.body).toMatchObject({
      name: { givenName: 'Anne Marie', familyName: 'Jansen-van den Berg', formatted: 'Anne Marie Jansen-van den Berg' },
      displayName: 'Anne Marie Jansen-van den Berg',
    });
    expect((await scim('GET', `/Users/${id}`)).body.name.familyName).toBe('Jansen-van den Berg');
    expect(await oidc.fetchUserInfo(signIn.config, tokens.access_token, id)).toMatchObject({ given_name: 'Anne Marie', family_name: 'Jansen-van den Berg' });
    // The console and its search know the new name too.
    expect((await idp.app.services.accounts.findById(id))!.name).toBe('Anne Marie Jansen-van den Berg');
  });

  test('a formatted name the client gives is kept as given next to the parts', async () => {
    const created = await scim('POST', '/Users', {
      schemas: [USER_SCHEMA],
      userName: `formatted-${store}@example.org`,
      name: { formatted: 'Prof. dr. J.A. (Jan) de Vries', givenName: 'Jan', familyName: 'de Vries' },
    });
    expect(created.body.name).toEqual({ formatted: 'Prof. dr. J.A. (Jan) de Vries', givenName: 'Jan', familyName: 'de Vries' });
    expect(created.body.displayName).toBe('Prof. dr. J.A. (Jan) de Vries');
  });

  test('every User says when it last changed: created at first, later after a change', async () => {
    const created = await scim('POST', '/Users', { schemas: [USER_SCHEMA], userName: `modified-${store}@example.org`, name: { formatted: 'Mia Modified' } });
    const { id, meta } = created.body;
    expect(meta.lastModified).toBe(meta.created);
    const list = await scim('GET', `/Users?filter=${encodeURIComponent(`id eq "${id}"`)}`);
    expect(list.body.Resources[0].meta.lastModified).toBe(meta.created);
    const later = Math.floor(Date.now() / 1000) * 1000 + 3600_000;
    const restore = useClock({ nowMs: () => later });
    try {
      const changed = await scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations: [{ op: 'replace', path: 'preferredLanguage', value: 'en' }] });
      expect([changed.body.meta.created, changed.body.meta.lastModified]).toEqual([meta.created, new Date(later).toISOString()]);
    } finally {
      restore();
    }
  });
});
