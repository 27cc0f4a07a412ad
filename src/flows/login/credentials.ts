import type { Account } from '../../accounts/account.ts';
import { decoyHash, hashPassword, needsRehash, verifyPassword } from '../../accounts/password-hash.ts';
import { updateAccount } from '../../accounts/update.ts';
import type { Services } from '../../services.ts';

export type CredentialCheck =
  | { kind: 'ok'; account: Account }
  | { kind: 'invalid' }
  | { kind: 'locked'; seconds: number };

/**
 * The password check. Unknown, disabled and password-less accounts cost one
 * argon2 verification like any other, and count against the same limits.
 */
export async function checkCredentials(s: Services, email: string, password: string, ip: string): Promise<CredentialCheck> {
  const [blocked, account] = await Promise.all([s.limits.loginBlockedFor(email, ip), s.accounts.findByEmail(email)]);
  if (blocked) {
    s.audit('login.locked', { email, ip });
    return { kind: 'locked', seconds: blocked };
  }
  const usable = account && !account.disabled && account.passwordHash ? account : undefined;
  const matches = await verifyPassword(usable?.passwordHash ?? (await decoyHash()), password);
  if (!usable || !matches) {
    await s.limits.loginFailed(email, ip);
    s.audit('login.failure', { email, ip, accountId: account?.id, reason: !account ? 'unknown' : account.disabled ? 'disabled' : 'password' });
    return { kind: 'invalid' };
  }
  await s.limits.loginSucceeded(email);
  if (needsRehash(usable.passwordHash!)) {
    const passwordHash = await hashPassword(password);
    await updateAccount(s.accounts, usable.id, (a) => { a.passwordHash = passwordHash; });
  }
  s.audit('login.password_verified', { accountId: usable.id, ip });
  return { kind: 'ok', account: usable };
}
