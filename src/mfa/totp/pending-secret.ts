import type { SingleUseTokenStore } from '../../../adapters/types.ts';
import { nowSeconds } from '../../clock.ts';
import { tokenHash } from '../../security/random-token.ts';
import type { SecretBox } from '../../security/secret-box.ts';
import { newTotpSecret } from './totp.ts';

/**
 * An authenticator app's secret between being shown (QR code, key) and its
 * first code — at the sign-in's enrolment and on My account alike. It is kept in
 * the store, sealed with SECRETS_KEY, never in the page or a cookie; it is bound
 * to where it was offered (a sign-in, a My account session) and to the account
 * it was offered to, so that no other account can activate it; and it lapses
 * after PENDING_TOTP_SECONDS on the service's clock. Until then every page of
 * that place shows the same secret, so a reload or a language switch after
 * scanning keeps the app's codes valid.
 */
const PURPOSE = 'totp-pending';
export const PENDING_TOTP_SECONDS = 15 * 60;

/** Where a secret is offered: the sign-in or session it belongs to, and the account. */
export interface TotpOffer {
  boundTo: string;
  accountId: string;
}
/** A secret on offer, and when it lapses (epoch seconds). */
interface Offered {
  secret: string;
  expiresAt: number;
}
interface Stored {
  sealed: string;
  expiresAt: number;
}

export interface PendingDeps {
  store: { tokens: SingleUseTokenStore };
  secrets: SecretBox;
}

/** The account is the token's hash: a take for another account finds nothing, and leaves this one on offer. */
const key = (offer: TotpOffer) => tokenHash(offer.accountId);

/**
 * Takes what is on offer from the store: undefined when nothing is, or when it
 * lapsed, or when it was sealed with a key no longer configured. The store gives
 * a token's data to take() only; what is still to be on offer goes back (keepOffer).
 */
export async function takeOffer(d: PendingDeps, offer: TotpOffer): Promise<Offered | undefined> {
  const taken = await d.store.tokens.take(PURPOSE, offer.boundTo, key(offer));
  const stored = taken?.data as Stored | undefined;
  if (!stored || stored.expiresAt <= nowSeconds()) return undefined;
  try {
    return { secret: d.secrets.open(stored.sealed), expiresAt: stored.expiresAt };
  } catch {
    return undefined;
  }
}

/** Puts a secret on offer (back) until it lapses; an earlier one of this place goes. */
export async function keepOffer(d: PendingDeps, offer: TotpOffer, offered: Offered): Promise<void> {
  const data: Stored = { sealed: d.secrets.seal(offered.secret), expiresAt: offered.expiresAt };
  await d.store.tokens.put(PURPOSE, offer.boundTo, key(offer), Math.max(1, offered.expiresAt - nowSeconds()), { data });
}

/** The secret to show: the one on offer here, or (none, or lapsed) a new one, offered from now. */
export async function offeredSecret(d: PendingDeps, offer: TotpOffer): Promise<string> {
  const offered = (await takeOffer(d, offer)) ?? { secret: newTotpSecret(), expiresAt: nowSeconds() + PENDING_TOTP_SECONDS };
  await keepOffer(d, offer, offered);
  return offered.secret;
}
