import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import * as oidc from 'openid-client';
import { Browser } from '../support/browser.ts';
import { bootIdp, type TestIdp, describeOnEveryStore, CALLBACK } from '../support/test-idp.ts';
import { finishSignIn, signInUntil, text, totpCode, PASSWORD } from '../support/journey.ts';
import { seedAccount } from '../support/seed.ts';
import { screens } from '../../src/routes.ts';
import { protocolEndpoints } from '../../src/oidc/protocol-endpoints.ts';
import { USER_SCHEMA } from '../../src/scim/schema.ts';
import { msg } from '../support/messages.ts';

/**
 * A request body with a Content-Encoding: every coding the body parsers know
 * (as sent by a client that compressed it, and as a false header on a plain
 * body), codings nobody knows, and stacked ones. On every route that takes a
 * body it is refused with 415 and a message in that route's own format, and
 * it changes nothing.
 */
const COMPRESS: Record<string, (body: Buffer) => Buffer> = { gzip: gzipSync, 'x-gzip': gzipSync, deflate: deflateSync, br: brotliCompressSync };
const CODINGS = ['gzip', 'x-gzip', 'deflate', 'br', 'GZIP', 'compress', 'zstd', 'bogus', 'gzip, gzip', 'identity, gzip', 'gzip, identity', 'deflate, br'];
/** Each coding with a plain body, and the known ones with the body truly encoded. */
const BODIES = CODINGS.flatMap((coding) => [
  { coding, encode: (b: Buffer) => b, what: `${coding} (false)` },
  ...(COMPRESS[coding] ? [{ coding, encode: COMPRESS[coding]!, what: `${coding} (encoded)` }] : []),
]);

