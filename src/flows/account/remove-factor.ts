import type { Context } from 'koa';
import type { Services } from '../../services.ts';
import type { Account } from '../../accounts/account.ts';
import { updateAccount } from '../../accounts/update.ts';
import { render } from '../../web/render.ts';
import { readForm } from '../../web/form.ts';
import type { accountGuards } from './guards.ts';
import { showAccount } from './account-page.ts';
import { accountChanged } from './notify.ts';

export type Removal = 'removed' | 'last' | 'unknown';

/**
 * Removes one authenticator app or passkey, but never the account's last second
 * factor (the next sign-in would otherwise start enrolment with only a password).
 * Decided on the fresh read inside the update, so two parallel removals cannot
 * together take away both of the last two.
 */
export async function removeSecondFactor(s: Services, accountId: string, kind: 'totp' | 'passkeys', id: string): Promise<{ result: Removal; account?: Account }> {
  let result: Removal = 'unknown';
  const account = await updateAccount(s.accounts, accountId, (a) => {
    const known = (a[kind] as { id: string }[]).some((f) => f.id === id);
    result = !known ? 'unknown' : a.totp.length + a.passkeys.length <= 1 ? 'last' : 'removed';
    if (result !== 'removed') return;
    if (kind === 'totp') a.totp = a.totp.filter((f) => f.id !== id);
    else a.passkeys = a.passkeys.filter((f) => f.id !== id);
  });
  return { result, account };
}

const REMOVED = {
  totp: { change: 'totp_removed', factor: 'otp', message: 'account.totp.removed' },
  passkeys: { change: 'passkey_removed', factor: 'passkey', message: 'account.passkey.removed' },
} as const;

/** POST …/remove for an authenticator app or a passkey: re-authenticated, never the last factor, owner told. */
export function removeFactorAction(s: Services, guards: ReturnType<typeof accountGuards>, kind: 'totp' | 'passkeys') {
  return async (ctx: Context) => {
    const a = await guards.reauthenticated(ctx);
    if (!a) return;
    const form = readForm(ctx, { id: 1024 });
    const { result, account } = form.ok ? await removeSecondFactor(s, a.account.id, kind, form.values.id) : { result: 'unknown' as const, account: undefined };
    if (result !== 'removed') return showAccount(ctx, s, { ...a, account: account ?? a.account }, { form: `account.remove.${result}` }, 400);
    accountChanged(s, a.account, REMOVED[kind].change, { factor: REMOVED[kind].factor, factorId: form.values.id });
    await render(ctx, 'message', { title: 'account.title', message: REMOVED[kind].message, okUrl: '/account' });
  };
}
