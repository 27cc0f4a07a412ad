import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { text } from '../support/journey.ts';
import { confirmInConsole, csrf, seedStaff, signInToConsole } from '../support/staff.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { resetSecondFactors } from '../../src/accounts/operations/factors.ts';
import { PATCH_SCHEMA, USER_SCHEMA } from '../../src/scim/schema.ts';
import { scimClient, type Scim } from '../support/scim-client.ts';
import { msg } from '../support/messages.ts';

/** What an account document may still hold once SCIM has deleted it: nothing that names a person. */
const TOMBSTONE_FIELDS = [
  'id',
  'version',
  'email',
  'name',
  'locale',
  'disabled',
  'totp',
  'passkeys',
  'recoveryCodes',
  'sessionsValidAfter',
  'recentSignIns',
  'grants',
  'createdAt',
  'modifiedAt',
  'deletedAt',
];

/**
 * SCIM DELETE: a helpdesk member who reads an account id cannot make the
 * delete fail by taking its placeholder address, and the deleted account
 * keeps nothing that identifies its holder.
 */
describeOnEveryStore('SCIM DELETE', (store) => {
  let idp: TestIdp;
  let scim: Scim;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    scim = await scimClient(idp);
  });
  afterAll(() => idp.close());

  const user = (email: string, extra: Record<string, unknown> = {}) => ({
    schemas: [USER_SCHEMA],
    userName: email,
    name: { givenName: 'Dirk', familyName: 'de Deleted' },
    ...extra,
  });

  test('no address on the reserved .invalid domain is accepted anywhere, so the placeholder is never taken and the delete goes through', async () => {
    const victim = await scim('POST', '/Users', user(`victim-${store}@example.org`));
    expect(victim.status).toBe(201);
    const id = victim.body.id as string;
    const placeholders = [`deleted-${id}@deleted.invalid`, `DELETED-${id}@Deleted.INVALID`, `someone@else.invalid`];

    const { secret } = await seedStaff(idp, `desk-delete-${store}@example.org`, ['helpdesk']);
    const { browser } = await signInToConsole(idp, `desk-delete-${store}@example.org`, secret, -1);
    const form = await confirmInConsole(browser, await browser.get('/admin/accounts/new'), secret, 0);
    for (const email of placeholders) {
      const made = await browser.submit(form, '/admin/accounts', { email, name: 'Mallory', locale: 'nl' });
      expect([email, made.status]).toEqual([email, 400]);
      expect(text(made)).toContain(msg('request.invalid_email'));
      await expect(accountCommands(idp.app.services, 'create', { email, name: 'Mallory' })).rejects.toThrow(/e-mail address/);
      expect((await scim('POST', '/Users', user(email))).body.scimType).toBe('invalidValue');
      const other = await scim('POST', '/Users', user(`other-${Math.random().toString(36).slice(2)}-${store}@example.org`));
      const moved = await scim('PATCH', `/Users/${other.body.id}`, {
        schemas: [PATCH_SCHEMA],
        Operations: [{ op: 'replace', path: 'userName', value: email }],
      });
      expect([moved.status, moved.body.scimType]).toEqual([400, 'invalidValue']);
      expect(await idp.app.services.accounts.findByEmail(email)).toBeUndefined();
    }

    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect((await scim('GET', `/Users/${id}`)).status).toBe(404);
    expect((await idp.app.services.accounts.findById(id))!.disabled).toBe(true);
    expect((await scim('POST', '/Users', user(`victim-${store}@example.org`))).status).toBe(201);
  });

  test('a deleted account keeps nothing that identifies its holder: no address, name, externalId, roles, staff notes, sign-ins or history', async () => {
    const email = `private-${store}@example.org`;
    const created = await scim('POST', '/Users', user(email, { externalId: 'hr-4711-private' }));
    const id = created.body.id as string;
    const note = 'saw passport NL-X99 at the desk';
    await resetSecondFactors(idp.app.services, { via: 'console', by: { id: 'desk-id', email: `desk-${store}@cbs.example` } }, id, note);
    await accountCommands(idp.app.services, 'grant-role', { email, role: 'helpdesk' });
    await accountCommands(idp.app.services, 'revoke-role', { email, role: 'helpdesk' });
    expect((await idp.app.services.audit.history(id)).map((e) => e.event)).toEqual([
      'account.role_revoked',
      'account.role_granted',
      'account.mfa_reset',
      'account.created',
    ]);

    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    expect(await idp.app.services.audit.history(id)).toEqual([]);
    expect(await idp.app.services.store.history.read(id, 100, 0)).toEqual([]);
    const tombstone = (await idp.app.services.accounts.findById(id))!;
    expect(Object.keys(tombstone).filter((k) => !TOMBSTONE_FIELDS.includes(k))).toEqual([]);
    const stored = JSON.stringify(tombstone);
    for (const personal of [email, 'private', 'Dirk', 'de Deleted', 'hr-4711-private', note, `desk-${store}@cbs.example`, 'cli:']) {
      expect([personal, stored.includes(personal)]).toEqual([personal, false]);
    }
    expect(tombstone).toMatchObject({ disabled: true, name: '', totp: [], passkeys: [], recoveryCodes: [], recentSignIns: [] });
    expect(tombstone.email).toMatch(/@deleted\.invalid$/);
  });

  test('a deleted account is gone from the console: not in its search, its page a 404, and it cannot be enabled', async () => {
    const email = `gone-${store}@example.org`;
    const id = (await scim('POST', '/Users', user(email, { displayName: 'Gerrit Gone' }))).body.id as string;
    const { secret } = await seedStaff(idp, `desk-gone-${store}@example.org`, ['admin']);
    const { browser } = await signInToConsole(idp, `desk-gone-${store}@example.org`, secret, -1);
    const page = await confirmInConsole(browser, await browser.get(`/admin/accounts/${id}`), secret, 0);
    expect(text(page)).toContain(email);

    expect((await scim('DELETE', `/Users/${id}`)).status).toBe(204);
    const placeholder = (await idp.app.services.accounts.findById(id))!.email;
    for (const query of [email, 'Gerrit', 'Gone', 'deleted-', placeholder]) {
      const found = await browser.get(`/admin?q=${encodeURIComponent(query)}`);
      expect([query, found.status, found.html.includes(`/admin/accounts/${id}`)]).toEqual([query, 200, false]);
    }
    expect((await browser.get(`/admin/accounts/${id}`)).status).toBe(404);
    expect((await browser.get(`/admin/accounts/${id}/reset-mfa`)).status).toBe(404);
    for (const action of ['enable', 'disable', 'unlock', 'invite', 'helpdesk/grant']) {
      const refused = await browser.request('POST', `/admin/accounts/${id}/${action}`, { _csrf: csrf(page) });
      expect([action, refused.status]).toEqual([action, 404]);
    }
    expect(await idp.app.services.accounts.findById(id)).toMatchObject({ disabled: true, deletedAt: expect.any(Number) });
    expect(await idp.app.services.audit.history(id)).toEqual([]);
  });
});
