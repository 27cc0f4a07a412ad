import type { Store } from '../../../adapters/types.ts';
import { nowSeconds } from '../../clock.ts';
import type { Account, SignIn } from '../account.ts';
import { revokeGrants } from '../revoke-grants.ts';
import type { EndSessionsDeps } from '../sessions-ended.ts';
import { accountsOf, updateAccount } from '../update.ts';
import { recordEvent, type Actor } from '../events.ts';

/** The account's later changes compare against this: strictly later than any earlier reset, one second ahead of now. */
const nextReset = (a: Account) => Math.max(nowSeconds() + 1, a.sessionsValidAfter + 1);

/** An ended session's account after the reset, and the applications (client ids) whose grants ended, for the event. */
interface SessionsReset {
  account?: Account;
  ended: { applications?: string[] };
}

/**
 * Ends every session and token of the account: the provider's policy refuses any
 * session whose sign-in predates the reset, and the grants (with their access
 * and refresh tokens) are revoked, and the applications those grants were for
 * are told (back-channel logout). `change` is written with the reset; `keep`
 * names grants of the caller's own session. Records no event: the operation
 * that ends sessions records its own, naming the applications.
 */
export async function resetSessions(s: EndSessionsDeps, id: string, change: (a: Account) => void = () => {}, keep: string[] = []): Promise<SessionsReset> {
  const before = await accountsOf(s.store).findById(id);
  if (!before) return { ended: {} };
  const revoked = (before.grants ?? []).filter((g) => !keep.includes(g.id));
  await revokeGrants(s.store, revoked);
  const account = await updateAccount(accountsOf(s.store), id, (a) => {
    change(a);
    a.sessionsValidAfter = nextReset(a);
    a.grants = (a.grants ?? []).filter((g) => !revoked.some((r) => r.id === g.id));
  });
  s.logout.sessionsEnded(id, revoked);
  const applications = [...new Set(revoked.flatMap((g) => (g.clientId ? [g.clientId] : [])))];
  return { account, ended: applications.length ? { applications } : {} };
}

/** "Sign out everywhere": every session and token of the account ends; `keep` names grants of the caller's own session. */
export async function endSessions(s: EndSessionsDeps, actor: Actor, id: string, keep: string[] = []): Promise<Account | undefined> {
  const { account, ended } = await resetSessions(s, id, undefined, keep);
  if (account) await recordEvent(s, actor, id, 'endSessions', ended);
  return account;
}

/**
 * The holder logged out at the provider ("Log out", asked for by an
 * application: `clientId`): of every application (`everywhere`), or of that
 * one only. The provider ended the session; this records who asked.
 */
export async function recordSignOut(s: Pick<EndSessionsDeps, 'audit'>, id: string, signOut: { clientId?: string; everywhere: boolean }): Promise<void> {
  await recordEvent(s, { via: 'self' }, id, 'recordSignOut', {
    ...(signOut.clientId ? { application: signOut.clientId } : {}),
    everywhere: signOut.everywhere,
  });
}

/** How many sign-ins an account lists (the console's "recent sign-ins"; their addresses are the lock counters' too). */
const SIGN_INS_KEPT = 10;

/** Lists a completed sign-in on the account, newest first; `loaded` is the account as the sign-in read it. */
export async function recordSignIn(s: { store: Store }, id: string, signIn: SignIn, loaded?: Account): Promise<void> {
  await updateAccount(
    accountsOf(s.store),
    id,
    (a) => {
      a.recentSignIns = [signIn, ...a.recentSignIns].slice(0, SIGN_INS_KEPT);
    },
    loaded,
  );
}
