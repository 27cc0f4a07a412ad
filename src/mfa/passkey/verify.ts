import type { Account, PasskeyFactor } from '../../accounts/account.ts';
import { recordPasskeyUse } from '../../accounts/operations/factors.ts';
import type { Store } from '../../../adapters/types.ts';
import type { Audit } from '../../audit.ts';
import type { FactorResult, Via } from '../result.ts';
import { verifyAuthentication, type PasskeyDeps } from './webauthn.ts';

interface PasskeyVerifyDeps extends PasskeyDeps {
  store: Store;
  audit: Audit;
}

interface PasskeyAttempt {
  /** The sign-in or session the challenge was given to (webauthn.ts). */
  boundTo: string;
  /** The authenticator's answer as public/passkey.js posted it ('' when the post had none). */
  response: string;
  /** Whose passkey it must be; without one (a passkey-only sign-in) the account is the one the passkey names. */
  account?: Account;
  via: Via;
  ip: string;
}

/**
 * A passkey assertion, checked and recorded: its signature counter stored and
 * the use audited, or the failure audited. A passkey takes no point from the
 * attempt limits, which stop guessing: nothing here can be guessed, and each
 * attempt uses up a challenge of this sign-in, taken from the store exactly once
 * before the signature is checked — a challenge is the passkey's limit point and
 * its replay guard at once.
 */
export async function verifyPasskey(d: PasskeyVerifyDeps, attempt: PasskeyAttempt): Promise<FactorResult<{ account: Account; passkey: PasskeyFactor }>> {
  const { via, ip } = attempt;
  const use = await verifyAuthentication(d, attempt.boundTo, attempt.response, attempt.account);
  if (use.kind !== 'ok') {
    // Without an account the passkey was to be the first factor too: a failed sign-in, as a wrong password is.
    if (attempt.account) d.audit('mfa.failure', { accountId: attempt.account.id, factor: 'passkey', via, ip });
    else d.audit('login.failure', { method: 'passkey', via, ip });
    return use;
  }
  await recordPasskeyUse(d, use.account.id, use.passkey.id, use.counter);
  d.audit('mfa.verified', { accountId: use.account.id, factor: use.passkey.kind, via, ip });
  return { kind: 'ok', account: use.account, passkey: use.passkey };
}
