import { Writable } from 'node:stream';
import { pino } from 'pino';
import { Browser, linkTo } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { enrolTotp, login, resetLink, startSignIn } from '../support/journey.ts';
import { msg } from '../support/messages.ts';

const PASSWORD = 'my secret password 2026';

/** The audit trail tells what happened, and never holds a password, token, code or second-factor secret. */
describe('audit log', () => {
  const lines: string[] = [];
  let idp: TestIdp;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(String(chunk));
        done();
      },
    });
    idp = await bootIdp({ deps: { log: pino({ level: 'info' }, sink) } });
  });
  afterAll(() => idp.close());

  test('a whole first login is audited without secrets', async () => {
    const email = 'audited@example.org';
    await idp.createAccount(email);
    const browser = new Browser(idp.issuer);
    const loginPage = await browser.follow((await startSignIn(idp)).url);
    await browser.submit(await browser.get(linkTo(loginPage, msg('login.request_password'))), '/password/request', { username: email });
    const link = resetLink((await idp.smtp.next(email)).text!, idp.issuer);
    const done = await browser.submit(await browser.get(link), '/password/set', { password: PASSWORD, confirm: PASSWORD });
    await browser.submit(await browser.follow(linkTo(done, msg('common.ok'))), '/login', { username: email, password: 'a wrong password here' });
    const notice = await login(browser, await browser.follow(linkTo(done, msg('common.ok'))), email, PASSWORD);
    const { secret } = await enrolTotp(browser, notice);
    await idp.smtp.next(email);

    const events = lines.map((l) => (JSON.parse(l) as { event?: string }).event);
    for (const event of [
      'request',
      'password.requested',
      'mail.sent',
      'password.set',
      'login.failure',
      'login.password_verified',
      'mfa.enrolled',
      'login.success',
    ]) {
      expect(events).toContain(event);
    }
    const log = lines.join('');
    const token = new URL(link).searchParams.get('token')!;
    for (const secretValue of [PASSWORD, 'a wrong password here', token, token.split('.')[1]!, secret]) {
      expect(log).not.toContain(secretValue);
    }
  });
});

describe('request lines', () => {
  const logged = (level: string) => {
    const lines: { event?: string; path?: string; status?: number }[] = [];
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)) as never);
        done();
      },
    });
    return { lines, log: pino({ level }, sink) };
  };
  const requestsOf = (lines: { event?: string; path?: string; status?: number }[]) =>
    lines.filter((l) => l.event === 'request').map((l) => `${l.path} ${l.status}`);

  test('probes and public documents answered are lines at debug level only; every other request is a line at info', async () => {
    for (const level of ['info', 'debug']) {
      const { lines, log } = logged(level);
      const idp = await bootIdp({ deps: { log } });
      try {
        for (const path of ['/healthz', '/jwks', '/.well-known/openid-configuration', '/interaction/none', '/jwks/other', '/assets/none.css'])
          await (await fetch(idp.issuer + path)).arrayBuffer();
        await (await fetch(`${idp.issuer}/token`, { method: 'POST' })).arrayBuffer();
        const routine = ['/healthz 200', '/jwks 200', '/.well-known/openid-configuration 200'];
        const others = ['/interaction/none 400', '/jwks/other 404', '/assets/none.css 404', '/token 400'];
        expect(requestsOf(lines)).toEqual(level === 'info' ? others : [...routine, ...others]);
      } finally {
        await idp.close();
      }
    }
  });
});
