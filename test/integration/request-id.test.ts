import { Writable } from 'node:stream';
import { createLogger } from '../../src/log.ts';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';
import { startSignIn } from '../support/journey.ts';

interface Line {
  event?: string;
  reqId?: string;
  audit?: boolean;
  msg?: string;
}
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An operator follows one request from the load balancer's log to ours: every line of it carries the same id. */
describe('request id', () => {
  const lines: Line[] = [];
  let idp: TestIdp;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)) as Line);
        done();
      },
    });
    idp = await bootIdp({ deps: { log: createLogger('info', sink) } });
  });
  afterAll(() => idp.close());

  const idOf = async (incoming?: string) => {
    // A request that is logged at the default level, so that its line shows which id it kept.
    const res = await fetch(`${idp.issuer}/no-such-page`, { headers: incoming === undefined ? {} : { 'X-Request-Id': incoming } });
    return res.headers.get('x-request-id');
  };

  test('is generated when none comes in, and sent back', async () => {
    const first = await idOf();
    expect(first).toMatch(UUID);
    expect(await idOf()).not.toBe(first);
  });

  test("a load balancer's plain id is kept", async () => {
    expect(await idOf('haproxy-5f3a9c1e.0042')).toBe('haproxy-5f3a9c1e.0042');
    expect(await idOf('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d')).toBe('0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d');
  });

  test.each([
    ['spaces and quotes', 'abc def "injected": 1'],
    ['too short', 'abc'],
    ['too long', 'a'.repeat(65)],
    ['a JSON fragment', '{"event":"login.success"}'],
  ])('an id with %s is replaced', async (_what, incoming) => {
    const id = await idOf(incoming);
    expect(id).toMatch(UUID);
    expect(JSON.stringify(lines)).not.toContain(incoming);
  });

  test('the request line and the audit events of one request carry its id', async () => {
    await idp.createAccount('traced@example.org');
    const browser = new Browser(idp.issuer, { 'X-Request-Id': 'trace-0001-login' });
    const loginPage = await browser.follow((await startSignIn(idp)).url);
    lines.length = 0;
    const answer = await browser.submit(loginPage, '/login', { username: 'traced@example.org', password: 'no password set yet' });
    expect(answer.status).toBeLessThan(500);
    const failure = lines.find((l) => l.event === 'login.failure');
    const request = lines.find((l) => l.event === 'request');
    expect(failure).toMatchObject({ audit: true, reqId: 'trace-0001-login' });
    expect(request).toMatchObject({ reqId: 'trace-0001-login' });
  });
});
