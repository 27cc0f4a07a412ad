import { execFileSync } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as oidc from 'openid-client';
import { createRemoteJWKSet, exportJWK, generateKeyPair, jwtVerify, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import type { ClientMetadata } from 'oidc-provider';
import type { Store } from '../../../adapters/types.ts';
import { openStore } from '../../../adapters/index.ts';
import { redisSettingsFrom } from '../../../src/redis-config.ts';
import { generateJwks } from '../../../src/oidc/keys.ts';
import { createSecretBox, type SecretBox } from '../../../src/security/secret-box.ts';
import { Browser, type Page } from '../../support/browser.ts';
import { expectAt, landedOn, login, totpCode, PASSWORD } from '../../support/journey.ts';
import { seedStoredAccount } from '../../support/seed.ts';
import { dropKeys, REDIS_URL } from '../../support/redis-keys.ts';
import { freePort, spawnIdp, type SpawnedIdp } from '../../support/spawned-idp.ts';

/**
 * The conformance suite's scaffolding: the service as an operator runs it
 * (`node src/main.ts`, OIDC_PROFILE=nlgov, a CLIENTS_FILE of profile clients,
 * on Redis), and an independent relying party — openid-client with
 * private_key_jwt, jose for what openid-client does not make — that signs in
 * through the real screens (password, then an authenticator code).
 *
 * The service runs in a process of its own rather than in Jest's: there its
 * structuredClone and fetch are Node's own (Jest's sandbox hands the provider
 * objects of another realm, which it takes for invalid client key sets), and
 * an operator's NODE_EXTRA_CA_CERTS applies as in production.
 */
export const CALLBACK = 'http://127.0.0.1:9/callback';

export interface ClientKey {
  privateKey: CryptoKey;
  jwk: JWK;
}

export async function clientKey(
  alg: 'PS256' | 'RS256' | 'ES256' = 'PS256',
  kid = `${alg.toLowerCase()}-${randomBytes(4).toString('hex')}`,
): Promise<ClientKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg, { extractable: true });
  return { privateKey, jwk: { ...(await exportJWK(publicKey)), alg, use: 'sig', kid } };
}

/** A key pair for each of these clients (every client has one of its own: NL GOV OAuth 2.1.1). */
export async function keysFor<Id extends string>(...ids: Id[]): Promise<Record<Id, ClientKey>> {
  const keys = {} as Record<Id, ClientKey>;
  for (const id of ids) keys[id] = await clientKey('PS256', `${id}-key`);
  return keys;
}

/** A confidential client of the profile: private_key_jwt with its public key registered inline. */
export const confidential = (id: string, key: ClientKey, metadata: Partial<ClientMetadata> = {}): ClientMetadata => ({
  client_id: id,
  redirect_uris: [CALLBACK],
  post_logout_redirect_uris: [CALLBACK],
  grant_types: ['authorization_code', 'refresh_token'],
  jwks: { keys: [key.jwk] },
  first_party: true,
  ...metadata,
});

export interface NlgovIdp {
  issuer: string;
  service: SpawnedIdp;
  /** The provider's published keys, as a relying party fetches them. */
  jwks: ReturnType<typeof createRemoteJWKSet>;
  /** The service's store and secrets box, to seed accounts the way a user's steps make them. */
  store: Store;
  secrets: SecretBox;
  dir: string;
  env: Record<string, string>;
  /** Stops the service and starts it again, on the same port, store and settings, with these changed. */
  restart(changes?: Record<string, string>): Promise<void>;
  close(): Promise<void>;
}

/** The service on a loopback port in the NL GOV profile, with these registrations. */
/**
 * `host`: localhost for passkey tests (a WebAuthn relying-party ID is a domain,
 * never an IP address). `scheme` https: the ISSUER a TLS-terminating proxy
 * serves; the service itself still answers plain HTTP on the port (`service.url`).
 */
