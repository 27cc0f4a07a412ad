import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { decodeJwt } from 'jose';
import { Browser } from '../../support/browser.ts';
import { finishSignIn, signInUntil, totpCode, PASSWORD } from '../../support/journey.ts';
import { seedAccount } from '../../support/seed.ts';
import { bootIdp } from '../../support/test-idp.ts';
import { generateJwks } from '../../../src/oidc/keys.ts';
import {
  CALLBACK,
  confidential,
  keysFor,
  relyingParty,
  researcher,
  serveHttps,
  signIn,
  startNlgovIdp,
  type ClientKey,
  type NlgovIdp,
  type RelyingParty,
} from './nlgov-idp.ts';

/**
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › Pairwise Identifiers, and
 * OpenID Connect Core §8.1: the sector is the host of the client's redirect
 * URIs, or of its sector_identifier_uri, a document the provider fetches and
 * checks lists every redirect URI of the client.
 */
describe('NL GOV: Pairwise Identifiers', () => {
  let idp: NlgovIdp;
  let sectorDocument: Awaited<ReturnType<typeof serveHttps>>;
  let keys: Record<'portal' | 'portal-b' | 'elsewhere' | 'sector-a' | 'sector-b', ClientKey>;
  let rp: Record<'portal' | 'portalB' | 'elsewhere' | 'sectorA' | 'sectorB', RelyingParty>;
  const OTHER_HOST = 'http://127.0.0.1:10/callback';
  beforeAll(async () => {
    keys = await keysFor('portal', 'portal-b', 'elsewhere', 'sector-a', 'sector-b');
    sectorDocument = await serveHttps((_req, res) => res.setHeader('content-type', 'application/json').end(JSON.stringify([CALLBACK, OTHER_HOST])));
    const sector = { sector_identifier_uri: `${sectorDocument.url}/sector.json` };
    idp = await startNlgovIdp(
      [
        confidential('portal', keys['portal']),
        confidential('portal-b', keys['portal-b'], { redirect_uris: ['http://127.0.0.1:9/b'] }),
        confidential('elsewhere', keys['elsewhere'], { redirect_uris: [OTHER_HOST] }),
        confidential('sector-a', keys['sector-a'], sector),
        confidential('sector-b', keys['sector-b'], { ...sector, redirect_uris: [OTHER_HOST] }),
      ],
      {},
      { NODE_EXTRA_CA_CERTS: sectorDocument.caFile },
    );
    rp = {
      portal: await relyingParty(idp, 'portal', keys['portal']),
      portalB: await relyingParty(idp, 'portal-b', keys['portal-b'], {}, 'http://127.0.0.1:9/b'),
      elsewhere: await relyingParty(idp, 'elsewhere', keys['elsewhere'], {}, OTHER_HOST),
      sectorA: await relyingParty(idp, 'sector-a', keys['sector-a']),
      sectorB: await relyingParty(idp, 'sector-b', keys['sector-b'], {}, OTHER_HOST),
    };
  });
  afterAll(async () => {
    await idp.close();
    await sectorDocument.close();
  });

  /** The `sub` each application gets for the user, from one browser (signed in at the first unless it is already, single sign-on after). */
  async function subjects(who: { email: string; secret: string }, browser: Browser, codeStep = 0): Promise<Record<keyof typeof rp, string>> {
    const subs: Partial<Record<keyof typeof rp, string>> = {};
    for (const name of Object.keys(rp) as (keyof typeof rp)[]) {
      const { tokens } = await signIn(rp[name], who, { browser, codeStep });
      subs[name] = decodeJwt(tokens.id_token!).sub!;
      expect((await oidc.fetchUserInfo(rp[name].config, tokens.access_token, subs[name]!)).sub).toBe(subs[name]);
    }
    return subs as Record<keyof typeof rp, string>;
  }

  test('one sector, one sub; another sector, another sub; a sector_identifier_uri joins two hosts; never the account id', async () => {
    expect(rp.portal.config.serverMetadata().subject_types_supported).toEqual(['pairwise']);
    const who = await researcher(idp, 'pairwise@example.org');
    const subs = await subjects(who, new Browser(idp.issuer));
    expect(subs.portalB).toBe(subs.portal);
    expect(subs.sectorB).toBe(subs.sectorA);
    expect(new Set([subs.portal, subs.elsewhere, subs.sectorA]).size).toBe(3);
    for (const sub of Object.values(subs)) {
      expect(sub).not.toContain(who.id);
      expect(sub).toMatch(/^[\w-]{43}$/);
    }
  });

  test('the sub stays the same at the next sign-in, after a restart and after the signing keys are replaced; a new PAIRWISE_SALT changes it', async () => {
    const who = await researcher(idp, 'pairwise-stable@example.org');
    // The browser's session lives in the store: after each restart it signs in again by single sign-on.
    const browser = new Browser(idp.issuer);
    const first = await subjects(who, browser);
    expect(await subjects(who, new Browser(idp.issuer), 1)).toEqual(first);
    await idp.restart();
    expect(await subjects(who, browser)).toEqual(first);
    const jwksFile = join(idp.dir, 'rotated-jwks.json');
    writeFileSync(jwksFile, JSON.stringify(await generateJwks('nlgov')));
    await idp.restart({ JWKS_FILE: jwksFile });
    expect(await subjects(who, browser)).toEqual(first);
    await idp.restart({ PAIRWISE_SALT: randomBytes(32).toString('hex') });
    const resalted = await subjects(who, browser);
    for (const name of Object.keys(first) as (keyof typeof first)[]) expect(resalted[name]).not.toBe(first[name]);
  }, 60_000);
});

describe('standard profile: public subject identifiers', () => {
  test("without OIDC_PROFILE the sub is the account's public identifier, the same for every client", async () => {
    const idp = await bootIdp();
    try {
      const { id, secret } = await seedAccount(idp, 'public-sub@example.org', PASSWORD, { totp: true });
      const browser = new Browser(idp.issuer);
      const { signIn: started, page } = await signInUntil(idp, browser, 'code-page', { email: 'public-sub@example.org' });
      const done = await browser.submit(page, '/verify/totp', { code: await totpCode(secret) });
      const tokens = await finishSignIn(started, (await browser.follow(done.location!)).location!);
      expect(tokens.claims()!.sub).toBe(id);
      expect((await idp.client()).serverMetadata().subject_types_supported).toEqual(['public']);
    } finally {
      await idp.close();
    }
  });
});
