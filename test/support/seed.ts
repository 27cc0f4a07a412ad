import { generateSecret } from 'otplib';
import type { AccountStore, Store } from '../../adapters/types.ts';
import type { Account } from '../../src/accounts/account.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { addFactor, setPassword } from '../../src/accounts/operations.ts';
import type { SecretBox } from '../../src/security/secret-box.ts';
import type { TestIdp } from './test-idp.ts';

interface SeedOptions { totp?: boolean; locale?: 'nl' | 'en' }

/**
 * An account that has been through the first login already: created by the
 * CLI's code, its password set by the same operation as the e-mailed link (so
 * the account's session reset is as a real user's), and an authenticator app
 * if asked, added by the same operation as enrolment.
 */
export async function seedAccount(idp: TestIdp, email: string, password: string, options: SeedOptions = {}) {
  return seedStoredAccount(idp.app.services.store, idp.app.services.secrets, email, password, options);
}

/** The same, straight on a store (for services running in processes of their own). */
export async function seedStoredAccount(store: Store, secrets: SecretBox, email: string, password: string, options: SeedOptions = {}) {
  await accountCommands(store, 'create', { email, name: 'Test Researcher', locale: options.locale ?? 'nl' });
  const id = (await (store.accounts as AccountStore<Account>).findByEmail(email))!.id;
  await setPassword(store, id, password);
  const secret = options.totp ? generateSecret() : undefined;
  if (secret) await addFactor(store, id, { totp: { secret: secrets.seal(secret) } }, true);
  return { id, secret: secret! };
}
