import { basic, expectStatus, form, FORM, type HttpClient } from '../http.ts';
import type { MintedTokens } from '../fixture.ts';

export const TOKEN_SCENARIOS = ['client_credentials', 'refresh', 'introspection', 'userinfo', 'revocation', 'discovery', 'jwks'] as const;
export type TokenScenario = (typeof TOKEN_SCENARIOS)[number];

const SERVICE = { ...FORM, authorization: basic('service', 'service-secret') };
const PORTAL = { ...FORM, authorization: basic('portal', 'portal-secret') };

/**
 * The token-endpoint scenarios, identical against our service and the plain
 * baseline. `tokens` holds at least one refresh and access token per virtual
 * user: each user chains its own refresh tokens (every answer's new refresh
 * token is the next request's), since a rotated token cannot be used twice.
 * Revocation uses up one of `tokens.revocable` per request (with its grant).
 */
export function tokenScenarios(http: HttpClient, tokens: MintedTokens): Record<TokenScenario, (vu: number) => Promise<void>> {
  const chains = [...tokens.refresh];
  const revocable = [...tokens.revocable];
  return {
    async client_credentials() {
      const res = expectStatus(await http.send('POST', '/token', SERVICE, 'grant_type=client_credentials'), 200, 'client_credentials');
      if (!res.body.includes('"access_token"')) throw new Error(`no access token: ${res.body}`);
    },
    async refresh(vu) {
      const res = await http.send('POST', '/token', PORTAL, form({ grant_type: 'refresh_token', refresh_token: chains[vu]! }));
      const body = JSON.parse(expectStatus(res, 200, 'refresh').body) as { refresh_token?: string; id_token?: string };
      if (!body.refresh_token || !body.id_token) throw new Error(`refresh answered without a new refresh or ID token: ${res.body}`);
      chains[vu] = body.refresh_token;
    },
    async introspection(vu) {
      const res = expectStatus(await http.send('POST', '/token/introspection', PORTAL, form({ token: tokens.access[vu]! })), 200, 'introspection');
      if (!res.body.includes('"active":true')) throw new Error(`token not active: ${res.body}`);
    },
    async userinfo(vu) {
      expectStatus(await http.send('GET', '/me', { authorization: `Bearer ${tokens.access[vu]!}` }), 200, 'userinfo');
    },
    async revocation() {
      const token = revocable.pop();
      if (!token) throw new Error('every minted token is revoked: mint more for revocation');
      expectStatus(await http.send('POST', '/token/revocation', PORTAL, form({ token, token_type_hint: 'access_token' })), 200, 'revocation');
    },
    async discovery() {
      expectStatus(await http.send('GET', '/.well-known/openid-configuration'), 200, 'discovery');
    },
    async jwks() {
      expectStatus(await http.send('GET', '/jwks'), 200, 'jwks');
    },
  };
}

/**
 * Tokens to mint for one revocation run: its measured seconds and warm-up at
 * 3 times the rate the same server answered introspection at, or at 2,000/s
 * without one. A revocation finds the token the same way, then deletes it, but
 * skips what introspection adds (the account's re-check): on SQLite it ran
 * past 1.5 times, once a right client secret stopped taking a point.
 */
export function revocationBudget(introspection: { throughput: number } | undefined, o: { durationS: number; warmupS: number }): number {
  return Math.ceil((introspection?.throughput ?? 2000) * 3 * (o.durationS + o.warmupS)) + 100;
}

/** After a revocation run: the first token revoked is no longer active, so the run measured revocations, not no-ops. */
export async function revokedCheck(http: HttpClient, tokens: MintedTokens): Promise<void> {
  const res = expectStatus(
    await http.send('POST', '/token/introspection', PORTAL, form({ token: tokens.revocable.at(-1)! })),
    200,
    'introspection of a revoked token',
  );
  if (!res.body.includes('"active":false')) throw new Error(`a revoked token is still active: ${res.body}`);
}
