import type { Store } from '../../adapters/types.ts';
import type { Services } from '../services.ts';
import { randomToken, tokenHash } from '../security/random-token.ts';
import { normalizeEmail } from './email.ts';
import type { Account } from './account.ts';

/** The single-use token purpose of set-password links; every live link of an account is voided together. */
export const RESET_PURPOSE = 'password-reset';

/**
 * Voids every live set-password link of the account. The operations that must
 * (accounts/operations) call it: a password set, the account disabled or
 * removed, its address changed, a new invitation sent — a link mailed before
 * any of those must not work after it.
 */
export const voidSetPasswordLinks = (store: Store, accountId: string) => store.tokens.drop(RESET_PURPOSE, accountId);

/** Whether the link is live; uses nothing up (mail scanners open links too). */
export const setPasswordLinkLive = (store: Store, token: { accountId: string; hash: string }) => store.tokens.peek(RESET_PURPOSE, token.accountId, token.hash);

/** Takes the link, exactly once even with two browsers racing, voiding the account's other links with it; undefined when it is not live. */
export async function takeSetPasswordLink(store: Store, token: { accountId: string; hash: string }): Promise<Partial<SetPasswordLink> | undefined> {
  const taken = await store.tokens.take(RESET_PURPOSE, token.accountId, token.hash);
  return taken ? ((taken.data ?? {}) as Partial<SetPasswordLink>) : undefined;
}

/** The link carries the account id and a 256-bit secret; only the secret's hash is stored. */
export function parseResetToken(value: unknown): { accountId: string; hash: string } | undefined {
  if (typeof value !== 'string' || value.length > 200) return undefined;
  const match = /^([A-Za-z0-9_-]{8,64})\.([A-Za-z0-9_-]{43})$/.exec(value);
  return match ? { accountId: match[1]!, hash: tokenHash(match[2]!) } : undefined;
}

/** Live links per account: a stranger asking for a link cannot void the one the owner is about to use. */
const LIVE_LINKS = 3;

/** What a set-password link remembers: the address it is mailed to, which setting a password through it proves. */
interface SetPasswordLink {
  mailedTo: string;
}

/**
 * A new set-password link for the account, to be mailed to its address (the
 * newest few stay live). Only the secret's hash is stored; the link is built
 * from ISSUER, never from the request's Host header.
 */
export async function issueSetPasswordLink(
  s: Pick<Services, 'store' | 'config'>,
  account: Pick<Account, 'id' | 'email'>,
  ttlSeconds: number,
): Promise<{ link: string; hash: string }> {
  const secret = randomToken();
  const hash = tokenHash(secret);
  const data: SetPasswordLink = { mailedTo: normalizeEmail(account.email) };
  await s.store.tokens.put(RESET_PURPOSE, account.id, hash, ttlSeconds, { keep: LIVE_LINKS, data });
  return { link: `${s.config.issuer}/password/set?token=${account.id}.${secret}`, hash };
}
