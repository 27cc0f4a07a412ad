import type Provider from 'oidc-provider';
import type { Services } from '../services.ts';
import { recordSignOut } from '../accounts/operations/sessions.ts';

/**
 * Every "Log out" at the provider (RP-initiated logout) goes into the
 * account's history: which application asked, and whether the holder left
 * every application or only that one. Recorded after the answer; the provider
 * has ended the session by then.
 */
export function recordSignOuts(provider: Provider, s: Pick<Services, 'audit' | 'background'>): void {
  provider.on('end_session.success', (ctx: { oidc: { session?: { accountId?: string }; client?: { clientId: string }; params?: { logout?: unknown } } }) => {
    const accountId = ctx.oidc.session?.accountId;
    if (!accountId) return;
    const signOut = { clientId: ctx.oidc.client?.clientId, everywhere: !!ctx.oidc.params?.logout };
    s.background('record sign-out', () => recordSignOut(s, accountId, signOut));
  });
}
