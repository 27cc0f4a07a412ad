import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { PASSWORD, signInUntil, startSignIn, text } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { startRedisServer, stopAllRedisServers, waitUntil, type RedisProcess } from '../support/redis-servers.ts';
import { msg } from '../support/messages.ts';

/**
 * Redis goes away under a running service, as an operator's fault test does it:
 * every page answers at once with the outage page in the user's language (JSON
 * for protocol endpoints), readiness says so, nothing is mistaken for a user
 * error, and the service heals by itself when Redis is back.
 */
describe('a Redis outage, seen by users', () => {
  let redis: RedisProcess;
  let idp: TestIdp;
  beforeAll(async () => {
    redis = await startRedisServer(['--appendonly', 'yes', '--appendfsync', 'always']);
    idp = await bootIdp({ store: 'redis', env: { REDIS_URL: `redis://127.0.0.1:${redis.port}` } });
  });
  afterAll(async () => {
    await redis.start().catch(() => undefined);
    await idp.close();
    await stopAllRedisServers();
  });

  const within = async <T>(ms: number, work: Promise<T>) => {
    const started = Date.now();
    const result = await work;
    expect(Date.now() - started).toBeLessThan(ms);
    return result;
  };

  test('every page is a quick 503 in the user language, then service resumes on its own', async () => {
    const email = 'outage@example.org';
    await seedAccount(idp, email, PASSWORD);
    const browser = new Browser(idp.issuer);
    const page = await browser.follow((await startSignIn(idp)).url);
    const english = new Browser(idp.issuer);
    await english.get('/?lang=en');

    await redis.kill();

    const loginPage = await within(2000, browser.get(page.url));
    expect(loginPage.status).toBe(503);
    expect(text(loginPage)).toContain(msg('error.unavailable'));
    const signIn = await within(2000, browser.submit(page, '/login', { username: email, password: PASSWORD }));
    expect(signIn.status).toBe(503);
    const requestForm = await within(2000, english.get('/password/request'));
    expect(requestForm.status).toBe(200);
    const request = await within(2000, english.submit(requestForm, '/password/request', { username: email }));
    expect(request.status).toBe(503);
    expect(text(request)).toContain(msg('error.unavailable', undefined, 'en'));
    const token = await within(
      2000,
      fetch(`${idp.issuer}/token`, {
        method: 'POST',
        headers: { authorization: `Basic ${Buffer.from('service:service-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'grant_type=client_credentials',
      }),
    );
    expect(token.status).toBe(503);
    expect(await token.json()).toMatchObject({ error: 'temporarily_unavailable' });
    expect((await fetch(`${idp.issuer}/readyz`)).status).toBe(503);
    expect((await fetch(`${idp.issuer}/healthz`)).status).toBe(200);

    await redis.start();
    await waitUntil('ready again', async () => (await fetch(`${idp.issuer}/readyz`)).status === 200, 10_000);
    await signInUntil(idp, new Browser(idp.issuer), 'mfa-notice', { email });
  });
});
