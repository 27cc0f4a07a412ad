import { Browser, type Page } from '../../support/browser.ts';
import { describeOnEveryStore } from '../../support/test-idp.ts';
import { expectAt, resetLink, signInUntil, startSignIn, text, totpCode, PASSWORD } from '../../support/journey.ts';
import { msg, msgPattern } from '../../support/messages.ts';
import { SEED, seedAccount } from '../../support/seed.ts';
import { confirmInConsole, seedStaff, signInToConsole } from '../../support/staff.ts';
import {
  institutionUser,
  linkedAccount,
  linkOnMyAccount,
  loginAtInstitution,
  signInWithInstitution,
  startWithUpstream,
  type WithUpstream,
} from '../../support/upstream-journey.ts';
import { accountCommands } from '../../../src/cli/accounts.ts';
import { removeAccount } from '../../../src/accounts/operations/lifecycle.ts';
import { resetSecondFactors } from '../../../src/accounts/operations/factors.ts';
import { MAX_LINKS } from '../../../src/accounts/upstream-links.ts';
import { regenerateRecoveryCodes } from '../../../src/mfa/recovery/recovery-codes.ts';

/**
 * Linking, never by e-mail: an institution account is linked to a CBS account as
 * the pair (issuer, subject), only by the holder signed in with password and
 * second factor (My account) or completing an invitation; a missing or transient
 * identifier links nothing; every link and unlink is audited and mailed; the
 * helpdesk sees the links with their last use, and can unlink.
 */
