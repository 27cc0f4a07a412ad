import { generateSecret } from 'otplib';
import { randomUUID } from 'node:crypto';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { updateAccount } from '../../src/accounts/update.ts';
import type { TestIdp } from './test-idp.ts';

/** An account that has been through the first login already: password set, and an authenticator app if asked. */
export async function seedAccount(idp: TestIdp, email: string, password: string, options: { totp?: boolean; locale?: 'nl' | 'en' } = {}) {
  await idp.createAccount(email, 'Test Researcher', options.locale ?? 'nl');
  const { accounts, secrets } = idp.app.services;
  const secret = options.totp ? generateSecret() : undefined;
  const passwordHash = await hashPassword(password);
  const account = await updateAccount(accounts, (await accounts.findByEmail(email))!.id, (a) => {
    a.passwordHash = passwordHash;
    if (secret) a.totp.push({ id: randomUUID(), secret: secrets.seal(secret), createdAt: 0 });
  });
  return { id: account!.id, secret: secret! };
}
