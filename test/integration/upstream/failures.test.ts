import { Browser, type Page } from '../../support/browser.ts';
import { describeOnEveryStore } from '../../support/test-idp.ts';
import { expectAt, startSignIn, text } from '../../support/journey.ts';
import { msg } from '../../support/messages.ts';
import { foreignKey, reSigned } from '../../support/upstream-provider.ts';
import { institutionButton, institutionUser, linkedAccount, loginAtInstitution, startWithUpstream, type WithUpstream } from '../../support/upstream-journey.ts';
import type { Locale } from '../../../src/i18n/index.ts';

/** Why a sign-in through the institution failed, as the failure page's sentence (and the audit event's reason) names it. */
type Reason = 'unavailable' | 'refused' | 'invalid' | 'state' | 'other_browser';

/**
 * Every way an institution sign-in can fail — the provider down, slow or
 * answering with an error, a replayed or mismatched state, an ID token for
 * another audience or signed with a key the provider never published, the
 * answer opened in another browser — ends on a clear page in the person's
 * language, with a 4xx or a 503, an audit event, and no change to any account.
 */
describeOnEveryStore('institution sign-in failures', (store) => {
  let env: WithUpstream;
  let accountId: string;
  const name = `failing-${store}`;
  beforeAll(async () => {
    env = await startWithUpstream(
      store,
      { [name]: institutionUser(name) },
      {
        others: { down: {}, late: {}, 'wrong-secret': { client_secret: 'not the secret the institution registered for us' } },
      },
    );
    // One provider is down before anyone signs in at it.
    await env.others.down!.close();
    accountId = (await linkedAccount(env.idp, `failing-${store}@example.org`, name)).id;
  });
  afterAll(() => env?.close());

  /** A sign-in from an application (in `locale`), at its login page. */
  const loginPage = async (browser: Browser, locale: Locale = 'nl') =>
    expectAt(await browser.follow((await startSignIn(env.idp, { ui_locales: locale })).url), 'login-form');
  /** The service's redirect to the provider `id`, and the callback the provider sends the browser back to. */
  const callbackFrom = async (browser: Browser, id = 'uni', action: 'login' | 'cancel' = 'login', locale: Locale = 'nl') =>
    loginAtInstitution(browser, await browser.get(institutionButton(await loginPage(browser, locale), id)), name, undefined, action);

  /** The account and its links as stored: a failure leaves both as they were. */
  const stored = async () => [await env.idp.app.services.accounts.findById(accountId), await env.idp.app.services.store.upstreamLinks.ofAccount(accountId)];

  /** The page is the failure's: its language, status and the reason's sentence; it was audited with its reason; nothing changed since `before`. */
  const expectFailure = async (before: unknown, page: Page, status: number, reason: Reason, locale: Locale = 'nl') => {
    expect([reason, page.status]).toEqual([reason, status]);
    expect(text(page)).toContain(msg('upstream.failure.title', {}, locale));
    expect(text(page)).toContain(msg(`upstream.failure.${reason}`, {}, locale));
    expect(page.html).not.toMatch(/Error:|at .*\.ts:\d+/);
    expect(env.audit.events('upstream.failure').some((e) => e.reason === reason)).toBe(true);
    expect(await stored()).toEqual(before);
  };

  test('the provider down before the sign-in reaches it: 503, and the password still works', async () => {
    const before = await stored();
    const browser = new Browser(env.idp.issuer);
    const page = await loginPage(browser);
    const answer = await browser.get(institutionButton(page, 'down'));
    await expectFailure(before, answer, 503, 'unavailable');
    expect(answer.html).toContain(`href="${new URL(page.url).pathname}"`);
    expect(expectAt(await browser.follow(new URL(page.url).pathname), 'login-form')).toBeDefined();
  });

  test("the provider gone between the person's login there and the code's redemption: 503", async () => {
    const browser = new Browser(env.idp.issuer);
    const callback = await callbackFrom(browser, 'late');
    await env.others.late!.close();
    const before = await stored();
    await expectFailure(before, await browser.get(callback), 503, 'unavailable');
  });

  test('the provider too slow to answer the token request: 503 after the configured wait, not a hanging page', async () => {
    let release = () => {};
    env.upstream.tamper.hold = {
      path: '/token',
      until: new Promise<void>((resolve) => {
        release = resolve;
      }),
    };
    try {
      const before = await stored();
      const browser = new Browser(env.idp.issuer);
      const answer = await browser.get(await callbackFrom(browser));
      await expectFailure(before, answer, 503, 'unavailable');
      expect(answer.html).toBeTruthy();
    } finally {
      release();
      delete env.upstream.tamper.hold;
    }
  });

  test('the person cancels at the institution (an error response): 400, in English when the application asked for English', async () => {
    const before = await stored();
    const browser = new Browser(env.idp.issuer);
    const answer = await browser.get(await callbackFrom(browser, 'uni', 'cancel', 'en'));
    await expectFailure(before, answer, 400, 'refused', 'en');
    expect(text(answer)).toContain(msg('common.back_to_login', {}, 'en'));
  });

  test('the token endpoint refuses the service (its client secret is not the registered one): 400', async () => {
    const before = await stored();
    const browser = new Browser(env.idp.issuer);
    await expectFailure(before, await browser.get(await callbackFrom(browser, 'wrong-secret')), 400, 'refused');
  });

  test('the answer opened twice (a replayed state), or with a state the service never sent: 400, and the replay changes nothing', async () => {
    const browser = new Browser(env.idp.issuer);
    const callback = await callbackFrom(browser);
    expect((await browser.get(callback)).status).toBe(303);
    const before = await stored();
    await expectFailure(before, await browser.get(callback), 400, 'state');
    // In the language of this browser's sign-in, though the sign-in is gone.
    const english = new Browser(env.idp.issuer);
    const answered = await callbackFrom(english, 'uni', 'login', 'en');
    await english.get(answered);
    const afterEnglish = await stored();
    await expectFailure(afterEnglish, await english.get(answered), 400, 'state', 'en');
    const forged = new URL(await callbackFrom(browser));
    forged.searchParams.set('state', 'a state this service never sent to anyone');
    await expectFailure(afterEnglish, await browser.get(forged.toString()), 400, 'state');
  });

  test("an answer for one provider at another provider's callback (a mix-up): 400", async () => {
    const before = await stored();
    const browser = new Browser(env.idp.issuer);
    const callback = new URL(await callbackFrom(browser));
    callback.pathname = '/upstream/wrong-secret/callback';
    await expectFailure(before, await browser.get(callback.toString()), 400, 'state');
  });

  test('the answer opened in another browser than the one that went to the institution: 400, and it is used up', async () => {
    const before = await stored();
    const browser = new Browser(env.idp.issuer);
    const callback = await callbackFrom(browser);
    const elsewhere = new Browser(env.idp.issuer);
    await expectFailure(before, await elsewhere.get(callback), 400, 'other_browser');
    expect((await browser.get(callback)).status).toBe(400);
  });

  test('an ID token for another audience, with another nonce, or signed with a key the provider never published: 400', async () => {
    const other = await foreignKey('upstream-key-1');
    const unknown = await foreignKey('a-key-id-nobody-published');
    const cases: [string, (token: string) => Promise<string>][] = [
      ['audience', (t) => reSigned(t, env.upstream.signingKey, { aud: 'another-relying-party' })],
      ['nonce', (t) => reSigned(t, env.upstream.signingKey, { nonce: 'not the nonce the service sent' })],
      ['same key id, other key', (t) => reSigned(t, other, {})],
      ['unknown key id', (t) => reSigned(t, unknown, {})],
    ];
    for (const [what, change] of cases) {
      env.upstream.tamper.tokenResponse = async (body) => ({ ...body, id_token: await change(String(body.id_token)) });
      try {
        const before = await stored();
        const browser = new Browser(env.idp.issuer);
        const answer = await browser.get(await callbackFrom(browser));
        expect([what, answer.status]).toEqual([what, 400]);
        await expectFailure(before, answer, 400, 'invalid');
      } finally {
        delete env.upstream.tamper.tokenResponse;
      }
    }
  });
});
