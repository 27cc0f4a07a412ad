import { generateSecret } from 'otplib';
import { addFactor, setPassword } from '../../src/accounts/operations.ts';
import type { TestIdp } from './test-idp.ts';

/**
 * An account that has been through the first login already: created by the
 * CLI's code, its password set by the same operation as the e-mailed link (so
 * the account's session reset is as a real user's), and an authenticator app
 * if asked, added by the same operation as enrolment.
 */
export async function seedAccount(idp: TestIdp, email: string, password: string, options: { totp?: boolean; locale?: 'nl' | 'en' } = {}) {
  await idp.createAccount(email, 'Test Researcher', options.locale ?? 'nl');
  const { store, accounts, secrets } = idp.app.services;
  const id = (await accounts.findByEmail(email))!.id;
  await setPassword(store, id, password);
  const secret = options.totp ? generateSecret() : undefined;
  if (secret) await addFactor(store, id, { totp: { secret: secrets.seal(secret) } }, true);
  return { id, secret: secret! };
}
