import type { Context } from 'koa';
import * as oidc from 'openid-client';
import type { SingleUseTokenStore } from '../../adapters/types.ts';
import { isLocale, type Locale } from '../i18n/index.ts';
import { randomToken, tokenHash } from '../security/random-token.ts';

/** Why the browser went to the provider, and what the answer completes. */
export type UpstreamPurpose =
  /** The password step of a sign-in: the provider's interaction, by its uid. */
  | { kind: 'login'; uid: string }
  /** My account: link the institution account to the signed-in account (its session, by uid and sign-in time). */
  | { kind: 'link'; accountId: string; sessionUid: string; loginTs: number }
  /** Completing an invitation: the welcome mail's link (its token's hash) instead of a password. */
  | { kind: 'invitation'; accountId: string; tokenHash: string };

/** A sign-in at a provider that has not come back yet: kept in the store (never in a cookie), under its state. */
export interface PendingUpstream {
  provider: string;
  purpose: UpstreamPurpose;
  /** The PKCE verifier and the nonce of the request. */
  verifier: string;
  nonce: string;
  /** The hash of the browser's binding cookie: the answer counts only in the browser that asked. */
  browser: string;
  locale: Locale;
}

const PURPOSE = 'upstream-state';
/** Long enough to log in at an institution, short enough that a stolen state is soon worthless. */
const TTL_SECONDS = 15 * 60;
/**
 * A random id of the browser (256 bits), the same for every institution sign-in it
 * starts so that two tabs do not undo each other; the store keeps only its hash.
 * With it, the language of the latest sign-in, for the page of an answer whose
 * sign-in is not known (used already, or expired).
 */
const COOKIE = 'idp_upstream';
const cookieOf = (ctx: Context) => /^([\w-]{43})\.([a-z]{2})$/.exec(ctx.cookies.get(COOKIE) ?? '');
const browserId = (ctx: Context) => cookieOf(ctx)?.[1];

/** The language of this browser's latest institution sign-in, if any. */
export const browserLocale = (ctx: Context): Locale | undefined => {
  const locale = cookieOf(ctx)?.[2];
  return isLocale(locale) ? locale : undefined;
};

/** Keeps a new pending sign-in and binds it to this browser; returns what the authorization request carries. */
export async function beginUpstream(
  ctx: Context,
  tokens: SingleUseTokenStore,
  secure: boolean,
  pending: Omit<PendingUpstream, 'verifier' | 'nonce' | 'browser'>,
) {
  const browser = browserId(ctx) ?? randomToken();
  ctx.cookies.set(COOKIE, `${browser}.${pending.locale}`, { httpOnly: true, sameSite: 'lax', secure, maxAge: 24 * 3600 * 1000, overwrite: true });
  const state = oidc.randomState();
  const verifier = oidc.randomPKCECodeVerifier();
  const nonce = oidc.randomNonce();
  const hash = tokenHash(state);
  await tokens.put(PURPOSE, hash, hash, TTL_SECONDS, { data: { ...pending, verifier, nonce, browser: tokenHash(browser) } satisfies PendingUpstream });
  return { state, verifier, nonce };
}

/**
 * The pending sign-in of this state, taken once (a replayed answer finds nothing),
 * and whether this is the browser that started it. Undefined: no such state, used, or expired.
 */
export async function takeUpstream(
  ctx: Context,
  tokens: SingleUseTokenStore,
  state: string,
): Promise<{ pending: PendingUpstream; sameBrowser: boolean } | undefined> {
  if (!state || state.length > 128) return undefined;
  const hash = tokenHash(state);
  const taken = await tokens.take(PURPOSE, hash, hash);
  if (!taken) return undefined;
  const pending = taken.data as PendingUpstream;
  const browser = browserId(ctx);
  return { pending, sameBrowser: !!browser && tokenHash(browser) === pending.browser };
}
