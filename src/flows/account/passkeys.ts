import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { render } from '../../web/render.ts';
import { readForm } from '../../web/form.ts';
import { updateAccount } from '../../accounts/update.ts';
import { registrationOptions, verifyRegistration } from '../../mfa/passkey/webauthn.ts';
import type { AccountSession } from './account-session.ts';
import type { accountGuards } from './guards.ts';
import { isReauthenticated } from './reauth.ts';
import { accountSession } from './account-session.ts';
import { showAccount } from './account-page.ts';
import { accountChanged } from './notify.ts';
import { removeFactorAction } from './remove-factor.ts';
import { sendJson as json } from '../../web/json.ts';
import { PASSKEY_RESPONSE } from '../second-factor/passkey-step.ts';

/** Another passkey, or one fewer. Registration challenges are bound to this session. */
export function passkeys(s: Services, guards: ReturnType<typeof accountGuards>) {
  const boundTo = (a: AccountSession) => `account:${a.session.uid}`;

  return {
    /** Fetched by public/passkey.js: refused as JSON (it cannot follow a page) when the change is not allowed. */
    async options(ctx: Context) {
      const a = await accountSession(ctx, s);
      if (!a) return json(ctx, { error: 'not signed in' }, 401);
      if (!(await isReauthenticated(s, a.session))) return json(ctx, { error: 'confirm it is you first' }, 403);
      json(ctx, await registrationOptions(s, boundTo(a), a.account));
    },

    async add(ctx: Context) {
      const a = await guards.reauthenticated(ctx);
      if (!a) return;
      const form = readForm(ctx, PASSKEY_RESPONSE);
      const passkey = form.ok ? await verifyRegistration(s, boundTo(a), form.values.response, ctx.state.t('passkey.default_name')) : undefined;
      if (!passkey) return showAccount(ctx, s, a, { form: 'passkey.failed' }, 400);
      await updateAccount(s.accounts, a.account.id, (acc) => {
        if (!acc.passkeys.some((p) => p.id === passkey.id)) acc.passkeys.push(passkey);
      });
      accountChanged(s, a.account, 'passkey_added', { factor: passkey.kind });
      await render(ctx, 'message', { title: 'account.title', message: 'account.passkey.done', okUrl: '/account' });
    },

    remove: removeFactorAction(s, guards, 'passkeys'),
  };
}
