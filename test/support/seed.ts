import { generateSecret } from 'otplib';
import { pino } from 'pino';
import type { Store } from '../../adapters/types.ts';
import type { EndSessionsDeps } from '../../src/accounts/sessions-ended.ts';
import type { Actor } from '../../src/accounts/events.ts';
import { createAudit } from '../../src/audit.ts';
import { createAccount } from '../../src/accounts/operations/lifecycle.ts';
import { setPassword } from '../../src/accounts/operations/password.ts';
import { addFactor } from '../../src/accounts/operations/factors.ts';
import { normalizeEmail } from '../../src/accounts/email.ts';
import type { SecretBox } from '../../src/security/secret-box.ts';
import type { TestIdp } from './test-idp.ts';

interface SeedOptions {
  totp?: boolean;
  locale?: 'nl' | 'en';
}

/**
 * An account that has been through the first login already: created by the
 * same operation as the CLI's, its password set by the same operation as the e-mailed link (so
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

/** Who the seeded accounts' history says made them: a test standing in for an operator at the server. */
export const SEED: Actor = { via: 'cli', by: 'test-seed' };

/** An audit trail that logs nothing but keeps each account's history in the store, as the service's does. */
export const quietAudit = (store: Store) => createAudit(pino({ level: 'silent' }), store.history, { max: 200, seconds: 365 * 86_400 });

/**
 * A store without a service in this process, for the operations that end
 * sessions: an account seeded on it has signed in nowhere yet, so setting its
 * password has no application to tell; one that had would be a wrong test.
 */
export const storeAlone = (store: Store): EndSessionsDeps => ({
  store,
  audit: quietAudit(store),
  logout: {
    sessionsEnded(accountId, ended) {
      if (ended.length) throw new Error(`account ${accountId} had sessions to end: change it through a running service`);
    },
  },
});

async function seeded(s: EndSessionsDeps, secrets: SecretBox, email: string, password: string, options: SeedOptions) {
  const created = await createAccount(s, SEED, { email: normalizeEmail(email), name: 'Test Researcher', locale: options.locale ?? 'nl' });
  if (!created) throw new Error(`an account with e-mail ${email} already exists`);
  const { id } = created;
  await setPassword(s, SEED, id, password);
  const secret = options.totp ? generateSecret() : undefined;
  if (secret) await addFactor(s, SEED, id, { totp: { secret: secrets.seal(secret) } }, true);
  return { id, secret: secret! };
}
