import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider, { type ClientMetadata, type KoaContextWithOIDC } from 'oidc-provider';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/**
 * An institution's OpenID provider that no one here wrote: plain node-oidc-provider
 * in the test process, on a loopback host of its own (127.0.0.2, so that browsers
 * keep its cookies apart from the service's, as they would SURFconext's), with its
 * own users, each signing in with its own password on its own login page. It
 * registers the service as a confidential client, as SURF would.
 *
 * What a test may do to it (`tamper`) is what a network or a misbehaving provider
 * could: hold a response, change the token response, serve other keys, or stop.
 */
export interface UpstreamUser {
  password: string;
  /** The claims it releases; `sub` is its identifier. */
  claims: { sub: string; [claim: string]: unknown };
  /** What the provider says of the login itself (a test that shows they never count). */
  acr?: string;
  amr?: string[];
}

export interface TestUpstream {
  issuer: string;
  /** The signing key the provider uses (a test signs a token for another audience with it). */
  signingKey: JWK;
  /** The ID tokens its token endpoint answered with, latest last. */
  idTokens: string[];
  tamper: {
    /** Rewrites the token endpoint's JSON answer. */
    tokenResponse?: (body: Record<string, unknown>) => Promise<Record<string, unknown>> | Record<string, unknown>;
    /** Serves this JWKS instead of the provider's own. */
    jwks?: { keys: JWK[] };
    /** Holds requests whose path ends so until the promise settles. */
    hold?: { path: string; until: Promise<void> };
  };
  /** Users may be added while it runs (several providers may share one map). */
  users: Map<string, UpstreamUser>;
  /** Registers the service (its redirect URIs, known once it listens; with `jwksUri`, for private_key_jwt) and opens for requests. */
  register(redirectUris: string[], jwksUri?: string): void;
  close(): Promise<void>;
}

const UPSTREAM_CLIENT = { id: 'cbs-idp', secret: 'upstream client secret for the tests, 32+ chars' };
/** The claims a SURFconext login releases to the service, as this stand-in names them. */
const INSTITUTION_CLAIMS = ['schac_home_organization', 'eduperson_principal_name', 'email'];

const readForm = async (req: IncomingMessage) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString());
};

/** node-oidc-provider warns that its in-memory store is for development: for a stand-in that lives as long as a test, that is what is wanted. */
function quietly<T>(make: () => T): T {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (!String(args[0]).includes('in-memory adapter')) warn(...args);
  };
  try {
    return make();
  } finally {
    console.warn = warn;
  }
}

const htmlEscape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Its login page: username, password, Log in, and Cancel (which answers access_denied). */
const loginPage = (issuer: string, uid: string, error = '') => `<!doctype html><html lang="en"><head><title>University login</title></head><body><main>
<h1>University login</h1>${error ? `<p role="alert">${htmlEscape(error)}</p>` : ''}
<form method="post" action="${issuer}/login/${uid}"><label for="username">Username</label><input id="username" name="username" autocomplete="username">
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password">
<button type="submit" name="action" value="login">Log in</button><button type="submit" name="action" value="cancel">Cancel</button></form></main></body></html>`;

