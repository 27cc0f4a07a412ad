import * as oidc from 'openid-client';
import { bootIdp, type StoreKind, type TestIdp } from '../support/test-idp.ts';
import { CBS_EXTENSION, PATCH_SCHEMA, USER_SCHEMA } from '../../src/scim/schema.ts';
import { StoreUnavailableError } from '../../adapters/types.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { scimClient, type Scim } from '../support/scim-client.ts';

const SCIM_JSON = 'application/scim+json';

/** SCIM over HTTP with a real client credentials token from our own token endpoint. */
describe.each<StoreKind>(['sqlite', 'redis'])('SCIM on %s', (store) => {
  let idp: TestIdp;
  let scim: Scim;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    scim = await scimClient(idp);
  });
  afterAll(() => idp.close());

  const newUser = (email: string, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA],
    userName: email,
    name: { givenName: 'Anna', familyName: 'de Vries' },
    emails: [{ value: email, primary: true }],
    ...extra,
  });
  const create = async (email: string, extra?: Record<string, unknown>) => {
    const res = await scim('POST', '/Users', newUser(email, extra));
    expect(res.status).toBe(201);
    return res.body as { id: string; meta: { version: string } };
  };
  const patch = (id: string, Operations: unknown[], headers?: Record<string, string>) =>
    scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations }, headers);

  test('discovery documents describe Users, the extension, patch, filter and ETags', async () => {
    const config = await scim('GET', '/ServiceProviderConfig');
    expect(config.type).toContain(SCIM_JSON);
    expect(config.body).toMatchObject({
      patch: { supported: true },
      filter: { supported: true, maxResults: 200 },
      etag: { supported: true },
      bulk: { supported: false },
    });
    const types = await scim('GET', '/ResourceTypes');
    expect(types.body.Resources[0]).toMatchObject({ id: 'User', endpoint: '/Users', schema: USER_SCHEMA, schemaExtensions: [{ schema: CBS_EXTENSION }] });
    const schemas = await scim('GET', '/Schemas');
    expect(schemas.body.Resources.map((s: { id: string }) => s.id)).toEqual([USER_SCHEMA, CBS_EXTENSION]);
    expect((await scim('GET', `/Schemas/${CBS_EXTENSION}`)).body.attributes.map((a: { name: string }) => a.name)).toEqual([
      'sendInvitation',
      'endDate',
      'invitation',
    ]);
  });

  test('create, get, and userName unique case-insensitively', async () => {
    const email = `create-${store}@example.org`;
    const created = await scim('POST', '/Users', newUser(email, { preferredLanguage: 'en-GB', externalId: 'hr-17' }));
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`${idp.issuer}/scim/v2/Users/${created.body.id}`);
    expect(created.body).toMatchObject({
      userName: email,
      name: { formatted: 'Anna de Vries' },
      active: true,
      preferredLanguage: 'en',
      externalId: 'hr-17',
      meta: { resourceType: 'User', version: created.etag },
    });
    const read = await scim('GET', `/Users/${created.body.id}`);
    expect(read.body).toEqual(created.body);
    const again = await scim('POST', '/Users', newUser(email.toUpperCase()));
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '409', scimType: 'uniqueness' });
    expect((await idp.app.services.accounts.findByEmail(email))!.locale).toBe('en');
  });

  test('list with filters and paging', async () => {
    const tag = `list${store}`;
    for (const n of [1, 2, 3]) await create(`${tag}-${n}@example.org`);
    const off = await create(`${tag}-off@example.org`, { active: false });
    const byName = await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${tag.toUpperCase()}-2@EXAMPLE.ORG"`)}`);
    expect(byName.body).toMatchObject({
      schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
      totalResults: 1,
      Resources: [{ userName: `${tag}-2@example.org` }],
    });
    const byEmail = await scim('GET', `/Users?filter=${encodeURIComponent(`emails[value eq "${tag}-3@example.org"]`)}`);
    expect(byEmail.body.Resources.map((u: { userName: string }) => u.userName)).toEqual([`${tag}-3@example.org`]);
    const inactive = await scim('GET', `/Users?filter=${encodeURIComponent(`active eq false and userName eq "${tag}-off@example.org"`)}`);
    expect(inactive.body.Resources.map((u: { id: string }) => u.id)).toEqual([off.id]);
    const bothActive = await scim('GET', `/Users?filter=${encodeURIComponent(`active eq true and userName eq "${tag}-off@example.org"`)}`);
    expect(bothActive.body.totalResults).toBe(0);
    const all = await scim('GET', '/Users?count=1000');
    expect(all.body.itemsPerPage).toBeLessThanOrEqual(200);
    const page = await scim('GET', '/Users?startIndex=2&count=2');
    expect(page.body).toMatchObject({ startIndex: 2, itemsPerPage: 2, totalResults: all.body.totalResults });
    expect(page.body.Resources.map((u: { id: string }) => u.id)).toEqual(all.body.Resources.slice(1, 3).map((u: { id: string }) => u.id));
  });

  test.each([
    ['a broken filter', '/Users?filter=userName%20eq', 'invalidFilter'],
    ['a filter on an unsupported attribute', `/Users?filter=${encodeURIComponent('title eq "x"')}`, 'invalidFilter'],
    ['an unsupported operator', `/Users?filter=${encodeURIComponent('userName co "x"')}`, 'invalidFilter'],
    ['a count that is no number', '/Users?count=ten', 'invalidValue'],
  ])('%s is a 400 with its scimType', async (_what, path, scimType) => {
    const res = await scim('GET', path);
    expect(res.status).toBe(400);
    expect(res.type).toContain(SCIM_JSON);
    expect(res.body).toMatchObject({ status: '400', scimType });
  });

  test.each([
    ['malformed JSON', '{"schemas": [', 'invalidSyntax'],
    ['no userName', { schemas: [USER_SCHEMA], name: { formatted: 'X' } }, 'invalidValue'],
    ['userName no e-mail address', { schemas: [USER_SCHEMA], userName: 'not-an-address', name: { formatted: 'X' } }, 'invalidValue'],
    ['a name over 200 characters', { schemas: [USER_SCHEMA], userName: 'long@example.org', name: { formatted: 'x'.repeat(201) } }, 'invalidValue'],
    ['an unknown language', { schemas: [USER_SCHEMA], userName: 'lang@example.org', name: { formatted: 'X' }, preferredLanguage: 'fr' }, 'invalidValue'],
    [
      'an end date that is no date',
      { schemas: [USER_SCHEMA], userName: 'date@example.org', name: { formatted: 'X' }, [CBS_EXTENSION]: { endDate: '2027-02-30' } },
      'invalidValue',
    ],
    [
      'userName and e-mail differing',
      { schemas: [USER_SCHEMA], userName: 'one@example.org', name: { formatted: 'X' }, emails: [{ value: 'two@example.org', primary: true }] },
      'invalidValue',
    ],
    ['active as a string', { schemas: [USER_SCHEMA], userName: 'str@example.org', name: { formatted: 'X' }, active: 'yes' }, 'invalidValue'],
  ])('create with %s is a 400 and creates nothing', async (_what, body, scimType) => {
    const before = await idp.app.services.accounts.countListed();
    const res = await scim('POST', '/Users', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], scimType });
    expect(await idp.app.services.accounts.countListed()).toBe(before);
  });

  test('a body over 64 kB is refused with 413', async () => {
    const res = await scim('POST', '/Users', newUser(`big-${store}@example.org`, { title: 'x'.repeat(70_000) }));
    expect(res.status).toBe(413);
    expect(res.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
  });

  test('replace (PUT) changes name, language and address; If-Match guards against lost updates', async () => {
    const { id, meta } = await create(`put-${store}@example.org`);
    const moved = `put-moved-${store}@example.org`;
    const stale = await scim('PUT', `/Users/${id}`, newUser(moved), { 'if-match': 'W/"999"' });
    expect(stale.status).toBe(412);
    expect((await scim('GET', `/Users/${id}`)).body.userName).toBe(`put-${store}@example.org`);
    const res = await scim('PUT', `/Users/${id}`, newUser(moved, { name: { formatted: 'Anna Jansen' }, preferredLanguage: 'en' }), {
      'if-match': meta.version,
    });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userName: moved, name: { formatted: 'Anna Jansen' }, preferredLanguage: 'en' });
    expect(res.etag).not.toBe(meta.version);
    expect(await idp.app.services.accounts.findByEmail(`put-${store}@example.org`)).toBeUndefined();
  });

  test('PATCH active, name, emails and preferredLanguage; scimmy refuses bad operations', async () => {
    const { id } = await create(`patch-${store}@example.org`);
    const res = await patch(id, [
      { op: 'replace', path: 'name.formatted', value: 'Bram Bakker' },
      { op: 'replace', path: 'preferredLanguage', value: 'en' },
      { op: 'replace', path: 'emails[primary eq true].value', value: `patched-${store}@example.org` },
    ]);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ userName: `patched-${store}@example.org`, name: { formatted: 'Bram Bakker' }, preferredLanguage: 'en' });
    for (const [ops, scimType] of [
      [[{ op: 'replace', path: 'id', value: 'x' }], 'mutability'],
      [[{ op: 'replace', path: 'active', value: 'nope' }], 'invalidValue'],
      [[{ op: 'frob', path: 'active', value: false }], 'invalidSyntax'],
      [[{ op: 'replace', path: 'emails[value eq "nobody@example.org"].value', value: 'x@example.org' }], 'noTarget'],
      [[{ op: 'replace', path: 'preferredLanguage', value: 'de' }], 'invalidValue'],
    ] as const) {
      const bad = await patch(id, [...ops]);
      expect([bad.status, bad.body.scimType]).toEqual([400, scimType]);
    }
    expect((await scim('GET', `/Users/${id}`)).body).toMatchObject({ userName: `patched-${store}@example.org`, preferredLanguage: 'en', active: true });
    const stale = await patch(id, [{ op: 'replace', path: 'active', value: false }], { 'if-match': 'W/"0"' });
    expect(stale.status).toBe(412);
  });

  test("deactivating ends the user's tokens like accounts disable; DELETE removes the user", async () => {
    const email = `deactivate-${store}@example.org`;
    const { id } = await create(email);
    const off = await patch(id, [{ op: 'replace', path: 'active', value: false }]);
    expect(off.body.active).toBe(false);
    const account = (await idp.app.services.accounts.findById(id))!;
    expect(account.disabled).toBe(true);
    expect(account.sessionsValidAfter).toBeGreaterThan(0);
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(404);
    expect((await scim('GET', `/Users?filter=${encodeURIComponent(`userName eq "${email}"`)}`)).body.totalResults).toBe(0);
    expect((await scim('POST', '/Users', newUser(email))).status).toBe(201);
  });

  test("staff accounts are not SCIM's to change: rename, disable, address and delete are 403 with a detail, and nothing changes", async () => {
    const email = `staff-${store}@example.org`;
    const { id } = await create(email);
    await accountCommands(idp.app.services, 'grant-role', { email, role: 'helpdesk' });
    const before = (await idp.app.services.accounts.findById(id))!;
    const attempts = [
      await scim('PUT', `/Users/${id}`, newUser(email, { name: { formatted: 'Mallory' } })),
      await patch(id, [{ op: 'replace', path: 'active', value: false }]),
      await patch(id, [{ op: 'replace', path: 'userName', value: `taken-over-${store}@example.org` }]),
      await scim('DELETE', `/Users/${id}`),
    ];
    for (const res of attempts) {
      expect([res.status, res.body.status, res.type?.includes(SCIM_JSON)]).toEqual([403, '403', true]);
      expect(res.body.detail).toMatch(/staff/);
    }
    const after = (await idp.app.services.accounts.findById(id))!;
    expect(after).toEqual(before);
    // Reading is fine, and a PUT that changes nothing is no change.
    expect((await scim('GET', `/Users/${id}`)).status).toBe(200);
    expect((await scim('PUT', `/Users/${id}`, newUser(email))).status).toBe(200);
  });

  test('unknown endpoints and users are SCIM 404s, never the HTML page', async () => {
    for (const path of ['/Users/does-not-exist', '/Groups', '/Schemas/urn:nope']) {
      const res = await scim('GET', path);
      expect([res.status, res.type?.includes(SCIM_JSON), res.body.status]).toEqual([404, true, '404']);
    }
  });

  test('a store outage is a 503 SCIM error, never a 4xx', async () => {
    const accounts = idp.app.services.accounts;
    const listed = accounts.listed;
    accounts.listed = async () => {
      throw new StoreUnavailableError('accounts');
    };
    try {
      const res = await scim('GET', '/Users');
      expect([res.status, res.body.status, res.headers.get('retry-after')]).toEqual([503, '503', '30']);
    } finally {
      accounts.listed = listed;
    }
  });

  describe('access', () => {
    const get = (authorization?: string) => fetch(`${idp.issuer}/scim/v2/Users`, { headers: authorization ? { authorization } : {} });

    test('without a token, or with a forged one: 401 with WWW-Authenticate', async () => {
      for (const header of [undefined, 'Bearer forged-token-value', 'Basic cHJvdmlzaW9uZXI6cHJvdmlzaW9uZXItc2VjcmV0']) {
        const res = await get(header);
        expect(res.status).toBe(401);
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer realm="scim"/);
        expect((await res.json()).schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:Error']);
      }
    });

    test('a client credentials token of a client not registered for scim: 403 insufficient_scope', async () => {
      const other = await oidc.clientCredentialsGrant(await idp.client('service'), { scope: 'scim' }).catch(() => undefined);
      const plain = await oidc.clientCredentialsGrant(await idp.client('service'), {});
      for (const t of [other?.access_token, plain.access_token].filter(Boolean)) {
        const res = await get(`Bearer ${t}`);
        expect(res.status).toBe(403);
        expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
      }
    });

    test("a registered client's token without the scim scope: 403", async () => {
      const res = await oidc.clientCredentialsGrant(await idp.client('provisioner'), {});
      expect((await get(`Bearer ${res.access_token}`)).status).toBe(403);
    });
  });
});
