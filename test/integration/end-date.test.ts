import * as oidc from 'openid-client';
import { generate } from 'otplib';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { landedOn, login, signInUntil, startSignIn, text, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { signInTo } from '../support/logout-clients.ts';
import { confirmInConsole, seedStaff, signInToConsole } from '../support/staff.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { useClock } from '../../src/clock.ts';
import { CBS_EXTENSION, PATCH_SCHEMA, USER_SCHEMA } from '../../src/scim/schema.ts';
import { scimClient } from '../support/scim-client.ts';
import { msgPattern } from '../support/messages.ts';

const HOUR = 3600_000;
/** Today in Amsterdam, as an end date: the account works until the coming midnight there. */
const today = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Amsterdam' }).format(new Date());

/**
 * An account past its end date is refused at every step of a sign-in and at
 * every use of a token, whether or not the end-date job has run yet, and
 * whatever enabled it; it is enabled again only with a new end date (or none).
 */
describeOnEveryStore('end dates', (store) => {
  let idp: TestIdp;
  let restoreClock: (() => void) | undefined;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterEach(() => {
    restoreClock?.();
    restoreClock = undefined;
  });
  afterAll(() => idp.close());

  const s = () => idp.app.services;
  const clockAt = (ms: number) => {
    restoreClock?.();
    restoreClock = useClock({ nowMs: () => ms });
  };

  test('past midnight after the end date, before the job has run: tokens die, single sign-on and the password are refused', async () => {
    const email = `ended-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    await accountCommands(s(), 'set-expiry', { email, expires: today() });
    const browser = new Browser(idp.issuer);
    const { tokens, config } = await signInTo(idp, browser, 'portal', { email, secret });
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(true);

    clockAt(Date.now() + 25 * HOUR);
    expect((await s().accounts.findByEmail(email))!.disabled).toBe(false);
    await expect(oidc.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
    await expect(oidc.fetchUserInfo(config, tokens.access_token, tokens.claims()!.sub)).rejects.toBeTruthy();
    expect((await oidc.tokenIntrospection(config, tokens.access_token)).active).toBe(false);
    expect((await oidc.tokenIntrospection(config, tokens.refresh_token!)).active).toBe(false);
    const silent = await browser.follow((await startSignIn(idp, { prompt: 'none' })).url);
    expect(silent.location).toMatch(/error=login_required/);
    const fresh = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, fresh, 'login-form');
    const refused = await login(fresh, page, email, PASSWORD);
    expect([refused.status, landedOn(refused)]).toEqual([401, 'login-form']);
  });

  test('a sign-in left at the code page across midnight after the end date does not finish', async () => {
    const email = `midnight-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    // A winter day: the account stops at 23:00 UTC.
    await accountCommands(s(), 'set-expiry', { email, expires: '2031-01-20' });
    const end = Date.parse('2031-01-20T23:00:00Z');
    clockAt(end - 2 * 60_000);
    const browser = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, browser, 'code-page', { email });
    clockAt(end + 60_000);
    const answer = await browser.submit(page, '/verify/totp', { code: await generate({ secret, epoch: Math.floor((end + 60_000) / 1000) }) });
    expect(answer.status).toBe(303);
    expect(landedOn(await browser.follow(answer.location!))).toBe('login-form');
  });

  test('SCIM: a new active account with an end date gone by is a 400; an inactive one may be made', async () => {
    const scim = await scimClient(idp);
    const post = (email: string, active: boolean) =>
      scim('POST', '/Users', {
        schemas: [USER_SCHEMA, CBS_EXTENSION],
        userName: email,
        name: { formatted: 'Eva Ended' },
        active,
        [CBS_EXTENSION]: { endDate: '2020-06-30' },
      });
    const refused = await post(`born-ended-${store}@example.org`, true);
    expect([refused.status, refused.body.scimType]).toEqual([400, 'invalidValue']);
    expect(await s().accounts.findByEmail(`born-ended-${store}@example.org`)).toBeUndefined();
    expect((await post(`archived-${store}@example.org`, false)).status).toBe(201);
    await expect(accountCommands(s(), 'create', { email: `cli-ended-${store}@example.org`, name: 'Eva', expires: '2020-06-30' })).rejects.toThrow(/has passed/);
  });

  test('enabling an account its end date disabled is refused by the CLI, SCIM and the console, until the end date changes', async () => {
    const email = `reenable-${store}@example.org`;
    const { id, secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    await accountCommands(s(), 'set-expiry', { email, expires: today() });
    const staff = `desk-end-${store}@example.org`;
    const { secret: staffSecret } = await seedStaff(idp, staff, ['helpdesk']);
    const { browser: desk } = await signInToConsole(idp, staff, staffSecret, -1);
    const accountPage = await confirmInConsole(desk, await desk.get(`/admin/accounts/${id}`), staffSecret, 0);
    const scim = await scimClient(idp);
    const scimPatch = (Operations: unknown[]) => scim('PATCH', `/Users/${id}`, { schemas: [PATCH_SCHEMA], Operations });

    clockAt(Date.now() + 25 * HOUR);
    await idp.app.accountEnd.runOnce();
    expect((await s().accounts.findById(id))!.disabled).toBe(true);

    await expect(accountCommands(s(), 'enable', { email })).rejects.toThrow(/end date .* has passed.*set-expiry/);
    const bySCIM = await scimPatch([{ op: 'replace', path: 'active', value: true }]);
    expect([bySCIM.status, bySCIM.body.scimType]).toEqual([400, 'invalidValue']);
    expect(bySCIM.body.detail).toMatch(/endDate/);
    const shown = await desk.get(`/admin/accounts/${id}`);
    expect(text(shown)).toMatch(msgPattern('admin.enable.end_date_passed'));
    expect(shown.html).not.toContain(`/admin/accounts/${id}/enable`);
    const byConsole = await desk.request('POST', `/admin/accounts/${id}/enable`, { _csrf: /name="_csrf" value="([^"]+)"/.exec(accountPage.html)![1]! });
    expect(byConsole.status).toBe(409);
    expect(text(byConsole)).toMatch(msgPattern('admin.enable.end_date_passed'));
    expect((await s().accounts.findById(id))!.disabled).toBe(true);

    // A new end date and active in one PATCH: the administration system's way back.
    const back = await scimPatch([
      { op: 'replace', path: `${CBS_EXTENSION}:endDate`, value: '2099-12-31' },
      { op: 'replace', path: 'active', value: true },
    ]);
    expect([back.status, back.body.active]).toEqual([200, true]);
    // The account's history: the job's end, then SCIM's new end date and enable; the refused enables changed nothing.
    const history = await s().audit.history(id);
    expect(history.slice(0, 3)).toEqual([
      expect.objectContaining({ event: 'account.enabled', via: 'scim', by: 'provisioner' }),
      expect.objectContaining({ event: 'account.updated', via: 'scim', changed: ['endDate'], endDate: '2099-12-31' }),
      expect.objectContaining({ event: 'account.ended', via: 'job', by: 'account-end', endDate: today() }),
    ]);
    restoreClock!();
    restoreClock = undefined;
    const browser = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, browser, 'code-page', { email });
    const done = await browser.submit(page, '/verify/totp', { code: await totpCode(secret, 1) });
    expect((await browser.follow(done.location!)).location).toMatch(/code=/);
  });
});
