import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { Browser, linkTo } from '../../support/browser.ts';
import { signInUntil, PASSWORD } from '../../support/journey.ts';
import { seedStoredAccount } from '../../support/seed.ts';
import { passkeyCeremony, SoftAuthenticator } from '../../support/soft-authenticator.ts';
import type { TestIdp } from '../../support/test-idp.ts';
import {
  authorizationRequest,
  browse,
  clientKey,
  confidential,
  errorSentBack,
  relyingParty,
  researcher,
  signIn,
  startNlgovIdp,
  type ClientKey,
  type NlgovIdp,
  type RelyingParty,
} from './nlgov-idp.ts';
import { msg } from '../../support/messages.ts';

const LOA = { low: 'http://eidas.europa.eu/LoA/low', substantial: 'http://eidas.europa.eu/LoA/substantial', high: 'http://eidas.europa.eu/LoA/high' };

/**
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › Authentication Context: eIDAS
 * levels of assurance as `acr`, at least the level asked for (acr_values or
 * the `acr` claim in the claims parameter), never `amr`; a level no sign-in
 * here reaches ends with unmet_authentication_requirements (OpenID Connect
 * Core Unmet Authentication Requirements 1.0), never a token at a lower level.
 */
describe('NL GOV: Authentication Context', () => {
  let idp: NlgovIdp;
  let key: ClientKey;
  let portal: RelyingParty;
  beforeAll(async () => {
    key = await clientKey();
    idp = await startNlgovIdp([confidential('portal', key)], {}, {}, 'localhost');
    portal = await relyingParty(idp, 'portal', key);
  });
  afterAll(() => idp.close());

  const acrOf = (tokens: { id_token?: string }) => decodeJwt(tokens.id_token!).acr;
  /** The sign-in points of journey.ts, for a sign-in this suite's application started. */
  const at = (browser: Browser, point: Parameters<typeof signInUntil>[2], email: string, url: string) =>
    signInUntil({} as Pick<TestIdp, 'client'>, browser, point, { email, from: url });

  test('acr_values_supported lists exactly the configured levels: by default eIDAS low, substantial and high', () => {
    expect(portal.config.serverMetadata().acr_values_supported).toEqual([LOA.low, LOA.substantial, LOA.high]);
  });

  test('a sign-in with password and authenticator code is substantial', async () => {
    const { tokens } = await signIn(portal, await researcher(idp, 'code-acr@example.org'));
    expect(acrOf(tokens)).toBe(LOA.substantial);
    expect(decodeJwt(tokens.id_token!)).not.toHaveProperty('amr');
  });

  test('a sign-in with a passkey, after the password or alone, is substantial', async () => {
    const email = 'passkey-acr@example.org';
    await seedStoredAccount(idp.store, idp.secrets, email, PASSWORD);
    const authenticator = new SoftAuthenticator(idp.issuer);
    const browser = new Browser(idp.issuer);
    const first = await authorizationRequest(portal);
    const { page } = await at(browser, 'passkey-enrol', email, first.url);
    const enrolled = await passkeyCeremony(browser, page, '/enrol/passkey', (o) => authenticator.create(o));
    const back = await browser.follow(linkTo(enrolled, msg('common.ok')));
    const withPassword = await oidc.authorizationCodeGrant(portal.config, new URL(back.location!), {
      pkceCodeVerifier: first.verifier,
      expectedNonce: first.nonce,
      expectedState: first.state,
    });
    expect(acrOf(withPassword)).toBe(LOA.substantial);

    const alone = new Browser(idp.issuer);
    const second = await authorizationRequest(portal);
    const { page: loginPage } = await at(alone, 'login-form', email, second.url);
    const signedIn = await passkeyCeremony(alone, loginPage, '/passkey', (o) => authenticator.get(o));
    const passkeyOnly = await oidc.authorizationCodeGrant(portal.config, new URL((await alone.follow(signedIn.location!)).location!), {
      pkceCodeVerifier: second.verifier,
      expectedNonce: second.nonce,
      expectedState: second.state,
    });
    expect(acrOf(passkeyOnly)).toBe(LOA.substantial);
  });

  test('asking for a level no sign-in here reaches (high, or a level that is not ours) ends with unmet_authentication_requirements before any sign-in', async () => {
    const asks: Record<string, string>[] = [
      { acr_values: LOA.high },
      { claims: JSON.stringify({ id_token: { acr: { essential: true, value: LOA.high } } }) },
      { claims: JSON.stringify({ id_token: { acr: { essential: true, values: [LOA.high] } } }) },
      { acr_values: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' },
    ];
    for (const params of asks) {
      const page = await new Browser(idp.issuer).get((await authorizationRequest(portal, params)).url);
      expect([params, errorSentBack(page)]).toEqual([params, 'unmet_authentication_requirements']);
    }
  });

  test('the acr is at least the level asked for: low, or any of substantial and high, give substantial; acr_values win over a vtr, which is ignored (no vot)', async () => {
    const who = await researcher(idp, 'at-least@example.org');
    const browser = new Browser(idp.issuer);
    const withVtr = (await signIn(portal, who, { browser, params: { acr_values: LOA.low, vtr: '["Cl.Cm"]' } })).tokens;
    expect(acrOf(withVtr)).toBe(LOA.substantial);
    expect(decodeJwt(withVtr.id_token!)).not.toHaveProperty('vot');
    expect(acrOf((await signIn(portal, who, { browser, params: { acr_values: `${LOA.substantial} ${LOA.high}` } })).tokens)).toBe(LOA.substantial);
    const essential = JSON.stringify({ id_token: { acr: { essential: true, value: LOA.substantial } } });
    expect(acrOf((await signIn(portal, who, { browser, params: { claims: essential } })).tokens)).toBe(LOA.substantial);
  });

  test("the mapping is the operator's: with NLGOV_ACR_MAP pwd+otp=low a code sign-in is low, and an application asking substantial then gets unmet_authentication_requirements, never a low token", async () => {
    await idp.restart({ NLGOV_ACR_MAP: `pwd+otp=${LOA.low}` });
    const mapped = await relyingParty(idp, 'portal', key);
    const who = await researcher(idp, 'mapped@example.org');
    const browser = new Browser(idp.issuer);
    expect(acrOf((await signIn(mapped, who, { browser })).tokens)).toBe(LOA.low);
    // Signed in already at low: the provider does not hand out a code for substantial.
    const higher = await authorizationRequest(mapped, { acr_values: LOA.substantial });
    expect(errorSentBack(await browse(browser, higher.url))).toBe('unmet_authentication_requirements');
    // A fresh sign-in by code reaches low only: the same answer, after the sign-in.
    const fresh = await authorizationRequest(mapped, { acr_values: LOA.substantial });
    expect(errorSentBack(await browse(new Browser(idp.issuer), fresh.url, who, 1))).toBe('unmet_authentication_requirements');
  }, 60_000);

  test('levels other than eIDAS: acr_values_supported is exactly NLGOV_ACR_VALUES, and the ID token carries the mapped one', async () => {
    const levels = ['urn:example:cbs:loa:one-factor', 'urn:example:cbs:loa:two-factor', 'urn:example:cbs:loa:passkey'];
    const map = `pwd+otp=${levels[1]},pwd+hwk=${levels[2]},pwd+swk=${levels[2]},hwk+user=${levels[2]},swk+user=${levels[2]}`;
    await idp.restart({ NLGOV_ACR_VALUES: levels.join(','), NLGOV_ACR_MAP: map });
    const custom = await relyingParty(idp, 'portal', key);
    expect(custom.config.serverMetadata().acr_values_supported).toEqual(levels);
    const { tokens } = await signIn(custom, await researcher(idp, 'custom-levels@example.org'), { params: { acr_values: levels[0]! } });
    expect(acrOf(tokens)).toBe(levels[1]);
  }, 60_000);
});
