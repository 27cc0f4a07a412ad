import { Browser } from '../../support/browser.ts';
import { finishSignIn, signInUntil, startSignIn, text, totpCode, PASSWORD } from '../../support/journey.ts';
import { seedAccount } from '../../support/seed.ts';
import { institutionUser, loginAtInstitution, signInWithInstitution, startWithUpstream, type WithUpstream } from '../../support/upstream-journey.ts';

let env: WithUpstream;
beforeAll(async () => { env = await startWithUpstream('sqlite', { alice: institutionUser('alice', { acr: 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant', amr: ['hwk', 'mfa'] }) }); });
afterAll(() => env.close());

test('smoke', async () => {
  const { idp } = env;
  const email = 'alice@example.org';
  const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
  const browser = new Browser(idp.issuer);
  const { page: verify } = await signInUntil(idp, browser, 'code-page', { email, from: '/account' });
  const overview = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, -1) });
  const confirmed = await browser.submit(overview, '/account/confirm/code', { code: await totpCode(secret, 0) });
  const page = await browser.follow(confirmed.location!);
  console.log(text(page).slice(0, 2000));
  const start = await browser.submit(page, '/account/upstream/uni/link', {});
  console.log(start.status, start.location);
  const callback = await loginAtInstitution(browser, start, 'alice');
  const linked = await browser.follow(callback);
  console.log(linked.status, text(linked));

  const b2 = new Browser(idp.issuer);
  const signIn = await startSignIn(idp);
  const login = await b2.follow(signIn.url);
  const code = await signInWithInstitution(b2, login, 'alice');
  console.log(code.status, code.url, text(code).slice(0, 300));
  const done = await b2.submitAndFollow(code, '/verify/totp', { code: await totpCode(secret, 1) });
  console.log(done.status, done.location);
  const tokens = await finishSignIn(signIn, done.location!);
  console.log(tokens.claims());
  console.log(env.upstream.idTokens.map((t) => JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString())));
});
