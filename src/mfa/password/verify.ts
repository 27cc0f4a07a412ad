import { createHash } from 'node:crypto';
import type { Account } from '../../accounts/account.ts';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../accounts/password-hash.ts';
import { rehashPassword } from '../../accounts/operations/password.ts';
import { accountUsable } from '../../accounts/standing.ts';
import type { FactorResult, OnPass, Via } from '../result.ts';
import type { Services } from '../../services.ts';

interface PasswordAttempt<T> {
  email: string;
  password: string;
  ip: string;
  /** The sign-in's password step, or the current password on My account. */
  via: Via;
  /** Runs only for a password that matched, alongside its point's return (mfa/result.ts). */
  onPass?: OnPass<[Account], T>;
  knownDevice?: (account?: Account) => Promise<string | undefined>;
  /** The request's (web/client-gone.ts): a browser that left before argon2's turn costs no verification, and keeps its point taken. */
  signal?: AbortSignal;
}

type PasswordCheckDeps = Pick<Services, 'accounts' | 'store' | 'limits' | 'audit'>;

/**
 * The password check. A point is taken from the limits before argon2 runs and
 * given back on success. Unknown, disabled and password-less accounts cost one
 * argon2 verification like any other, and count against the same limits;
 * so do accounts past their end date.
 */
export async function checkPasswordAttempt<T = undefined>(s: PasswordCheckDeps, a: PasswordAttempt<T>): Promise<FactorResult<{ account: Account; passed: T }>> {
  const account = await s.accounts.findByEmail(a.email);
  // What was typed as a username may be a password typed in the wrong field: logged as-is only when it is an account's address.
  const who = account ? { accountId: account.id } : { username: createHash('sha256').update(a.email).digest('base64url').slice(0, 16) };
  const taken = await s.limits.takePasswordAttempt({ account: a.email, ip: a.ip, knownDevice: await a.knownDevice?.(account) });
  if (taken.kind === 'locked') {
    s.audit('login.locked', { ...who, ip: a.ip, via: a.via });
    return taken;
  }
  const usable = account && accountUsable(account) && account.passwordHash ? account : undefined;
  const matches = await verifyPassword(usable?.passwordHash ?? (await decoyHash()), a.password, a.signal);
  if (!usable || !matches) {
    await taken.attempt.failed();
    s.audit('login.failure', { ...who, ip: a.ip, via: a.via, reason: !account ? 'unknown' : !accountUsable(account) ? 'unusable' : 'password' });
    return { kind: 'invalid' };
  }
  const [, passed] = await Promise.all([taken.attempt.succeeded(), a.onPass ? a.onPass(usable) : (undefined as T)]);
  if (needsRehash(usable.passwordHash!)) {
    await rehashPassword(s, usable.id, await hashPassword(a.password));
  }
  s.audit('login.password_verified', { accountId: usable.id, ip: a.ip, via: a.via });
  return { kind: 'ok', account: usable, passed };
}
