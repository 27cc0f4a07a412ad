import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm } from '../../web/form.ts';
import { addFactor } from '../../accounts/operations/factors.ts';
import { registrationOptions, verifyRegistration } from '../../mfa/passkey/webauthn.ts';
import type { AccountSession } from '../../mfa/reauth.ts';
import { accountOf } from '../session/guards.ts';
import { showAccount } from './account-page.ts';
import { accountChanged } from '../../mail/account-changed.ts';
import { removeFactorAction } from './remove-factor.ts';
import { sendJson as json } from '../../web/json.ts';
import { PASSKEY_RESPONSE } from '../../mfa/passkey/response-schema.ts';

type PasskeysDeps = Pick<Services, 'store' | 'accounts' | 'config' | 'audit' | 'mailer' | 'background'>;

/** Another passkey, or one fewer. Registration challenges are bound to this session. */
export function passkeys(s: PasskeysDeps) {
  const boundTo = (a: AccountSession) => `account:${a.session.uid}`;

  return {
    /** Fetched by public/passkey.js; its guards answer in JSON. */
    async options(ctx: Context) {
      const a = accountOf(ctx);
      json(ctx, await registrationOptions(s, boundTo(a), a.account));
    },

    async add(ctx: Context) {
      const a = accountOf(ctx);
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const passkey = form.ok ? await verifyRegistration(s, boundTo(a), form.values.response, ctx.state.t('passkey.default_name')) : undefined;
      if (!passkey) return showAccount(ctx, s, a, { form: 'passkey.failed' }, 400);
      await addFactor(s, { via: 'self' }, a.account.id, { passkey }, false);
      accountChanged(s, a.account, 'passkey_added');
      await render(ctx, 'message', { title: 'account.title', message: 'account.passkey.done', okUrl: '/account' });
    },

    remove: removeFactorAction(s, 'passkeys'),
  };
}