describeOnEveryStore('linking an institution account', (store) => {
  let env: WithUpstream;
  beforeAll(async () => {
    env = await startWithUpstream(
      store,
      {},
      {
        others: {
          'uni-epn': { identifier_claim: 'eduperson_principal_name', display_name: { nl: 'Hogeschool', en: 'University of applied sciences' } },
          'uni-transient': { subject_type: 'transient', display_name: { nl: 'Tijdelijk', en: 'Transient' } },
        },
      },
    );
  });
  afterAll(() => env?.close());

  const services = () => env.idp.app.services;
  const user = (name: string, claims: Record<string, unknown> = {}) => {
    env.upstream.users.set(name, institutionUser(name, { claims }));
    return name;
  };
  const linksOf = (id: string) => services().store.upstreamLinks.ofAccount(id);
  const institutionLoginRefused = async (name: string) => {
    const browser = new Browser(env.idp.issuer);
    const page = expectAt(await browser.follow((await startSignIn(env.idp)).url), 'login-form');
    return signInWithInstitution(browser, page, name);
  };
  /** My account offers no linking on this page, and a link posted anyway (with the page's CSRF token) is refused: 403, nobody sent to the institution. */
  const expectLinkRefused = async (browser: Browser, page: Page) => {
    expect(page.html).not.toContain('/account/upstream/uni/link');
    const token = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const refused = await browser.request('POST', '/account/upstream/uni/link', { _csrf: token });
    expect([refused.status, refused.location]).toEqual([403, undefined]);
  };
  /** My account, signed in with password and code (step -1), confirmed (step 0). */
  const confirmedAccount = async (email: string, secret: string) => {
    const browser = new Browser(env.idp.issuer);
    const { page: verify } = await signInUntil(env.idp, browser, 'code-page', { email, from: '/account' });
    const overview = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, -1) });
    return { browser, page: await browser.follow((await browser.submit(overview, '/account/confirm/code', { code: await totpCode(secret, 0) })).location!) };
  };

  test('on My account, after "confirm it\'s you": a new login at the institution, the link, a mail, an audit event, and the link listed', async () => {
    const email = `mine-${store}@example.org`;
    const name = user(`mine-${store}`);
    const { id, secret } = await seedAccount(env.idp, email, PASSWORD, { totp: true });
    const browser = new Browser(env.idp.issuer);
    const { page: verify } = await signInUntil(env.idp, browser, 'code-page', { email, from: '/account' });
    const overview = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, -1) });
    expect(text(overview)).toContain(msg('upstream.account.none'));
    // Without "confirm it's you": refused, nobody is sent to the institution.
    await expectLinkRefused(browser, overview);

    const confirmed = await browser.follow((await browser.submit(overview, '/account/confirm/code', { code: await totpCode(secret, 0) })).location!);
    const start = await browser.submit(confirmed, '/account/upstream/uni/link', {});
    expect(start.status).toBe(303);
    const asked = new URL(start.location!);
    expect(asked.origin).toBe(env.upstream.issuer);
    expect(asked.searchParams.get('prompt')).toBe('login');
    expect(asked.searchParams.get('code_challenge_method')).toBe('S256');
    expect(asked.searchParams.get('state')).toBeTruthy();
    expect(asked.searchParams.get('nonce')).toBeTruthy();

    const done = await browser.follow(await loginAtInstitution(browser, start, name));
    expect(done.status).toBe(200);
    expect(text(done)).toContain(msg('upstream.account.linked'));
    const mail = await env.idp.smtp.next(email);
    expect(mail.subject).toBe(msg('mail.changed.subject'));
    expect(mail.text).toContain(msg('upstream.mail.linked'));

    const [link] = await linksOf(id);
    expect(link).toMatchObject({
      issuer: env.upstream.issuer,
      subject: `${name}-persistent-id`,
      provider: 'uni',
      via: 'account',
      label: { schac_home_organization: 'uva.nl', eduperson_principal_name: `${name}@uva.nl` },
    });
    expect(env.audit.events('upstream.linked').some((e) => e.accountId === id && e.via === 'self')).toBe(true);
    const listed = text(await browser.follow('/account'));
    expect(listed).toMatch(msgPattern('upstream.account.item', { provider: 'SURFconext', label: `uva.nl, ${name}@uva.nl` }));
    expect(listed).toContain(msg('upstream.account.never_used'));
  });

  test('a sign-in through the institution links no other institution account: that takes the password', async () => {
    const email = `fedonly-${store}@example.org`;
    const name = user(`fedonly-${store}`);
    const { id, secret } = await linkedAccount(env.idp, email, name);
    const [recoveryCode] = await regenerateRecoveryCodes(services(), SEED, id);
    const browser = new Browser(env.idp.issuer);
    const verify = expectAt(await signInWithInstitution(browser, expectAt(await browser.follow('/account'), 'login-form'), name), 'code-page');
    const overview = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, 1) });
    const confirmed = await browser.follow((await browser.submit(overview, '/account/confirm/recovery', { recovery_code: recoveryCode! })).location!);
    expect(text(confirmed)).toMatch(msgPattern('account.reauth.done'));
    expect(text(confirmed)).toContain(msg('upstream.account.needs_password'));
    await expectLinkRefused(browser, confirmed);
    expect((await linksOf(id)).map((l) => l.subject)).toEqual([`${name}-persistent-id`]);
    expect(env.audit.events('upstream.link_refused').some((e) => e.accountId === id && e.reason === 'not_signed_in_with_password')).toBe(true);
  });

  test('an institution account linked to another CBS account is refused, and neither account changes', async () => {
    const name = user(`shared-${store}`);
    const first = await linkedAccount(env.idp, `first-${store}@example.org`, name);
    const second = await seedAccount(env.idp, `second-${store}@example.org`, PASSWORD, { totp: true });
    const { page } = await linkOnMyAccount(env.idp, { email: `second-${store}@example.org`, secret: second.secret }, name);
    expect(page.status).toBe(409);
    expect(text(page)).toContain(msg('upstream.account.taken'));
    expect((await linksOf(first.id)).length).toBe(1);
    expect(await linksOf(second.id)).toEqual([]);
    expect(env.audit.events('upstream.link_refused').some((e) => e.accountId === second.id && e.reason === 'taken')).toBe(true);
  });

  test('an institution that sends no lasting identifier links nothing: the identifier claim missing, or a provider registered with transient ones', async () => {
    for (const provider of ['uni-epn', 'uni-transient']) {
      const email = `${provider}-${store}@example.org`;
      // This user has no eduperson_principal_name at all.
      const name = `${provider}-${store}`;
      env.upstream.users.set(name, { password: `${name} at the university`, claims: { sub: `${name}-id`, schac_home_organization: 'hva.nl' } });
      const { id, secret } = await seedAccount(env.idp, email, PASSWORD, { totp: true });
      const { page } = await linkOnMyAccount(env.idp, { email, secret }, name, provider);
      expect([provider, page.status]).toEqual([provider, 400]);
      expect(text(page)).toContain(msg('upstream.failure.identifier'));
      expect(await linksOf(id)).toEqual([]);
    }
    expect(
      env.audit
        .events('upstream.failure')
        .filter((e) => e.reason === 'identifier')
        .map((e) => e.provider)
        .sort(),
    ).toEqual(['uni-epn', 'uni-transient']);
  });

  test('a link asked for by a sign-in that has ended meanwhile (sessions reset) links nothing', async () => {
    const email = `ended-meanwhile-${store}@example.org`;
    const name = user(`ended-meanwhile-${store}`);
    const { id, secret } = await seedAccount(env.idp, email, PASSWORD, { totp: true });
    const { browser, page } = await confirmedAccount(email, secret);
    const start = await browser.submit(page, '/account/upstream/uni/link', {});
    const callback = await loginAtInstitution(browser, start, name);
    await resetSecondFactors(services(), SEED, id);
    const refused = await browser.follow(callback);
    expect(refused.status).toBe(403);
    expect(text(refused)).toContain(msg('upstream.refused.session'));
    expect(await linksOf(id)).toEqual([]);
  });

  test(`at most ${MAX_LINKS} institution accounts per account`, async () => {
    const email = `many-${store}@example.org`;
    const { id, secret } = await seedAccount(env.idp, email, PASSWORD, { totp: true });
    const { browser, page } = await confirmedAccount(email, secret);
    const answers: number[] = [];
    for (let i = 0; i <= MAX_LINKS; i++) {
      const start = await browser.submit(page, '/account/upstream/uni/link', {});
      answers.push((await browser.follow(await loginAtInstitution(browser, start, user(`many-${i}-${store}`)))).status);
    }
    expect(answers).toEqual([...Array(MAX_LINKS).fill(200), 409]);
    expect((await linksOf(id)).length).toBe(MAX_LINKS);
  });

  test('unlinking on My account, after "confirm it\'s you": mailed, audited, and the institution signs in nobody any more', async () => {
    const email = `unlink-${store}@example.org`;
    const name = user(`unlink-${store}`);
    const { id, browser } = await linkedAccount(env.idp, email, name);
    const overview = await browser.follow('/account');
    const unlinked = await browser.submit(overview, '/account/upstream/unlink', {});
    expect(unlinked.status).toBe(200);
    expect(text(unlinked)).toContain(msg('upstream.account.unlinked'));
    expect((await env.idp.smtp.next(email)).text).toContain(msg('upstream.mail.unlinked'));
    expect(await linksOf(id)).toEqual([]);
    expect(env.audit.events('upstream.unlinked').some((e) => e.accountId === id && e.via === 'self')).toBe(true);
    expect((await institutionLoginRefused(name)).status).toBe(403);
    // Again (the form posted twice): nothing to unlink.
    expect((await browser.submit(overview, '/account/upstream/unlink', {})).status).toBe(404);
  });

  test('the helpdesk console shows the linked institution accounts with their last use, and unlinks one after "confirm it\'s you"', async () => {
    const email = `helped-${store}@example.org`;
    const name = user(`helped-${store}`);
    const { id, secret } = await linkedAccount(env.idp, email, name);
    const signedIn = new Browser(env.idp.issuer);
    const code = expectAt(
      await signInWithInstitution(signedIn, expectAt(await signedIn.follow((await startSignIn(env.idp)).url), 'login-form'), name),
      'code-page',
    );
    await signedIn.submit(code, '/verify/totp', { code: await totpCode(secret, 1) });

    const staffEmail = `helpdesk-${store}@example.org`;
    const staffMember = await seedStaff(env.idp, staffEmail, ['helpdesk']);
    const { browser } = await signInToConsole(env.idp, staffEmail, staffMember.secret, -1);
    const view = await browser.follow(`/admin/accounts/${id}`);
    expect(text(view)).toContain(msg('upstream.admin.title'));
    expect(text(view)).toMatch(
      msgPattern('upstream.admin.item', { provider: 'SURFconext', label: `uva.nl, ${name}@uva.nl`, via: msg('upstream.via.account') }),
    );
    expect(text(view)).toMatch(msgPattern('upstream.account.last_used'));
    expect(view.html).not.toContain(`/admin/accounts/${id}/upstream/unlink`);

    const confirmed: Page = await confirmInConsole(browser, view, staffMember.secret, 0);
    const done = await browser.submit(confirmed, `/admin/accounts/${id}/upstream/unlink`, {});
    expect(done.status).toBe(200);
    expect(text(done)).toContain(msg('upstream.admin.unlinked'));
    const mail = await env.idp.smtp.next(email);
    expect(mail.text).toMatch(msgPattern('mail.changed.body_helpdesk'));
    expect(mail.text).toContain(msg('upstream.mail.unlinked'));
    expect(await linksOf(id)).toEqual([]);
    expect(env.audit.events('upstream.unlinked').some((e) => e.accountId === id && e.via === 'console' && e.by === staffMember.id)).toBe(true);
    expect(text(await browser.follow(`/admin/accounts/${id}`))).toMatch(
      msgPattern('admin.history.item', { what: msg('admin.event.upstream_unlinked'), who: msg('admin.history.by_staff', { email: staffEmail }) }),
    );
    expect((await institutionLoginRefused(name)).status).toBe(403);
  });

  test('an invitation: only its newest link, and an institution account linked elsewhere leaves the invitation usable', async () => {
    const email = `invite-${store}@example.org`;
    const [taken, own] = [user(`invite-taken-${store}`), user(`invite-own-${store}`)];
    await linkedAccount(env.idp, `invite-other-${store}@example.org`, taken);
    await accountCommands(services(), 'create', { email, name: 'Invited', locale: 'nl' });
    await accountCommands(services(), 'invite', { email });
    const first = resetLink((await env.idp.smtp.next(email)).text!, env.idp.issuer);
    await accountCommands(services(), 'invite', { email });
    const newest = resetLink((await env.idp.smtp.next(email)).text!, env.idp.issuer);

    const browser = new Browser(env.idp.issuer);
    // The first mail's link was replaced: no way to the institution from it.
    const old = await browser.get(first);
    expect(old.html).not.toContain('/upstream/uni/invitation');
    const token = /name="_csrf" value="([^"]+)"/.exec((await browser.get(newest)).html)![1]!;
    expect((await browser.request('POST', '/upstream/uni/invitation', { _csrf: token, token: new URL(first).searchParams.get('token')! })).status).toBe(410);

    const refused = await browser.follow(
      await loginAtInstitution(browser, await browser.submit(await browser.get(newest), '/upstream/uni/invitation', {}), taken),
    );
    expect(refused.status).toBe(409);
    const accountId = (await services().accounts.findByEmail(email))!.id;
    expect(await linksOf(accountId)).toEqual([]);

    const linked = await browser.follow(
      await loginAtInstitution(browser, await browser.submit(await browser.get(newest), '/upstream/uni/invitation', {}), own),
    );
    expect(linked.status).toBe(200);
    expect((await linksOf(accountId)).map((l) => [l.subject, l.via])).toEqual([[`${own}-persistent-id`, 'invitation']]);
    // The invitation is used up: its link sets no password now.
    expect((await browser.get(newest)).status).toBe(410);
  });

  test('a removed account keeps no institution account: the identity can be linked again', async () => {
    const name = user(`removed-${store}`);
    const { id } = await linkedAccount(env.idp, `removed-${store}@example.org`, name);
    await removeAccount(services(), SEED, id);
    expect(await linksOf(id)).toEqual([]);
    expect(await services().store.upstreamLinks.find(env.upstream.issuer, `${name}-persistent-id`)).toBeUndefined();
  });
});
