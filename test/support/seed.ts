import { generateSecret } from 'otplib';
import { randomUUID } from 'node:crypto';
import type { AccountStore, Store } from '../../adapters/types.ts';
import type { Account } from '../../src/accounts/account.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { updateAccount } from '../../src/accounts/update.ts';
import type { SecretBox } from '../../src/security/secret-box.ts';
import type { TestIdp } from './test-idp.ts';

interface SeedOptions { totp?: boolean; locale?: 'nl' | 'en' }

/** An account that has been through the first login already: password set, and an authenticator app if asked. */
export async function seedAccount(idp: TestIdp, email: string, password: string, options: SeedOptions = {}) {
  return seedStoredAccount(idp.app.services.store, idp.app.services.secrets, email, password, options);
}

/** The same, straight on a store (for services running in processes of their own): created as the CLI creates it. */
export async function seedStoredAccount(store: Store, secrets: SecretBox, email: string, password: string, options: SeedOptions = {}) {
  await accountCommands(store, 'create', { email, name: 'Test Researcher', locale: options.locale ?? 'nl' });
  const accounts = store.accounts as AccountStore<Account>;
  const secret = options.totp ? generateSecret() : undefined;
  const passwordHash = await hashPassword(password);
  const account = await updateAccount(accounts, (await accounts.findByEmail(email))!.id, (a) => {
    a.passwordHash = passwordHash;
    if (secret) a.totp.push({ id: randomUUID(), secret: secrets.seal(secret), createdAt: 0 });
  });
  return { id: account!.id, secret: secret! };
}
