import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { Browser } from '../../support/browser.ts';
import { landedOn } from '../../support/journey.ts';
import { freePort } from '../../support/spawned-idp.ts';
import { loggedOutUrl, navigationFetch, redirectUri, relyingPartyKey, startApache } from './apache.ts';
import { browse, researcher, startNlgovIdp, type NlgovIdp } from './nlgov-idp.ts';

/**
 * A real relying party in the profile: Apache httpd with Debian's
 * libapache2-mod-auth-openidc (2.4.12 on bookworm), configured with
 * private_key_jwt, PKCE S256 and a signed request object, logs a user in
 * (password and authenticator code) and out (RP-initiated logout) against the
 * service in OIDC_PROFILE=nlgov.
 */
describe('NL GOV: Apache mod_auth_openidc as the relying party', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-apache-'));
  let idp: NlgovIdp;
  let apache: Awaited<ReturnType<typeof startApache>>;
  let port: number;
  beforeAll(async () => {
    port = await freePort();
    const key = relyingPartyKey('apache-rp');
    idp = await startNlgovIdp([
      {
        client_id: 'apache',
        client_name: 'Microdata (Apache)',
        redirect_uris: [redirectUri({ port })],
        post_logout_redirect_uris: [loggedOutUrl({ port })],
        grant_types: ['authorization_code'],
        jwks: { keys: [key.jwk] },
        first_party: true,
      },
    ]);
    apache = await startApache({ dir, port, issuer: idp.issuer, clientId: 'apache', kid: 'apache-rp', privatePem: key.privatePem, publicPem: key.publicPem });
  }, 60_000);
  afterAll(async () => {
    await apache?.stop();
    await idp?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('signs a user in with private_key_jwt, PKCE and a signed request object, and out again', async () => {
    const protectedPage = `http://127.0.0.1:${port}/protected/index.shtml`;
    const who = await researcher(idp, 'apache@example.org');
    // One cookie jar for both: cookies do not tell ports apart, as in a real browser.
    const browser = new Browser(idp.issuer, {}, navigationFetch);

    const toProvider = await browser.get(protectedPage);
    expect([toProvider.status, toProvider.status === 302 ? '' : apache.log()]).toEqual([302, '']);
    const authorization = new URL(toProvider.location!);
    expect(`${authorization.origin}${authorization.pathname}`).toBe(`${idp.issuer}/auth`);
    const requestObject = authorization.searchParams.get('request')!;
    expect(decodeProtectedHeader(requestObject)).toMatchObject({ alg: 'RS256' });
    expect(decodeJwt(requestObject)).toMatchObject({
      client_id: 'apache',
      response_type: 'code',
      redirect_uri: redirectUri({ port }),
      code_challenge_method: 'S256',
      code_challenge: expect.any(String),
      nonce: expect.any(String),
      state: expect.any(String),
    });

    const back = await browse(browser, authorization.toString(), who);
    expect(back.location).toMatch(new RegExp(`^${redirectUri({ port })}\\?`));
    const signedIn = await browser.get(back.location!);
    expect([signedIn.status, signedIn.location, signedIn.status === 302 ? '' : apache.log()]).toEqual([302, protectedPage, '']);
    const page = await browser.get(protectedPage);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Microdata');
    const sub = /<p id="user">([^<]*)<\/p>/.exec(page.html)?.[1];
    expect(sub).toMatch(/^[\w-]{43}$/);
    expect(sub).not.toContain(who.id);
    expect(/<p id="acr">([^<]*)<\/p>/.exec(page.html)?.[1]).toBe('http://eidas.europa.eu/LoA/substantial');

    const logout = await browser.get(`${redirectUri({ port })}?logout=${encodeURIComponent(loggedOutUrl({ port }))}`);
    expect(logout.location).toMatch(new RegExp(`^${idp.issuer}/session/end\\?`));
    const confirm = await browser.follow(logout.location!);
    const ended = await browser.submit(confirm, '/session/end/confirm', { logout: 'yes' });
    expect(ended.location).toBe(loggedOutUrl({ port }));
    expect((await browser.get(ended.location!)).status).toBe(200);

    const again = await browser.get(protectedPage);
    expect(again.status).toBe(302);
    expect(landedOn(await browser.follow(again.location!))).toBe('login-form');
  }, 60_000);
});