describeOnEveryStore('request bodies with a content coding', (store) => {
  let idp: TestIdp;
  let scimToken: string;
  beforeAll(async () => {
    idp = await bootIdp({ store });
    scimToken = (await oidc.clientCredentialsGrant(await idp.client('provisioner'), { scope: 'scim' })).access_token;
  });
  afterAll(() => idp.close());

  const send = async (
    method: string,
    path: string,
    type: string,
    body: string,
    coding: string,
    encode: (b: Buffer) => Buffer,
    headers: Record<string, string> = {},
  ) => {
    const res = await fetch(`${idp.issuer}${path}`, {
      method,
      headers: { 'content-type': type, 'content-encoding': coding, ...headers },
      body: new Uint8Array(encode(Buffer.from(body))),
    });
    return { status: res.status, accept: res.headers.get('accept-encoding'), type: res.headers.get('content-type') ?? '', text: await res.text() };
  };

  /** Every POST of the hosted screens, read from their route table, and the provider's endpoints a browser posts to. */
  async function pageRoutes() {
    const screenPosts = screens(idp.app.services)
      .router.stack.filter((layer) => layer.methods.includes('POST'))
      .map((layer) => String(layer.path).replace(/:\w+/g, 'x'));
    const meta = (await (await fetch(`${idp.issuer}/.well-known/openid-configuration`)).json()) as Record<string, string>;
    const provider = [meta.authorization_endpoint!, meta.end_session_endpoint!].map((url) => new URL(url).pathname);
    return [...screenPosts, ...provider, idp.app.services.provider.pathFor('end_session_confirm')];
  }

  test('every form, of the hosted screens and the provider, answers 415 with a page that says why', async () => {
    const routes = await pageRoutes();
    expect(routes.length).toBeGreaterThan(20);
    expect(routes).toEqual(
      expect.arrayContaining(['/interaction/x/login', '/password/request', '/account/password', '/admin/accounts', '/session/end/confirm']),
    );
    for (const path of routes) {
      for (const { coding, encode, what } of BODIES) {
        const answer = await send('POST', path, 'application/x-www-form-urlencoded', 'username=a%40example.org&password=x', coding, encode);
        expect([path, what, answer.status]).toEqual([path, what, 415]);
        expect(answer.accept).toBe('identity');
        expect(text({ status: 415, url: path, html: answer.text })).toContain(msg('error.encoding'));
      }
    }
  });

  test('every protocol endpoint of the provider answers 415 with an OAuth error', async () => {
    const endpoints = [...protocolEndpoints(idp.app.services.provider)];
    expect(endpoints).toEqual(expect.arrayContaining(['/token', '/token/introspection', '/token/revocation', '/me']));
    const basic = `Basic ${Buffer.from('service:service-secret').toString('base64')}`;
    for (const path of endpoints) {
      for (const { coding, encode, what } of BODIES) {
        const answer = await send('POST', path, 'application/x-www-form-urlencoded', 'grant_type=client_credentials&token=x', coding, encode, {
          authorization: basic,
        });
        expect([path, what, answer.status]).toEqual([path, what, 415]);
        expect(answer.accept).toBe('identity');
        expect(JSON.parse(answer.text)).toEqual({ error: 'invalid_request', error_description: expect.stringContaining('Content-Encoding') });
      }
    }
  });

  test('every SCIM write answers 415 with a SCIM error', async () => {
    const user = JSON.stringify({ schemas: [USER_SCHEMA], userName: `scim-coded-${store}@example.org` });
    for (const [method, path] of [
      ['POST', '/scim/v2/Users'],
      ['PUT', '/scim/v2/Users/x'],
      ['PATCH', '/scim/v2/Users/x'],
    ] as const) {
      for (const { coding, encode, what } of BODIES) {
        const answer = await send(method, path, 'application/scim+json', user, coding, encode, { authorization: `Bearer ${scimToken}` });
        expect([method, what, answer.status]).toEqual([method, what, 415]);
        expect(answer.type).toContain('application/scim+json');
        expect(JSON.parse(answer.text)).toMatchObject({
          schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'],
          status: '415',
          detail: expect.stringContaining('Content-Encoding'),
        });
      }
    }
    const found = await fetch(`${idp.issuer}/scim/v2/Users?filter=${encodeURIComponent(`userName eq "scim-coded-${store}@example.org"`)}`, {
      headers: { authorization: `Bearer ${scimToken}` },
    });
    expect(((await found.json()) as { totalResults: number }).totalResults).toBe(0);
  });

  test('nothing changes: a refused password is not tried (no lockout), a refused code exchange leaves the code unused', async () => {
    const email = `coded-${store}@example.org`;
    const { secret } = await seedAccount(idp, email, PASSWORD, { totp: true });
    const browser = new Browser(idp.issuer);
    const { page, uid } = await signInUntil(idp, browser, 'login-form');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.html)![1]!;
    const wrong = new URLSearchParams({ username: email, password: 'not the password', _csrf: csrf }).toString();
    // More than the 5 wrong passwords that lock this address out of the account, had they been checked.
    for (const { coding, encode } of BODIES)
      expect((await send('POST', `/interaction/${uid}/login`, 'application/x-www-form-urlencoded', wrong, coding, encode)).status).toBe(415);
    expect(BODIES.length).toBeGreaterThan(5);
    // Not locked out: the right password from the same address goes on to the second factor.
    const other = new Browser(idp.issuer);
    const { signIn, page: codePage } = await signInUntil(idp, other, 'code-page', { email });

    const done = await other.submit(codePage, '/verify/totp', { code: await totpCode(secret) });
    const callback = (await other.follow(done.location!)).location!;
    const exchange = new URLSearchParams({
      grant_type: 'authorization_code',
      code: new URL(callback).searchParams.get('code')!,
      redirect_uri: CALLBACK,
      code_verifier: signIn.verifier,
    }).toString();
    const portal = `Basic ${Buffer.from('portal:portal-secret').toString('base64')}`;
    for (const { coding, encode } of BODIES)
      expect((await send('POST', '/token', 'application/x-www-form-urlencoded', exchange, coding, encode, { authorization: portal })).status).toBe(415);
    expect((await finishSignIn(signIn, callback)).access_token).toEqual(expect.any(String));
  });
});
