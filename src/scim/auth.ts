import type { Context, Middleware } from 'koa';
import type { Services } from '../services.ts';
import { ERROR_SCHEMA } from './schema.ts';
import { sendScim } from './errors.ts';

const SCIM_SCOPE = 'scim';
const BEARER = /^Bearer ([A-Za-z0-9\-._~+/]{1,2048}=*)$/i;

const scopes = (value: unknown) => (typeof value === 'string' ? value.split(' ') : []);

type ScimTokenDeps = Pick<Services, 'audit' | 'provider'>;

/**
 * Only a token our provider issued by client_credentials, to a client whose
 * registration lists the scim scope and which asked for it. A user's access
 * token is not a client credentials token, so it never gets here.
 * 401 (with WWW-Authenticate, RFC 6750) without a valid token, 403 without the
 * scope (a user's valid access token included).
 */
export function requireScimToken(s: ScimTokenDeps): Middleware {
  const refuse = (ctx: Context, status: 401 | 403, error: string | undefined, reason: string, clientId?: string) => {
    s.audit('scim.access_refused', { reason, clientId, ip: ctx.ip });
    const params = [`realm="scim"`, ...(error ? [`error="${error}"`] : []), ...(status === 403 ? [`scope="${SCIM_SCOPE}"`] : [])];
    ctx.set('WWW-Authenticate', `Bearer ${params.join(', ')}`);
    sendScim(ctx, status, { schemas: [ERROR_SCHEMA], status: String(status), detail: reason });
  };

  return async (ctx, next) => {
    const match = BEARER.exec(ctx.get('authorization'));
    if (!match) return refuse(ctx, 401, undefined, 'a bearer token is required');
    const token = await s.provider.ClientCredentials.find(match[1]!);
    if (!token?.clientId || token.isExpired) {
      // A user's access token is a valid token that never grants scim (RFC 6750 §3.1: insufficient_scope).
      const userToken = await s.provider.AccessToken.find(match[1]!);
      if (userToken?.isValid) return refuse(ctx, 403, 'insufficient_scope', "a user's access token does not grant the scim scope", userToken.clientId);
      return refuse(ctx, 401, 'invalid_token', 'the token is not valid');
    }
    const client = await s.provider.Client.find(token.clientId);
    if (!client) return refuse(ctx, 401, 'invalid_token', 'the token is not valid', token.clientId);
    if (!scopes(client.scope).includes(SCIM_SCOPE) || !scopes(token.scope).includes(SCIM_SCOPE)) {
      return refuse(ctx, 403, 'insufficient_scope', 'the token does not grant the scim scope', token.clientId);
    }
    ctx.state.scimClient = token.clientId;
    await next();
  };
}
