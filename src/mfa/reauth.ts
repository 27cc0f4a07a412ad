import type Provider from 'oidc-provider';
import type { Services } from '../services.ts';
import type { Account } from '../accounts/account.ts';
import { tokenHash } from '../security/random-token.ts';

type OpSession = Awaited<ReturnType<Provider['Session']['get']>>;
/** Someone signed in through the provider: its session, and the account as it is now. */
export interface AccountSession {
  session: OpSession;
  account: Account;
}

/**
 * "Confirm it's you": a change to an account (My account, the helpdesk console,
 * a passkey added during a sign-in) needs the second factor given again within
 * the last five minutes, in this session. The marker lives in the store (never
 * in a cookie), keyed by the session and bound to its sign-in, so a new sign-in
 * in the same browser starts without one.
 */
const PURPOSE = 'account-reauth';
export const REAUTH_SECONDS = 5 * 60;

const marker = (session: OpSession) => tokenHash(`${session.accountId}:${session.loginTs}`);

type ReauthDeps = Pick<Services, 'store'>;

export const markReauthenticated = (s: ReauthDeps, session: OpSession) => s.store.tokens.put(PURPOSE, session.uid, marker(session), REAUTH_SECONDS);
export const isReauthenticated = (s: ReauthDeps, session: OpSession) => s.store.tokens.peek(PURPOSE, session.uid, marker(session));
export const forgetReauthentication = (s: ReauthDeps, session: OpSession) => s.store.tokens.drop(PURPOSE, session.uid);
