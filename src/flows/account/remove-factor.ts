import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import { removeFactor } from '../../accounts/operations/factors.ts';
import { render } from '../../web/render.ts';
import { readForm } from '../../web/form.ts';
import { accountOf } from '../session/guards.ts';
import { showAccount } from './account-page.ts';
import { accountChanged } from '../../mail/account-changed.ts';

const REMOVED = {
  totp: { change: 'totp_removed', message: 'account.totp.removed' },
  passkeys: { change: 'passkey_removed', message: 'account.passkey.removed' },
} as const;

type RemoveFactorDeps = Pick<Services, 'store' | 'audit' | 'mailer' | 'background' | 'config'>;

/** POST …/remove for an authenticator app or a passkey: re-authenticated, never the last factor, owner told. */
export function removeFactorAction(s: RemoveFactorDeps, kind: 'totp' | 'passkeys') {
  return async (ctx: Context) => {
    const a = accountOf(ctx);
    const form = readForm(ctx, { id: 1024 });
    const { result, account } = form.ok
      ? await removeFactor(s, { via: 'self' }, a.account.id, kind, form.values.id)
      : { result: 'unknown' as const, account: undefined };
    if (result !== 'removed') return showAccount(ctx, s, { ...a, account: account ?? a.account }, { form: `account.remove.${result}` }, 400);
    accountChanged(s, a.account, REMOVED[kind].change);
    await render(ctx, 'message', { title: 'account.title', message: REMOVED[kind].message, okUrl: '/account' });
  };
}
