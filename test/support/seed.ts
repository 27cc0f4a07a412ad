import { generateSecret } from 'otplib';
import type { AccountStore, Store } from '../../adapters/types.ts';
import type { Account } from '../../src/accounts/account.ts';
import type { EndSessionsDeps } from '../../src/accounts/sessions-ended.ts';
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
  return seeded(idp.app.services, idp.app.services.secrets, email, password, options);
}

/** The same, straight on a store (for services running in processes of their own). */
export async function seedStoredAccount(store: Store, secrets: SecretBox, email: string, password: string, options: SeedOptions = {}) {
  return seeded(storeAlone(store), secrets, email, password, options);
}

/**
 * A store without a service in this process, for the operations that end
 * sessions: an account seeded on it has signed in nowhere yet, so setting its
 * password has no application to tell; one that had would be a wrong test.
 */
export const storeAlone = (store: Store): EndSessionsDeps => ({
  store,
  logout: {
    sessionsEnded(accountId, ended) {
      if (ended.length) throw new Error(`account ${accountId} had sessions to end: change it through a running service`);
    },
  },
});

async function seeded(s: EndSessionsDeps, secrets: SecretBox, email: string, password: string, options: SeedOptions) {
  const { store } = s;
  await accountCommands(store, 'create', { email, name: 'Test Researcher', locale: options.locale ?? 'nl' });
  const id = (await (store.accounts as AccountStore<Account>).findByEmail(email))!.id;
  await setPassword(s, id, password);
  const secret = options.totp ? generateSecret() : undefined;
  if (secret) await addFactor(store, id, { totp: { secret: secrets.seal(secret) } }, true);
  return { id, secret: secret! };
}
