import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { resetLink, signInUntil, startSignIn, text, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { confirmInConsole, csrf, seedStaff, signInToConsole } from '../support/staff.ts';
import { refreshFails, signInTo } from '../support/logout-clients.ts';
import { msg, msgPattern } from '../support/messages.ts';

/** A link to an account in the search results (not "New account"). */
const RESULT_LINK = /href="\/admin\/accounts\/(?!new")[\w-]+"/g;

/** The helpdesk console over HTTP: who may read, who may change what, and what each change does. */
describeOnEveryStore('helpdesk console', (store) => {
  let idp: TestIdp;
  const lines: string[] = [];
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    idp = await bootIdp({ store, deps: { log: pino({ level: 'info' }, sink) } });
  });
  afterAll(() => idp.close());

  const account = async (email: string) => (await idp.app.services.accounts.findByEmail(email))!;
  const audited = (event: string) => lines.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === event);
  const accountPage = async (browser: Browser, email: string) => browser.get(`/admin/accounts/${(await account(email)).id}`);

  test('without a session /admin signs in first; without a staff role it is a 403 page, and nothing can be changed', async () => {
    const { secret } = await seedAccount(idp, `norole-${store}@example.org`, PASSWORD, { totp: true });
    const victim = await seedAccount(idp, `norole-victim-${store}@example.org`, PASSWORD, { totp: true });
    expect((await new Browser(idp.issuer).get('/admin')).location).toMatch(/\/admin\/login$/);

    const { browser, page } = await signInToConsole(idp, `norole-${store}@example.org`, secret, -1);
    expect(page.status).toBe(403);
    expect(text(page)).toContain(msg('admin.refused.role'));
    expect((await browser.get(`/admin/accounts/${victim.id}`)).status).toBe(403);
    // Confirming the second factor does not make anyone staff.
    const token = csrf(await browser.get('/account'));
    expect((await browser.request('POST', '/admin/confirm/code', { _csrf: token, code: await totpCode(secret, 0) })).status).toBe(403);
    for (const action of ['reset-mfa', 'disable', 'helpdesk/grant']) {
      const refused = await browser.request('POST', `/admin/accounts/${victim.id}/${action}`, { _csrf: token, identity_check: 'called back' });
      expect([action, refused.status]).toEqual([action, 403]);
    }
    const after = await account(`norole-victim-${store}@example.org`);
    expect([after.disabled, after.totp.length, after.roles]).toEqual([false, 1, undefined]);
    expect(audited('admin.refused').length).toBeGreaterThan(0);
  });

  test('reading needs the full sign-in only; a change without a recent second factor asks for it and changes nothing', async () => {
    const { secret } = await seedStaff(idp, `stale-${store}@example.org`, ['helpdesk']);
    const user = `stale-user-${store}@example.org`;
    await seedAccount(idp, user, PASSWORD, { totp: true });
    const { browser } = await signInToConsole(idp, `stale-${store}@example.org`, secret, -1);
    const page = await accountPage(browser, user);
    expect(page.status).toBe(200);
    expect(text(page)).toContain(user);
    expect(text(page)).toContain(msg('account.reauth.title'));

    for (const [action, form] of [
      ['reset-mfa', { identity_check: 'called back' }],
      ['disable', {}],
      ['unlock', {}],
    ] as const) {
      const refused = await browser.request('POST', `/admin/accounts/${(await account(user)).id}/${action}`, { _csrf: csrf(page), ...form });
      expect([action, refused.status]).toEqual([action, 403]);
      expect(text(refused)).toContain(msg('account.reauth.required'));
    }
    expect((await browser.get('/admin/accounts/new')).status).toBe(403);
    const after = await account(user);
    expect([after.disabled, after.totp.length]).toEqual([false, 1]);
    // Its history holds what seeding it did, and nothing from the console.
    expect((await idp.app.services.audit.history(after.id)).map((e) => e.via)).toEqual(['cli', 'cli', 'cli']);

    // A wrong code confirms nothing; the right one lands back on the account.
    expect((await browser.submit(page, '/admin/confirm/code', { code: '000000' })).status).toBe(400);
    const confirmed = await confirmInConsole(browser, page, secret, 0);
    expect(confirmed.url).toMatch(new RegExp(`/admin/accounts/${after.id}$`));
    expect(confirmed.html).toContain(`/admin/accounts/${after.id}/disable`);
  });

  test('reset-mfa requires the identity check, removes every factor, ends sessions and mails the holder in their language', async () => {
    const { secret } = await seedStaff(idp, `desk-${store}@example.org`, ['helpdesk']);
    const holder = `lost-phone-${store}@example.org`;
    await seedAccount(idp, holder, PASSWORD, { totp: true, locale: 'en' });
    const { browser } = await signInToConsole(idp, `desk-${store}@example.org`, secret, -1);
    await confirmInConsole(browser, await accountPage(browser, holder), secret, 0);

    const form = await browser.get(`/admin/accounts/${(await account(holder)).id}/reset-mfa`);
    expect(form.status).toBe(200);
    const missing = await browser.submit(form, '/reset-mfa', { identity_check: '  ' });
    expect(missing.status).toBe(400);
    expect(text(missing)).toContain(msg('common.required'));
    expect((await account(holder)).totp).toHaveLength(1);
    expect(idp.smtp.to(holder)).toHaveLength(0);

    const done = await browser.submit(form, '/reset-mfa', { identity_check: 'Called back on the number in our records' });
    expect(done.status).toBe(200);
    expect(text(done)).toContain(msg('admin.reset.done'));
    const after = await account(holder);
    expect([after.totp, after.passkeys, after.recoveryCodes]).toEqual([[], [], []]);
    const mail = await idp.smtp.next(holder);
    expect(mail.subject).toBe(msg('mail.changed.subject', undefined, 'en'));
    expect(mail.text).toMatch(msgPattern('mail.changed.body_helpdesk', {}, 'en'));
    expect(mail.text).toContain(msg('mail.changed.mfa_reset', undefined, 'en'));
    expect(mail.text).toContain(`Check how you log in, and remove what you do not recognise, in My account: ${idp.issuer}/account#factors-title`);

    const staffId = (await account(`desk-${store}@example.org`)).id;
    expect(audited('account.mfa_reset')).toEqual([
      expect.objectContaining({ accountId: after.id, via: 'console', by: staffId, identityCheck: 'Called back on the number in our records' }),
    ]);
    const shown = text(await accountPage(browser, holder));
    expect(shown).toContain(`tweede factor gereset, door desk-${store}@example.org`);
    expect(shown).toContain('Called back on the number in our records');
    // The holder's next sign-in enrols a new factor after the password.
    await signInUntil(idp, new Browser(idp.issuer), 'mfa-notice', { email: holder });
  });

  test("disable ends the user's sessions and tokens; enable lets them in again", async () => {
    const { secret } = await seedStaff(idp, `disabler-${store}@example.org`, ['helpdesk']);
    const user = `to-disable-${store}@example.org`;
    const seeded = await seedAccount(idp, user, PASSWORD, { totp: true });
    const elsewhere = new Browser(idp.issuer);
    const portal = await signInTo(idp, elsewhere, 'portal', { email: user, secret: seeded.secret, offset: -1 });

    const { browser } = await signInToConsole(idp, `disabler-${store}@example.org`, secret, -1);
    const page = await confirmInConsole(browser, await accountPage(browser, user), secret, 0);
    const done = await browser.submit(page, '/disable', {});
    expect(text(done)).toContain(msg('admin.disable.done'));
    expect((await account(user)).disabled).toBe(true);
    await refreshFails(portal.config, portal.tokens.refresh_token!);
    expect((await elsewhere.follow((await startSignIn(idp, { prompt: 'none' })).url)).location).toMatch(/error=login_required/);

    const enabled = await browser.submit(await accountPage(browser, user), '/enable', {});
    expect(text(enabled)).toContain(msg('admin.enable.done'));
    await signInUntil(idp, new Browser(idp.issuer), 'code-page', { email: user });
    expect(audited('account.disabled').map((e) => e.by)).toContain((await account(`disabler-${store}@example.org`)).id);
  });

  test("helpdesk never changes its own account or another staff member's; an admin may change a helpdesk member's", async () => {
    const desk = await seedStaff(idp, `self-${store}@example.org`, ['helpdesk']);
    await seedStaff(idp, `colleague-${store}@example.org`, ['helpdesk']);
    const boss = await seedStaff(idp, `boss-${store}@example.org`, ['admin']);
    await seedAccount(idp, `researcher-${store}@example.org`, PASSWORD, { totp: true });
    const { browser } = await signInToConsole(idp, `self-${store}@example.org`, desk.secret, -1);
    const token = csrf(await confirmInConsole(browser, await accountPage(browser, `researcher-${store}@example.org`), desk.secret, 0));
    const own = await accountPage(browser, `self-${store}@example.org`);
    expect(text(own)).toContain(msg('admin.refused.self'));
    expect(own.html).not.toContain('/disable"');

    for (const [who, message] of [
      [`self-${store}@example.org`, msg('admin.refused.self')],
      [`colleague-${store}@example.org`, msg('admin.refused.staff')],
      [`boss-${store}@example.org`, msg('admin.refused.staff')],
    ] as const) {
      const id = (await account(who)).id;
      for (const action of ['reset-mfa', 'disable', 'unlock']) {
        const refused = await browser.request('POST', `/admin/accounts/${id}/${action}`, { _csrf: token, identity_check: 'it is me' });
        expect([who, action, refused.status]).toEqual([who, action, 403]);
        expect(text(refused)).toContain(message);
      }
      const after = await account(who);
      expect([after.disabled, after.totp.length]).toEqual([false, 1]);
    }

    const admin = await signInToConsole(idp, `boss-${store}@example.org`, boss.secret, -1);
    const colleague = await confirmInConsole(admin.browser, await accountPage(admin.browser, `colleague-${store}@example.org`), boss.secret, 0);
    expect(text(await admin.browser.submit(colleague, '/disable', {}))).toContain(msg('admin.disable.done'));
    expect((await account(`colleague-${store}@example.org`)).disabled).toBe(true);
  });

  test('only an admin grants and revokes the helpdesk role', async () => {
    const desk = await seedStaff(idp, `granter-${store}@example.org`, ['helpdesk']);
    const boss = await seedStaff(idp, `root-${store}@example.org`, ['admin']);
    const user = `promoted-${store}@example.org`;
    await seedAccount(idp, user, PASSWORD, { totp: true });
    const id = (await account(user)).id;

    const helpdesk = await signInToConsole(idp, `granter-${store}@example.org`, desk.secret, -1);
    const page = await confirmInConsole(helpdesk.browser, await accountPage(helpdesk.browser, user), desk.secret, 0);
    expect(page.html).not.toContain('/helpdesk/grant');
    const refused = await helpdesk.browser.request('POST', `/admin/accounts/${id}/helpdesk/grant`, { _csrf: csrf(page) });
    expect(refused.status).toBe(403);
    expect((await account(user)).roles).toBeUndefined();

    const admin = await signInToConsole(idp, `root-${store}@example.org`, boss.secret, -1);
    const adminPage = await confirmInConsole(admin.browser, await accountPage(admin.browser, user), boss.secret, 0);
    expect(text(await admin.browser.submit(adminPage, '/helpdesk/grant', {}))).toContain(msg('admin.roles.granted'));
    expect((await account(user)).roles).toEqual(['helpdesk']);
    // Now staff: the helpdesk member may no longer change it.
    expect((await helpdesk.browser.request('POST', `/admin/accounts/${id}/disable`, { _csrf: csrf(page) })).status).toBe(403);
    expect(text(await admin.browser.submit(await accountPage(admin.browser, user), '/helpdesk/revoke', {}))).toContain(msg('admin.roles.revoked'));
    expect((await account(user)).roles).toBeUndefined();
    expect(audited('account.role_granted')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ accountId: id, via: 'console', by: (await account(`root-${store}@example.org`)).id, role: 'helpdesk' }),
      ]),
    );
  });

  test('search by address or name, 20 a page; an overlong query is a 400 with a message', async () => {
    const { secret } = await seedStaff(idp, `searcher-${store}@example.org`, ['helpdesk']);
    for (let i = 0; i < 23; i++) await idp.createAccount(`zoek-${String(i).padStart(2, '0')}-${store}@example.org`, `Zoekbare Onderzoeker ${i}`);
    await idp.createAccount(`other-${store}@example.org`, 'Anna Zoekbaar-Jansen');
    const { browser } = await signInToConsole(idp, `searcher-${store}@example.org`, secret, -1);

    const first = await browser.get(`/admin?q=${encodeURIComponent(`ZOEK-`)}`);
    expect(first.status).toBe(200);
    expect(text(first)).toContain('23 accounts gevonden');
    expect(text(first)).toContain('Pagina 1 van 2');
    expect(first.html.match(RESULT_LINK)).toHaveLength(20);
    const second = await browser.get(/href="([^"]*page=2)"/.exec(first.html)![1]!.replace(/&amp;/g, '&'));
    expect(second.html.match(RESULT_LINK)).toHaveLength(3);
    expect(text(second)).toContain(`zoek-22-${store}@example.org`);

    const byName = await browser.get('/admin?q=zoekbaar-jansen');
    expect(text(byName)).toContain(`other-${store}@example.org`);
    expect(text(byName)).toContain(msg('admin.search.count', { count: 1 })); // "1 account gevonden", no longer "1 accounts"
    expect(text(await browser.get('/admin?q=nobody-by-this-name'))).toContain(msg('admin.search.none'));
    const overlong = await browser.get(`/admin?q=${'x'.repeat(201)}`);
    expect(overlong.status).toBe(400);
    expect(text(overlong)).toContain(msg('common.too_long'));
  });

  test('search ignores case and accents ("emi" finds Émile), finds a name from any of its words, and says when more than 200 match', async () => {
    const { secret } = await seedStaff(idp, `folder-${store}@example.org`, ['helpdesk']);
    await idp.createAccount(`zola-${store}@example.org`, `Émile Zoë-Lefèvre ${store}`);
    for (let i = 0; i < 201; i++) await idp.createAccount(`veel-${store}-${String(i).padStart(3, '0')}@example.org`, 'Veel Dezelfde');
    const { browser } = await signInToConsole(idp, `folder-${store}@example.org`, secret, -1);

    for (const q of ['emi', 'ÉMILE zoë', 'lefevre', `Lefèvre ${store.toUpperCase()}`, `zola-${store}`]) {
      const found = await browser.get(`/admin?q=${encodeURIComponent(q)}`);
      expect([q, text(found)]).toEqual([q, expect.stringContaining(`zola-${store}@example.org`)]);
    }
    const many = await browser.get(`/admin?q=veel-${store}`);
    expect(text(many)).toContain('Meer dan 200 accounts gevonden');
    expect(text(many)).toContain('Pagina 1 van 10');
    expect(many.html.match(RESULT_LINK)).toHaveLength(20);
    const last = await browser.get(`/admin?q=veel-${store}&page=10`);
    expect(text(last)).toContain(`veel-${store}-199@example.org`);
    expect(text(last)).not.toContain(`veel-${store}-200@example.org`);
  });

  test('the account page says whether the account is locked; lifting the lockout lets the holder in at once', async () => {
    const { secret } = await seedStaff(idp, `unlocker-${store}@example.org`, ['helpdesk']);
    const user = `locked-${store}@example.org`;
    const seeded = await seedAccount(idp, user, PASSWORD, { totp: true });
    // The holder signed in from this address before, then mistyped five times in another browser there.
    const before = new Browser(idp.issuer);
    const { page: verify } = await signInUntil(idp, before, 'code-page', { email: user });
    expect((await before.submit(verify, '/verify/totp', { code: await totpCode(seeded.secret, -1) })).status).toBe(303);
    const attacker = new Browser(idp.issuer);
    for (let i = 0; i < 5; i++)
      await attacker.submit(await attacker.follow((await startSignIn(idp)).url), '/login', { username: user, password: `wrong password number ${i}` });
    const lockedOut = await attacker.submit(await attacker.follow((await startSignIn(idp)).url), '/login', { username: user, password: PASSWORD });
    expect(lockedOut.status).toBe(429);

    const { browser } = await signInToConsole(idp, `unlocker-${store}@example.org`, secret, -1);
    const page = await confirmInConsole(browser, await accountPage(browser, user), secret, 0);
    expect(text(page)).toContain(msg('admin.signin.locked'));
    expect(text(page)).toContain(msg('admin.signin.password_set'));
    expect(text(page)).toMatch(msgPattern('account.factors.app_item'));
    const done = await browser.submit(page, '/unlock', {});
    expect(text(done)).toContain(msg('admin.unlock.done'));
    expect(text(await accountPage(browser, user))).toContain(msg('admin.signin.not_locked'));
    await signInUntil(idp, attacker, 'code-page', { email: user });
    expect(audited('account.unlocked').map((e) => e.accountId)).toContain((await account(user)).id);
  });

  test('create an account: checked like the CLI, no password, noted as made by the staff member', async () => {
    const { secret } = await seedStaff(idp, `creator-${store}@example.org`, ['helpdesk']);
    const { browser, page: search } = await signInToConsole(idp, `creator-${store}@example.org`, secret, -1);
    const asked = await browser.get('/admin/accounts/new');
    expect(asked.status).toBe(403);
    await confirmInConsole(browser, asked, secret, 0);
    const form = await browser.get('/admin/accounts/new');
    expect(form.status).toBe(200);

    const bad = await browser.submit(form, '/admin/accounts', { email: 'not an address', name: '', locale: 'de' });
    expect(bad.status).toBe(400);
    expect(text(bad)).toContain(msg('request.invalid_email'));
    expect(text(bad)).toContain(msg('admin.create.locale_invalid'));
    const email = `New.Researcher-${store}@Example.org`;
    const made = await browser.submit(form, '/admin/accounts', { email, name: 'Nieuwe Onderzoeker', locale: 'en' });
    expect(made.status).toBe(303);
    const shown = await browser.follow(made.location!);
    expect(text(shown)).toContain(email.toLowerCase());
    expect(text(shown)).toContain(msg('admin.signin.password_none'));
    expect(text(shown)).toContain(`account aangemaakt, door creator-${store}@example.org`);
    expect((await account(email.toLowerCase())).locale).toBe('en');
    const again = await browser.submit(form, '/admin/accounts', { email: email.toUpperCase(), name: 'Again', locale: 'nl' });
    expect(again.status).toBe(409);
    expect(text(again)).toContain(msg('admin.create.exists'));
    expect(search.status).toBe(200);
  });

  test('invitations: sent at creation, shown with their state, resent with the old link voided, refused once a password is set', async () => {
    const { secret } = await seedStaff(idp, `inviter-${store}@example.org`, ['helpdesk']);
    const { browser } = await signInToConsole(idp, `inviter-${store}@example.org`, secret, -1);
    await confirmInConsole(browser, await browser.get('/admin/accounts/new'), secret, 0);
    const email = `invited-${store}@example.org`;
    const made = await browser.submit(await browser.get('/admin/accounts/new'), '/admin/accounts', {
      email,
      name: 'Uitgenodigde Onderzoeker',
      locale: 'nl',
      invite: 'yes',
    });
    expect(made.status).toBe(303);
    const first = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    const shown = await browser.follow(made.location!);
    expect(text(shown)).toContain(msg('admin.invitation.pending'));
    expect(text(await browser.get('/admin?invitations=open'))).toContain(email);

    const resent = await browser.submit(shown, '/invite', {});
    expect(text(resent)).toContain(msg('admin.invite.done'));
    const second = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    const holder = new Browser(idp.issuer);
    expect((await holder.get(first)).status).toBe(410);
    expect((await holder.submit(await holder.get(second), '/password/set', { password: PASSWORD, confirm: PASSWORD })).status).toBe(200);

    const after = await accountPage(browser, email);
    expect(text(after)).toContain('aangenomen');
    expect(text(await browser.get('/admin?invitations=open'))).not.toContain(email);
    const token = csrf(after);
    const refused = await browser.request('POST', `/admin/accounts/${(await account(email)).id}/invite`, { _csrf: token });
    expect(refused.status).toBe(409);
    expect(text(refused)).toContain(msg('admin.invite.accepted'));
  });
});
