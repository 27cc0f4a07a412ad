import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, text, totpCode, totpKey, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { regenerateRecoveryCodes } from '../../src/mfa/recovery/recovery-codes.ts';
import { msg } from '../support/messages.ts';

/** Recovery codes: made at the first enrolment, shown once, each usable once instead of the second factor. */
describeOnEveryStore('recovery codes', (store) => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ store });
  });
  afterAll(() => idp.close());

  const recoveryStep = async (email: string) => {
    const browser = new Browser(idp.issuer);
    return { browser, ...(await signInUntil(idp, browser, 'recovery-page', { email })) };
  };

  test('ten codes at enrolment; each works once, and the user is told how many remain', async () => {
    const email = `recovery-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD);
    const browser = new Browser(idp.issuer);
    const { page: enrol } = await signInUntil(idp, browser, 'totp-enrol', { email });
    const activated = await browser.submit(enrol, '/enrol/totp', { code: await totpCode(totpKey(enrol)) });
    const codes = [...activated.html.matchAll(/<code>([2-9A-Z]{5}-[2-9A-Z]{5})<\/code>/g)].map((m) => m[1]!);
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    expect(activated.html).toContain('download="cbs-microdata-recovery-codes.txt"');

    const first = await recoveryStep(email);
    const used = await first.browser.submit(first.page, '/verify/recovery', { code: codes[3]!.toLowerCase() });
    expect(used.status).toBe(200);
    expect(text(used)).toContain(msg('recovery.used', { remaining: 9 }));
    const back = await first.browser.follow(linkTo(used, msg('common.ok')));
    expect((await finishSignIn(first.signIn, back.location!)).claims()!.amr).toEqual(['pwd', 'otp', 'mfa']);

    const again = await recoveryStep(email);
    const reused = await again.browser.submit(again.page, '/verify/recovery', { code: codes[3]! });
    expect(reused.status).toBe(400);
    expect(text(reused)).toContain(msg('recovery.invalid'));
  });

  test('the same code posted from two sign-ins at once logs in only once', async () => {
    const email = `recovery-race-${store}@example.org`;
    const { id } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const [code] = await regenerateRecoveryCodes(idp.app.services, { via: 'self' }, id);
    const steps = await Promise.all([recoveryStep(email), recoveryStep(email), recoveryStep(email)]);
    const results = await Promise.all(steps.map(({ browser, page }) => browser.submit(page, '/verify/recovery', { code: code! })));
    expect(results.map((r) => r.status).sort()).toEqual([200, 400, 400]);
    expect((await idp.app.services.accounts.findById(id))!.recoveryCodes).toHaveLength(9);
  });

  test('wrong recovery codes count against the same limit as verification codes', async () => {
    const email = `recovery-guess-${store}@example.org`;
    await seedAccount(idp, email, PASSWORD, { totp: true });
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const { browser, page } = await recoveryStep(email);
      statuses.push((await browser.submit(page, '/verify/recovery', { code: `AAAAA-${10000 + i}` })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
  });
});
