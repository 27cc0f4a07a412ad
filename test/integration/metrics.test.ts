import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { enrolTotp, finishSignIn, login, resetLink, setPasswordByMail, signInUntil, startSignIn, totpCode } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { parseSamples, sampleSum } from '../support/prometheus.ts';
import { startMetricsServer } from '../../src/metrics/metrics-server.ts';

const PASSWORD = 'metrics are no place for secrets 7';

/** What an operator's Prometheus sees after one researcher's first sign-in. */
describe('metrics', () => {
  let idp: TestIdp;
  let metricsServer: Server;
  let metricsUrl: string;
  beforeAll(async () => {
    idp = await bootIdp({ store: 'redis' });
    metricsServer = await startMetricsServer(idp.app.metrics, 0, '127.0.0.1');
    metricsUrl = `http://127.0.0.1:${(metricsServer.address() as AddressInfo).port}/metrics`;
  });
  afterAll(async () => {
    await new Promise((resolve) => metricsServer.close(resolve));
    await idp.close();
  });

  const scrape = async () => {
    const res = await fetch(metricsUrl);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    return res.text();
  };

  test('a first sign-in shows up as domain counters, route latencies and store operations, without secrets or raw paths', async () => {
    const email = 'counted@example.org';
    await idp.createAccount(email);
    const browser = new Browser(idp.issuer);
    const signIn = await startSignIn(idp);
    const loginPage = await browser.follow(signIn.url);
    const afterSet = await setPasswordByMail(browser, idp, loginPage, email, PASSWORD);
    await browser.submit(afterSet, '/login', { username: email, password: 'not the right password' });
    const relogin = await browser.follow(signIn.url);
    const notice = await login(browser, relogin, email, PASSWORD);
    const { secret, page } = await enrolTotp(browser, notice);
    await finishSignIn(signIn, page.location!);
    await idp.smtp.next(email);

    const text = await scrape();
    expect(sampleSum(text, 'idp_sign_ins_total', { outcome: 'success', factor: 'totp' })).toBe(1);
    expect(sampleSum(text, 'idp_sign_ins_total', { outcome: 'failure', factor: 'password' })).toBe(1);
    expect(sampleSum(text, 'idp_mfa_enrolments_total', { factor: 'totp' })).toBe(1);
    expect(sampleSum(text, 'idp_reset_links_issued_total')).toBe(1);
    expect(sampleSum(text, 'idp_reset_links_used_total')).toBe(1);
    expect(sampleSum(text, 'idp_mails_total', { result: 'sent' })).toBeGreaterThanOrEqual(2);
    expect(
      sampleSum(text, 'idp_http_request_duration_seconds_count', { route: '/interaction/:uid/login', method: 'POST', status_class: '2xx' }),
    ).toBeGreaterThanOrEqual(1);
    expect(sampleSum(text, 'idp_http_request_duration_seconds_count', { route: '/password/set', method: 'POST', status_class: '2xx' })).toBe(1);
    expect(sampleSum(text, 'idp_http_request_duration_seconds_count', { route: '/token', method: 'POST', status_class: '2xx' })).toBe(1);
    expect(sampleSum(text, 'idp_store_operation_duration_seconds_count', { operation: 'accounts.findByEmail' })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(text, 'idp_store_operation_duration_seconds_count', { operation: 'Session.upsert' })).toBeGreaterThanOrEqual(1);
    expect(sampleSum(text, 'idp_store_operation_errors_total')).toBe(0);
    expect(sampleSum(text, 'idp_redis_connected')).toBe(1);
    expect(sampleSum(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleSum(text, 'nodejs_eventloop_lag_seconds')).toBeGreaterThanOrEqual(0);

    // Route labels are templates: no interaction uid, reset token, address, password or code.
    const routes = new Set(
      parseSamples(text)
        .map((s) => s.labels.route)
        .filter(Boolean),
    );
    for (const route of routes) expect(route).toMatch(/^(\/[\w.:-]*)+$|^(unmatched|other)$/);
    const uid = new URL(loginPage.url).pathname.split('/')[2]!;
    const token = new URL(resetLink(idp.smtp.to(email)[0]!.text!, idp.issuer)).searchParams.get('token')!;
    for (const secretValue of [uid, token, email, PASSWORD, secret]) {
      expect(secretValue.length).toBeGreaterThan(8);
      expect(text).not.toContain(secretValue);
    }
  });

  test('a wrong code on My account\'s "confirm it\'s you" is no failed sign-in', async () => {
    const email = 'confirming@example.org';
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { page: verify } = await signInUntil(idp, browser, 'code-page', { email, password: PASSWORD, from: '/account' });
    const account = await browser.submitAndFollow(verify, '/verify/totp', { code: await totpCode(secret, -1) });
    const failures = async () => sampleSum(await scrape(), 'idp_sign_ins_total', { outcome: 'failure' });
    const before = await failures();
    expect((await browser.submit(account, '/account/confirm/code', { code: '000000' })).status).toBe(400);
    expect((await browser.submit(account, '/account/confirm/recovery', { recovery_code: 'AAAAA-AAAAA' })).status).toBe(400);
    expect(await failures()).toBe(before);
    // A wrong code at a sign-in is one.
    const other = new Browser(idp.issuer);
    const { page: code } = await signInUntil(idp, other, 'code-page', { email, password: PASSWORD });
    expect((await other.submit(code, '/verify/totp', { code: '000000' })).status).toBe(400);
    expect(await failures()).toBe(before + 1);
  });

  test('a scan of random paths adds no series', async () => {
    const routes = (text: string) =>
      new Set(
        parseSamples(text)
          .map((s) => s.labels.route)
          .filter(Boolean),
      );
    const before = routes(await scrape());
    for (let i = 0; i < 5; i++) await fetch(`${idp.issuer}/nothing-here-${i}/${'x'.repeat(i * 10)}`);
    const text = await scrape();
    expect([...routes(text)].filter((route) => !before.has(route))).toEqual(before.has('unmatched') ? [] : ['unmatched']);
    expect(text).not.toContain('nothing-here');
    expect(sampleSum(text, 'idp_http_request_duration_seconds_count', { route: 'unmatched', status_class: '4xx' })).toBeGreaterThanOrEqual(5);
  });

  test('/metrics is not served on the public port', async () => {
    const res = await fetch(`${idp.issuer}/metrics`);
    expect(res.status).toBe(404);
    expect(await res.text()).not.toContain('idp_');
  });

  test('the metrics listener answers nothing but /metrics', async () => {
    expect((await fetch(metricsUrl.replace('/metrics', '/'))).status).toBe(404);
    expect((await fetch(metricsUrl.replace('/metrics', '/readyz'))).status).toBe(404);
  });
});
