import * as oidc from 'openid-client';
import { bootIdp, type StoreKind, type TestIdp } from '../support/test-idp.ts';
import { Browser } from '../support/browser.ts';
import { resetLink, text } from '../support/journey.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { RESET_PURPOSE } from '../../src/accounts/reset-tokens.ts';
import { useClock } from '../../src/clock.ts';
import { CBS_EXTENSION, PATCH_SCHEMA, USER_SCHEMA } from '../../src/scim/schema.ts';
import { msg } from '../support/messages.ts';

const PASSWORD = 'a long enough password 1';
const DAY = 24 * 3600 * 1000;

/** Invitations (SCIM and CLI) and account end dates, with the real SMTP sink. */
describe.each<StoreKind>(['sqlite', 'redis'])('invitations and end dates on %s', (store) => {
  let idp: TestIdp;
  let token: string;
  let restoreClock: (() => void) | undefined;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    token = (await oidc.clientCredentialsGrant(await idp.client('provisioner'), { scope: 'scim' })).access_token;
  });
  afterEach(() => restoreClock?.());
  afterAll(() => idp.close());

  const scim = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${idp.issuer}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/scim+json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, body: await res.json() };
  };
  const invitee = async (email: string, extension: Record<string, unknown> = { sendInvitation: true }, locale = 'nl') => {
    const res = await scim('POST', '/Users', {
      schemas: [USER_SCHEMA, CBS_EXTENSION],
      userName: email,
      name: { formatted: 'Ilse Invited' },
      preferredLanguage: locale,
      [CBS_EXTENSION]: extension,
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; [CBS_EXTENSION]: { invitation?: { state: string; expiresAt: string }; endDate?: string } };
  };
  const setVia = async (link: string) => {
    const browser = new Browser(idp.issuer);
    const form = await browser.get(link);
    return form.status === 200 ? browser.submit(form, '/password/set', { password: PASSWORD, confirm: PASSWORD }) : form;
  };
  const moveClockBy = (ms: number) => {
    const at = Date.now() + ms;
    restoreClock = useClock({ nowMs: () => at });
  };

  test("SCIM create with sendInvitation mails a welcome in the account's language; opening the link uses nothing up; setting the password accepts it", async () => {
    const email = `invite-${store}@example.org`;
    const user = await invitee(email, { sendInvitation: true }, 'en');
    expect(user[CBS_EXTENSION].invitation).toMatchObject({ state: 'pending' });
    const hours = (Date.parse(user[CBS_EXTENSION].invitation!.expiresAt) - Date.now()) / 3600_000;
    expect(hours).toBeGreaterThan(71.9);
    const mail = await idp.smtp.next(email);
    expect(mail.subject).toBe(msg('mail.invite.subject', undefined, 'en'));
    expect(mail.text).toContain('works for 72 hours');
    const link = resetLink(mail.text!, idp.issuer);
    for (let i = 0; i < 3; i++) expect((await new Browser(idp.issuer).get(link)).status).toBe(200);
    expect((await setVia(link)).status).toBe(200);
    expect((await scim('GET', `/Users/${user.id}`)).body[CBS_EXTENSION].invitation.state).toBe('accepted');
    expect((await setVia(link)).status).toBe(410);
    const again = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: `${CBS_EXTENSION}:sendInvitation`, value: true }],
    });
    expect([again.status, again.body.scimType]).toEqual([400, 'invalidValue']);
  });

  test('resending over SCIM PATCH voids the previous link; the new one works', async () => {
    const email = `resend-${store}@example.org`;
    const user = await invitee(email);
    const first = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    const res = await scim('PATCH', `/Users/${user.id}`, {
      schemas: [PATCH_SCHEMA],
      Operations: [{ op: 'replace', path: `${CBS_EXTENSION}:sendInvitation`, value: true }],
    });
    expect(res.status).toBe(200);
    const second = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    expect(second).not.toBe(first);
    const old = await new Browser(idp.issuer).get(first);
    expect(old.status).toBe(410);
    expect(text(old)).toContain(msg('set.link_title'));
    expect((await setVia(second)).status).toBe(200);
  });

  test("an expired invitation link says so and offers a new mail to the account's address", async () => {
    const email = `expired-${store}@example.org`;
    const user = await invitee(email);
    const link = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    // 73 hours on: the store has let the link go (as its TTL does), the account still knows it was the invitation.
    await idp.app.services.store.tokens.drop(RESET_PURPOSE, user.id);
    moveClockBy(73 * 3600_000);
    expect((await scim('GET', `/Users/${user.id}`)).body[CBS_EXTENSION].invitation.state).toBe('expired');
    const browser = new Browser(idp.issuer);
    const page = await browser.get(link);
    expect(page.status).toBe(410);
    expect(text(page)).toContain(msg('set.invitation_title'));
    const sent = await browser.submit(page, '/password/invitation', {});
    expect(sent.status).toBe(200);
    expect(text(sent)).toContain(msg('request.sent'));
    const fresh = await idp.smtp.next(email);
    expect(fresh.subject).toBe(msg('mail.invite.subject'));
    restoreClock!();
    expect((await setVia(resetLink(fresh.text!, idp.issuer))).status).toBe(200);
  });

  test('CLI: create --invite --expires, show, invite again, set-expiry; bad input is refused', async () => {
    const email = `cli-invite-${store}@example.org`;
    const s = idp.app.services;
    const out = await accountCommands(s, 'create', { email, name: 'Cees Cli', invite: true, expires: '2099-12-31' });
    expect(out).toContain(`invitation sent to ${email}`);
    const first = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    expect(await accountCommands(s, 'show', { email })).toMatch(/invitation: pending[\s\S]*end date: 2099-12-31/);
    await accountCommands(s, 'invite', { email });
    await idp.smtp.next(email);
    expect((await new Browser(idp.issuer).get(first)).status).toBe(410);
    await expect(accountCommands(s, 'set-expiry', { email, expires: '31-12-2099' })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(accountCommands(s, 'create', { email: `x-${email}`, name: 'X', expires: '2099-02-30' })).rejects.toThrow(/YYYY-MM-DD/);
    expect(await s.accounts.findByEmail(`x-${email}`)).toBeUndefined();
    await accountCommands(s, 'set-expiry', { email, expires: 'none' });
    expect(await accountCommands(s, 'show', { email })).toContain('end date: none');
  });

  test('an end date: one reminder mail 14 days before (however often the check runs), then the account is disabled', async () => {
    const email = `ending-${store}@example.org`;
    const end = new Date(Date.now() + 30 * DAY).toISOString().slice(0, 10);
    const user = await invitee(email, { endDate: end });
    expect(user[CBS_EXTENSION].endDate).toBe(end);
    const job = idp.app.accountEnd;

    moveClockBy(10 * DAY);
    await job.runOnce();
    expect(idp.smtp.to(email)).toHaveLength(0);

    moveClockBy(17 * DAY);
    await Promise.all([job.runOnce(), job.runOnce()]);
    await job.runOnce();
    const reminder = await idp.smtp.next(email);
    expect(reminder.subject).toBe(msg('mail.end.subject'));
    expect(idp.smtp.to(email)).toHaveLength(1);
    expect((await scim('GET', `/Users/${user.id}`)).body.active).toBe(true);

    moveClockBy(32 * DAY);
    await job.runOnce();
    const account = (await idp.app.services.accounts.findById(user.id))!;
    expect(account.disabled).toBe(true);
    expect(account.sessionsValidAfter).toBeGreaterThan(0);
    expect((await scim('GET', `/Users/${user.id}`)).body.active).toBe(false);
  });
});