export async function startNlgovIdp(
  clients: ClientMetadata[],
  env: Record<string, string> = {},
  processEnv: Record<string, string> = {},
  host: '127.0.0.1' | 'localhost' = '127.0.0.1',
  scheme: 'http' | 'https' = 'http',
): Promise<NlgovIdp> {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-nlgov-'));
  const port = await freePort();
  const issuer = `${scheme}://${host}:${port}`;
  const prefix = `nlgov:${randomBytes(6).toString('hex')}:`;
  const secretsKey = randomBytes(32).toString('hex');
  writeFileSync(join(dir, 'clients.json'), JSON.stringify(clients));
  writeFileSync(join(dir, 'jwks.json'), JSON.stringify(await generateJwks('nlgov')));
  const settings: Record<string, string> = {
    OIDC_PROFILE: 'nlgov',
    ISSUER: issuer,
    PORT: String(port),
    REDIS_URL,
    REDIS_PREFIX: prefix,
    DATA_DIR: dir,
    CLIENTS_FILE: join(dir, 'clients.json'),
    JWKS_FILE: join(dir, 'jwks.json'),
    SECRETS_KEY: secretsKey,
    COOKIE_KEYS: randomBytes(24).toString('hex'),
    PAIRWISE_SALT: randomBytes(32).toString('hex'),
    LOG_LEVEL: 'warn',
    ...env,
  };
  const store = await openStore({ redis: redisSettingsFrom({ REDIS_URL, REDIS_WAIT_REPLICAS: 0 }).settings, redisPrefix: prefix, dataDir: dir });
  const idp: NlgovIdp = {
    issuer,
    service: await spawnIdp({ ...processEnv, ...settings }),
    jwks: createRemoteJWKSet(new URL(`${issuer}/jwks`)),
    store,
    secrets: createSecretBox(Buffer.from(secretsKey, 'hex')),
    dir,
    env: settings,
    async restart(changes = {}) {
      await idp.service.stop();
      Object.assign(settings, changes);
      idp.service = await spawnIdp({ ...processEnv, ...settings });
      idp.jwks = createRemoteJWKSet(new URL(`${issuer}/jwks`));
    },
    async close() {
      await idp.service.stop();
      await store.close();
      await dropKeys(prefix);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return idp;
}

/** The relying party: openid-client, configured from discovery, authenticating with its private key. */
export interface RelyingParty {
  id: string;
  config: oidc.Configuration;
  redirectUri: string;
}

export async function relyingParty(
  idp: Pick<NlgovIdp, 'issuer'>,
  id: string,
  key?: ClientKey,
  metadata: Partial<oidc.ClientMetadata> = {},
  redirectUri = CALLBACK,
): Promise<RelyingParty> {
  const auth = key ? oidc.PrivateKeyJwt({ key: key.privateKey, kid: key.jwk.kid }) : oidc.None();
  const config = await oidc.discovery(new URL(idp.issuer), id, metadata, auth, { execute: [oidc.allowInsecureRequests] });
  return { id, config, redirectUri };
}

/** What the relying party keeps while the user is away: PKCE verifier, nonce and state. */
export interface Request {
  url: string;
  verifier: string;
  nonce: string;
  state: string;
}

export async function authorizationRequest(rp: RelyingParty, params: Record<string, string> = {}, verifier = oidc.randomPKCECodeVerifier()): Promise<Request> {
  const nonce = oidc.randomNonce();
  const state = oidc.randomState();
  const url = oidc
    .buildAuthorizationUrl(rp.config, {
      redirect_uri: rp.redirectUri,
      scope: 'openid',
      code_challenge: await oidc.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
      nonce,
      state,
      ...params,
    })
    .toString();
  return { url, verifier, nonce, state };
}

/** An account that has set its password and enrolled an authenticator app (the same operations a user's steps run). */
export async function researcher(idp: NlgovIdp, email: string): Promise<{ email: string; secret: string; id: string }> {
  const { id, secret } = await seedStoredAccount(idp.store, idp.secrets, email, PASSWORD, { totp: true });
  return { email, secret, id };
}

/**
 * The browser's part: from the authorization URL through the sign-in (password,
 * then the authenticator code; nothing when the browser is signed in already)
 * to the redirect back to the application. Returns the page that leaves our
 * origin (its `location` is the callback) or the page the sign-in stopped at.
 */
export async function browse(browser: Browser, url: string, who?: { email: string; secret: string }, codeStep = 0): Promise<Page> {
  let page = await browser.follow(url);
  if (landedOn(page) === 'login-form') {
    if (!who) throw new Error('a sign-in is needed, but no account was given');
    const codePage = expectAt(await login(browser, page, who.email, PASSWORD), 'code-page');
    const done = await browser.submit(codePage, '/verify/totp', { code: await totpCode(who.secret, codeStep) });
    page = done.location && new URL(done.location).origin === new URL(url).origin ? await browser.follow(done.location) : done;
  }
  return page;
}

/** The whole sign-in and the code exchange, with every check openid-client makes (state, nonce, PKCE). */
export async function signIn(
  rp: RelyingParty,
  who: { email: string; secret: string },
  o: { params?: Record<string, string>; browser?: Browser; tokenParams?: Record<string, string>; codeStep?: number } = {},
) {
  const browser = o.browser ?? new Browser(new URL(rp.config.serverMetadata().issuer).origin);
  const request = await authorizationRequest(rp, o.params);
  const back = await browse(browser, request.url, who, o.codeStep);
  if (!back.location?.startsWith(rp.redirectUri))
    throw new Error(`the sign-in did not return to the application: ${back.status} ${back.location ?? back.html.slice(0, 300)}`);
  const tokens = await oidc.authorizationCodeGrant(
    rp.config,
    new URL(back.location),
    { pkceCodeVerifier: request.verifier, expectedNonce: request.nonce, expectedState: request.state },
    o.tokenParams,
  );
  return { tokens, browser, request };
}

/** An ID token (or any JWT of the provider's) verified against /jwks, as a relying party must. */
export async function verified(idp: NlgovIdp, jwt: string, audience: string): Promise<{ payload: JWTPayload; alg: string; typ?: string }> {
  const { payload, protectedHeader } = await jwtVerify(jwt, idp.jwks, { issuer: idp.issuer, audience, algorithms: ['PS256', 'RS256'] });
  return { payload, alg: protectedHeader.alg, typ: protectedHeader.typ };
}

/** The OAuth error of an answer that sends the browser back to the application (in the query, or the fragment for implicit response types). */
export function errorSentBack(page: Page): string | null {
  if (!page.location) return null;
  const url = new URL(page.location);
  return url.searchParams.get('error') ?? new URLSearchParams(url.hash.slice(1)).get('error');
}

/** A plain HTTP server on loopback for what an application hosts (its jwks_uri). */
export async function serve(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/**
 * An https server on loopback (what an application hosts: its sector identifier
 * document), with a certificate made for this test only; `caFile` is what the
 * service's NODE_EXTRA_CA_CERTS names, as an operator would for an internal CA.
 */
export async function serveHttps(handler: Parameters<typeof createServer>[1]): Promise<{ url: string; caFile: string; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-tls-'));
  const [key, cert] = [join(dir, 'key.pem'), join(dir, 'cert.pem')];
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-days',
      '1',
      '-subj',
      '/CN=127.0.0.1',
      '-addext',
      'subjectAltName=IP:127.0.0.1',
    ],
    { stdio: 'ignore' },
  );
  const server = createHttpsServer({ key: readFileSync(key), cert: readFileSync(cert) }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    caFile: cert,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          rmSync(dir, { recursive: true, force: true });
          resolve();
        });
      }),
  };
}