export async function startUpstream(options: { users?: Record<string, UpstreamUser> | Map<string, UpstreamUser> } = {}): Promise<TestUpstream> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.2', resolve));
  const issuer = `http://127.0.0.2:${(server.address() as AddressInfo).port}`;
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  const signingKey = { ...(await exportJWK(privateKey)), kid: 'upstream-key-1', alg: 'RS256', use: 'sig' };
  const users = options.users instanceof Map ? options.users : new Map(Object.entries(options.users ?? {}));
  const tamper: TestUpstream['tamper'] = {};
  const idTokens: string[] = [];
  const register = (redirectUris: string[], jwksUri?: string) => {
    const auth = jwksUri
      ? { token_endpoint_auth_method: 'private_key_jwt', jwks_uri: jwksUri }
      : { token_endpoint_auth_method: 'client_secret_basic', client_secret: UPSTREAM_CLIENT.secret };
    const clients: ClientMetadata[] = [{ client_id: UPSTREAM_CLIENT.id, redirect_uris: redirectUris, ...auth } as ClientMetadata];
    const provider = quietly(
      () =>
        new Provider(issuer, {
          clients,
          jwks: { keys: [signingKey] },
          cookies: { keys: ['upstream cookie key for the tests only'] },
          claims: { openid: ['sub', ...INSTITUTION_CLAIMS], acr: null, amr: null, auth_time: null, sid: null },
          features: { devInteractions: { enabled: false }, claimsParameter: { enabled: true } },
          interactions: { url: (_ctx, interaction) => `/login/${interaction.uid}` },
          ttl: { Interaction: 600, Session: 3600, Grant: 3600, AuthorizationCode: 60, AccessToken: 600, IdToken: 600 },
          async findAccount(_ctx, sub) {
            const user = [...users.values()].find((u) => u.claims.sub === sub);
            return user && { accountId: sub, claims: () => user.claims };
          },
          // The service is a registered relying party: no consent screen, the grant covers what it asks.
          async loadExistingGrant(ctx: KoaContextWithOIDC) {
            const { oidc } = ctx;
            const grant = new oidc.provider.Grant({ clientId: oidc.client!.clientId, accountId: oidc.session!.accountId! });
            grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
            grant.addOIDCClaims([...oidc.requestParamClaims]);
            await grant.save();
            return grant;
          },
        }),
    );

    provider.use(async (ctx, next) => {
      const hold = tamper.hold;
      if (hold && ctx.path.endsWith(hold.path)) await hold.until.catch(() => {});
      const login = /^\/login\/([\w-]+)$/.exec(ctx.path);
      if (login) {
        const details = await provider.interactionDetails(ctx.req, ctx.res);
        if (ctx.method === 'GET') {
          ctx.type = 'html';
          ctx.body = loginPage(issuer, details.uid);
          return;
        }
        const form = await readForm(ctx.req);
        const user = users.get(form.get('username') ?? '');
        const cancelled = form.get('action') === 'cancel';
        if (!cancelled && (!user || user.password !== form.get('password'))) {
          ctx.type = 'html';
          ctx.body = loginPage(issuer, details.uid, 'Wrong username or password');
          return;
        }
        const result =
          cancelled || !user
            ? { error: 'access_denied', error_description: 'the user cancelled' }
            : { login: { accountId: user.claims.sub, acr: user.acr, amr: user.amr } };
        ctx.status = 303;
        return ctx.redirect(await provider.interactionResult(ctx.req, ctx.res, result, { mergeWithLastSubmission: false }));
      }
      if (tamper.jwks && ctx.path === '/jwks') {
        ctx.type = 'application/jwk-set+json';
        ctx.body = tamper.jwks;
        return;
      }
      await next();
      if (ctx.path === '/token' && ctx.status === 200 && ctx.body && typeof ctx.body === 'object') {
        const body = ctx.body as Record<string, unknown>;
        if (typeof body.id_token === 'string') idTokens.push(body.id_token);
        if (tamper.tokenResponse) ctx.body = await tamper.tokenResponse(body);
      }
    });
    server.on('request', provider.callback());
  };

  return {
    issuer,
    signingKey,
    idTokens,
    tamper,
    users,
    register,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** UPSTREAM_PROVIDERS_FILE's entry for a test provider, as an operator would write it for SURFconext. */
export function upstreamEntry(issuer: string, fields: Record<string, unknown> = {}) {
  return {
    id: 'uni',
    issuer,
    client_id: UPSTREAM_CLIENT.id,
    client_secret: UPSTREAM_CLIENT.secret,
    scopes: ['openid'],
    display_name: { nl: 'SURFconext', en: 'SURFconext' },
    identifier_claim: 'sub',
    label_claims: ['schac_home_organization', 'eduperson_principal_name'],
    timeout_seconds: 2,
    ...fields,
  };
}

/** The ID token again, with some claims changed, signed with `key` (the provider's own, or one it never published). */
export async function reSigned(idToken: string, key: JWK, claims: Record<string, unknown>): Promise<string> {
  const payload = { ...(JSON.parse(Buffer.from(idToken.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>), ...claims };
  return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', kid: key.kid }).sign(await importJWK(key, 'RS256'));
}

/** A key the provider never published, under the provider's own key id or another. */
export async function foreignKey(kid: string): Promise<JWK> {
  const { privateKey } = await generateKeyPair('RS256', { extractable: true });
  return { ...(await exportJWK(privateKey)), kid, alg: 'RS256' };
}
