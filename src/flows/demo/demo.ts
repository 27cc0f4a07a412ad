import { createHash } from 'node:crypto';
import type { Context } from 'koa';
import { decodeJwt } from 'jose';
import type { Services } from '../../services.ts';
import { demoClient } from '../../oidc/clients.ts';
import { render } from '../../web/render.ts';

/** A fixed PKCE verifier for the demo client only; the start-up banner's authorization URL carries its challenge. */
const DEMO_VERIFIER = 'demo-app-pkce-verifier-for-development-only-0123456789';
export const DEMO_CHALLENGE = createHash('sha256').update(DEMO_VERIFIER).digest('base64url');

type DemoDeps = Pick<Services, 'config'>;

/**
 * Development only: the demo client's redirect URI. It plays the application,
 * exchanging the code at our own token endpoint, and shows the ID token's claims.
 */
export function demoFlow(s: DemoDeps) {
  const client = demoClient(s.config.issuer);
  return {
    async callback(ctx: Context) {
      const code = typeof ctx.query.code === 'string' ? ctx.query.code : undefined;
      if (!code)
        return render(
          ctx,
          'demo/demo',
          { title: 'home.title', error: String(ctx.query.error_description ?? ctx.query.error ?? 'no code'), claims: undefined },
          400,
        );
      const response = await fetch(`${s.config.issuer}/token`, {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${client.client_id}:${client.client_secret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: client.redirect_uris![0]!, code_verifier: DEMO_VERIFIER }),
      });
      const tokens = (await response.json()) as { id_token?: string; error_description?: string };
      if (!tokens.id_token) return render(ctx, 'demo/demo', { title: 'home.title', error: tokens.error_description ?? 'no ID token', claims: undefined }, 400);
      await render(ctx, 'demo/demo', { title: 'home.title', error: undefined, claims: decodeJwt(tokens.id_token) });
    },
  };
}
