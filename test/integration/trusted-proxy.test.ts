import { Writable } from 'node:stream';
import { pino } from 'pino';
import { bootIdp, type TestIdp } from '../support/test-idp.ts';

/**
 * Behind a load balancer (TRUST_PROXY=true) the client is the address the
 * balancer appended to X-Forwarded-For; entries a client wrote itself are
 * ignored, so that they cannot pick the IP that per-IP rate limits count.
 */
describe('TRUST_PROXY', () => {
  const lines: { event?: string; ip?: string }[] = [];
  let idp: TestIdp;
  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _enc, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    });
    idp = await bootIdp({ env: { TRUST_PROXY: 'true' }, deps: { log: pino({ level: 'info' }, sink) } });
  });
  afterAll(() => idp.close());

  test('the client address is the one the proxy appended, not one the client forged', async () => {
    lines.length = 0;
    await fetch(`${idp.issuer}/no-such-page`, { headers: { 'X-Forwarded-For': '203.0.113.9, 198.51.100.7' } });
    expect(lines.find((l) => l.event === 'request')?.ip).toBe('198.51.100.7');
  });
});
