import { jest } from '@jest/globals';
import { Browser, decode, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { enrolTotp, login } from '../support/journey.ts';
import { DEMO_CHALLENGE } from '../../src/flows/demo/demo.ts';
import { msg } from '../support/messages.ts';

/** `npm start` with no configuration: demo client, console mail with a development outbox, the whole journey. */
describe('development mode', () => {
  let idp: TestIdp;
  beforeAll(async () => {
    idp = await bootIdp({ env: { CLIENTS_FILE: '', SMTP_URL: '' } });
  });
  afterAll(() => idp.close());

  test('the whole journey works with the demo client and the outbox page', async () => {
    const write = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      await idp.createAccount('dev@example.org', 'Dev Eloper');
      const browser = new Browser(idp.issuer);
      const auth = `/auth?client_id=demo-app&response_type=code&scope=openid%20email&redirect_uri=${encodeURIComponent(`${idp.issuer}/demo/callback`)}&code_challenge=${DEMO_CHALLENGE}&code_challenge_method=S256`;
      const loginPage = await browser.follow(auth);
      const request = await browser.get(linkTo(loginPage, msg('login.request_password')));
      await browser.submit(request, '/password/request', { username: 'dev@example.org' });
      await idp.app.settled();

      const outbox = await browser.get('/dev/outbox');
      expect(outbox.status).toBe(200);
      const link = decode(/(http:\/\/127\.0\.0\.1:\d+\/password\/set\?token=[\w.-]+)/.exec(outbox.html)![1]!);
      const form = await browser.get(link);
      const done = await browser.submit(form, '/password/set', { password: 'development password', confirm: 'development password' });
      const notice = await login(browser, await browser.follow(linkTo(done, msg('common.ok'))), 'dev@example.org', 'development password');
      const { page } = await enrolTotp(browser, notice);
      expect(page.url).toContain('/demo/callback?code=');
      expect(decode(page.html)).toContain('"email": "dev@example.org"');
      expect(decode(page.html)).toMatch(/"amr": \[\s*"pwd",\s*"otp",\s*"mfa"\s*\]/);
    } finally {
      write.mockRestore();
    }
  });
});
