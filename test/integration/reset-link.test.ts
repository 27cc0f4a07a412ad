import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { landedOn, login, resetLink, signInUntil, startSignIn, text } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { RESET_PURPOSE } from '../../src/accounts/reset-tokens.ts';
import { randomToken, tokenHash } from '../../src/security/random-token.ts';
import { addFactor } from '../../src/accounts/operations/factors.ts';
import { msg, msgPattern } from '../support/messages.ts';

const OLD = 'an old password that works';
const NEW = 'a brand new password 2026';

/** Reset links: single use, newest only, expiring, built from ISSUER, never a login. */
describeOnEveryStore('reset links', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  async function requestLink(email: string, headers: Record<string, string> = {}) {
    const browser = new Browser(idp.issuer, headers);
    const form = await browser.get('/password/request');
    const sent = await browser.submit(form, '/password/request', { username: email });
    expect(sent.status).toBe(200);
    return resetLink((await idp.smtp.next(email)).text!, idp.issuer);
  }

  const setVia = async (link: string, password: string) => {
    const browser = new Browser(idp.issuer);
    const form = await browser.get(link);
    return form.status === 200 ? browser.submit(form, '/password/set', { password, confirm: password }) : form;
  };

  /** Where the password step leads with this password: the mfa notice (the account has no second factor) when it works, else the login form again. */
  async function afterPassword(email: string, password: string) {
    const browser = new Browser(idp.issuer);
    const { page } = await signInUntil(idp, browser, 'login-form');
    return landedOn(await login(browser, page, email, password));
  }

  test('a reset says which second factors remain and where to remove one (a passkey someone who knew the password added), on the page and in the mail', async () => {
    const email = `remaining-${store}@example.org`;
    const { id } = await seedAccount(idp, email, OLD, { totp: true });
    const added = Math.floor(Date.now() / 1000);
    await addFactor(
      idp.app.services,
      { via: 'self' },
      id,
      { passkey: { id: 'c3RyYW5nZXI', publicKey: 'pQECAyYgASFYIA', counter: 0, kind: 'swk', name: 'Strangers laptop', createdAt: added } },
      false,
    );
    const page = await setVia(await requestLink(email), NEW);
    expect(page.status).toBe(200);
    expect(text(page)).toContain(msg('set.remaining_title'));
    expect(text(page)).toMatch(msgPattern('account.factors.app_item'));
    expect(text(page)).toMatch(msgPattern('account.factors.passkey_item', { name: 'Strangers laptop', kind: msg('account.kind.swk') }));
    expect(text(page)).toMatch(msgPattern('account.recovery.count'));
    expect(page.html).toContain('href="/account#factors-title"');
    const mail = await idp.smtp.next(email);
    expect(mail.subject).toBe(msg('mail.set.subject'));
    expect(mail.text).toMatch(
      new RegExp(`- ${msgPattern('account.factors.passkey_item', { name: 'Strangers laptop', kind: msg('account.kind.swk') }).source}`),
    );
    expect(mail.text).toContain(`${idp.issuer}/account#factors-title`);
  });

  test("a first password (no second factor yet) keeps the guide's message, without a list", async () => {
    const email = `first-set-${store}@example.org`;
    await idp.createAccount(email);
    const page = await setVia(await requestLink(email), NEW);
    expect(text(page)).toContain(msg('set.done'));
    expect(text(page)).not.toContain(msg('set.remaining_title'));
    expect((await idp.smtp.next(email)).text).not.toContain('/account#factors-title');
  });

  test('a link sets the password once; used again it is refused and changes nothing', async () => {
    const email = `once-${store}@example.org`;
    await seedAccount(idp, email, OLD);
    const link = await requestLink(email);
    expect((await setVia(link, NEW)).status).toBe(200);
    const again = await setVia(link, 'yet another password 99');
    expect(again.status).toBe(410);
    expect(await afterPassword(email, NEW)).toBe('mfa-notice');
    expect(await afterPassword(email, 'yet another password 99')).toBe('login-form');
  });

  test("someone else's requests do not void the owner's link; using one link voids every other", async () => {
    const email = `newest-${store}@example.org`;
    await seedAccount(idp, email, OLD);
    const owners = await requestLink(email);
    const [second, third] = [await requestLink(email), await requestLink(email)];
    expect((await setVia(owners, NEW)).status).toBe(200);
    expect((await setVia(second, `${NEW} again`)).status).toBe(410);
    expect((await setVia(third, `${NEW} again`)).status).toBe(410);
  });

  test('the same link posted from two browsers at once sets the password only once', async () => {
    const email = `race-${store}@example.org`;
    await seedAccount(idp, email, OLD);
    const link = await requestLink(email);
    const browsers = [new Browser(idp.issuer), new Browser(idp.issuer), new Browser(idp.issuer)];
    const forms = await Promise.all(browsers.map((b) => b.get(link)));
    const results = await Promise.all(browsers.map((b, i) => b.submit(forms[i]!, '/password/set', { password: `${NEW} ${i}`, confirm: `${NEW} ${i}` })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 410, 410]);
  });

  test('an expired link is refused', async () => {
    const email = `expired-${store}@example.org`;
    const { id } = await seedAccount(idp, email, OLD);
    const secret = randomToken();
    await idp.app.services.store.tokens.put(RESET_PURPOSE, id, tokenHash(secret), 1);
    await new Promise((resolve) => setTimeout(resolve, 2100));
    expect((await setVia(`${idp.issuer}/password/set?token=${id}.${secret}`, NEW)).status).toBe(410);
  });

  test('the link is built from ISSUER, whatever Host or X-Forwarded-Host the request carried', async () => {
    const email = `host-${store}@example.org`;
    await seedAccount(idp, email, OLD);
    const link = await requestLink(email, { host: 'evil.example', 'x-forwarded-host': 'evil.example', 'x-forwarded-proto': 'https' });
    expect(link.startsWith(`${idp.issuer}/password/set?token=`)).toBe(true);
    const mail = idp.smtp.to(email).at(-1)!;
    expect(`${mail.text}${mail.html}`).not.toContain('evil.example');
  });

  test('setting a password logs nobody in, and sends a notification', async () => {
    const email = `nologin-${store}@example.org`;
    await seedAccount(idp, email, OLD);
    const browser = new Browser(idp.issuer);
    const form = await browser.get(await requestLink(email));
    const done = await browser.submit(form, '/password/set', { password: NEW, confirm: NEW });
    expect(text(done)).toContain(msg('set.done'));
    expect((await idp.smtp.next(email)).subject).toBe(msg('mail.set.subject'));
    const silent = await browser.follow((await startSignIn(idp, { prompt: 'none' })).url);
    expect(silent.location).toMatch(/error=login_required/);
    // OK without a sign-in open in this browser leads to the start page.
    expect((await browser.follow(linkTo(done, msg('common.ok')))).url).toBe(`${idp.issuer}/`);
  });

  test('wrong input shows the form again with the reason, and leaves the link usable', async () => {
    const email = `input-${store}@example.org`;
    await seedAccount(idp, email, OLD);
    const link = await requestLink(email);
    const browser = new Browser(idp.issuer);
    const form = await browser.get(link);
    const cases: [Record<string, string>, string][] = [
      [{ password: NEW, confirm: `${NEW}x` }, msg('set.error.mismatch')],
      [{ password: 'short pw', confirm: 'short pw' }, msg('set.error.too_short', { min: 12 })],
      [{ password: 'password1234', confirm: 'password1234' }, msg('set.error.common')],
      [{ password: 'MicrodataCBS2026!', confirm: 'MicrodataCBS2026!' }, msg('set.error.personal')],
      [{ password: `${email}1`, confirm: `${email}1` }, msg('set.error.personal')],
      [{ password: '', confirm: '' }, msg('common.required')],
      [{ password: 'x'.repeat(129), confirm: 'x'.repeat(129) }, msg('set.error.too_long', { max: 128 })],
    ];
    for (const [values, message] of cases) {
      const page = await browser.submit(form, '/password/set', values);
      expect(page.status).toBe(400);
      expect(text(page)).toMatch(message);
      expect(page.html).toMatch(/aria-invalid="true"/);
    }
    expect(
      (await browser.submit(form, '/password/set', { password: 'zeer lange zin met spaties en ñ', confirm: 'zeer lange zin met spaties en ñ' })).status,
    ).toBe(200);
  });
});
