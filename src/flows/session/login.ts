import { createHash } from 'node:crypto';
import type { Services } from '../../services.ts';
import type { Ctx } from '../../request-state.ts';
import { render } from '../../web/render.ts';
import { randomToken } from '../../security/random-token.ts';
import { ACCOUNT_CLIENT_ID, accountClient } from '../../oidc/clients.ts';

type SessionLoginDeps = Pick<Services, 'config'>;

/**
 * Sign-in for My account and the console: an ordinary authorization request of
 * our own client, so the provider runs the same policy (password, second factor)
 * and leaves its session behind. That session is what both read; the code is never
 * redeemed (it expires in a minute), so the PKCE verifier is not kept either —
 * the provider requires PKCE of every client, and the NL GOV profile a nonce.
 */
export function sessionLogin(s: SessionLoginDeps, area: 'account' | 'admin' = 'account') {
  const redirectUri = accountClient(s.config.issuer).redirect_uris!.find((uri) => uri.endsWith(`/${area}/callback`))!;
  return {
    login(ctx: Ctx) {
      const challenge = createHash('sha256').update(randomToken()).digest('base64url');
      const params = new URLSearchParams({
        client_id: ACCOUNT_CLIENT_ID,
        redirect_uri: redirectUri,
        response_type: 'code',
        scope: 'openid',
        code_challenge: challenge,
        code_challenge_method: 'S256',
        state: randomToken(),
        nonce: randomToken(),
        ui_locales: ctx.state.locale,
      });
      ctx.redirect(`${s.config.issuer}/auth?${params}`);
    },

    async callback(ctx: Ctx) {
      // The user cancelled or the provider refused: no loop back into the sign-in.
      if (ctx.query.error)
        return render(
          ctx,
          'message',
          { title: `${area}.title`, message: 'account.sign_in_failed', okUrl: `/${area}/login`, okLabel: 'account.try_again' },
          400,
        );
      ctx.redirect(`/${area}`);
    },
  };
}
