import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../adapters/sqlite/index.ts';
import type { AccountStore, Store } from '../../adapters/types.ts';
import type { Account } from '../../src/accounts/account.ts';
import pino from 'pino';
import { addFactor } from '../../src/accounts/operations/factors.ts';
import { createAudit, type Audit } from '../../src/audit.ts';
import { regenerateRecoveryCodes } from '../../src/mfa/recovery/recovery-codes.ts';
import { verifyRecoveryCode } from '../../src/mfa/recovery/verify.ts';
import { verifyTotp } from '../../src/mfa/totp/verify.ts';
import { verifyPasskey } from '../../src/mfa/passkey/verify.ts';
import { authenticationOptions, registrationOptions, verifyRegistration } from '../../src/mfa/passkey/webauthn.ts';
import { createLimits } from '../../src/security/rate-limits.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { totpCode } from '../support/journey.ts';
import { seedStoredAccount } from '../support/seed.ts';
import { SoftAuthenticator } from '../support/soft-authenticator.ts';

const ISSUER = 'http://localhost:3000';

/**
 * What an operator reads in the audit log for each factor check, wherever it is
 * made: a refusal, a lockout and a pass are each one event naming the account,
 * the factor and where (`via`); a lockout refuses even the right code.
 */
describe('factor verifiers', () => {
  let dir: string;
  let store: Store;
  const secrets = createSecretBox(Buffer.alloc(32, 3));
  let events: { event: string; fields: Record<string, unknown> }[];
  // The service's own audit trail, its log lines read back as an operator would read them.
  const lines = {
    write: (line: string) => {
      const fields = JSON.parse(line);
      events.push({ event: fields.event, fields });
    },
  };
  let audit: Audit;
  const deps = () => ({
    store,
    secrets,
    audit,
    replay: store.replay,
    accounts: store.accounts as AccountStore<Account>,
    config: { issuer: ISSUER },
    limits: createLimits(undefined, `verifiers-${crypto.randomUUID()}:`),
  });
  const seeded = async (name: string) => {
    const { id, secret } = await seedStoredAccount(store, secrets, `${name}@example.org`, 'a long enough passphrase 42', { totp: true });
    return { account: (await (store.accounts as AccountStore<Account>).findById(id))!, secret: secret! };
  };
  const seen = () => events.map((e) => [e.event, e.fields.via]);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'verifiers-'));
    store = await openSqliteStore({ file: join(dir, 'store.db') });
    audit = createAudit(pino({}, lines), store.history, { max: 200, seconds: 365 * 86_400 });
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(() => {
    events = [];
  });

  test('an app code: a wrong one, the right one and the right one again, then a lockout that refuses even a right code', async () => {
    const d = deps();
    const { account, secret } = await seeded('totp');
    expect((await verifyTotp(d, account, '000000', 'console')).kind).toBe('invalid');
    expect((await verifyTotp(d, account, await totpCode(secret), 'console')).kind).toBe('ok');
    expect((await verifyTotp(d, account, await totpCode(secret), 'console')).kind).toBe('invalid');
    expect(seen()).toEqual([
      ['mfa.failure', 'console'],
      ['mfa.verified', 'console'],
      ['mfa.failure', 'console'],
    ]);
    expect(events[1]!.fields).toMatchObject({ accountId: account.id, factor: 'otp' });

    for (let i = 0; i < 4; i++) await verifyTotp(d, account, '000000', 'self');
    events = [];
    expect((await verifyTotp(d, account, await totpCode(secret, 1), 'self')).kind).toBe('locked');
    expect(seen()).toEqual([['login.locked', 'self']]);
  });

  test("a recovery code: crossed off once used, and a lockout is audited like a code's", async () => {
    const d = deps();
    const { account } = await seeded('recovery');
    const codes = await regenerateRecoveryCodes(d, { via: 'self' }, account.id);
    events = [];
    expect(await verifyRecoveryCode(d, account.id, codes[0]!, 'sign-in')).toEqual({ kind: 'ok', remaining: 9 });
    expect(await verifyRecoveryCode(d, account.id, codes[0]!, 'sign-in')).toEqual({ kind: 'invalid' });
    expect(seen()).toEqual([
      ['recovery.used', 'sign-in'],
      ['mfa.failure', 'sign-in'],
    ]);
    expect((await d.accounts.findById(account.id))!.recoveryCodes).toHaveLength(9);

    for (let i = 0; i < 4; i++) await verifyRecoveryCode(d, account.id, 'WRONG-CODE1', 'sign-in');
    events = [];
    expect((await verifyRecoveryCode(d, account.id, codes[1]!, 'sign-in')).kind).toBe('locked');
    expect(seen()).toEqual([['login.locked', 'sign-in']]);
    expect((await d.accounts.findById(account.id))!.recoveryCodes).toHaveLength(9);
  });

  test("a passkey: its counter recorded, its challenge good once, another's answer refused", async () => {
    const d = deps();
    const { account } = await seeded('passkey');
    const authenticator = new SoftAuthenticator(ISSUER);
    const passkey = (await verifyRegistration(d, 'enrol', authenticator.create((await registrationOptions(d, 'enrol', account)) as never), 'Passkey'))!;
    const withPasskey = (await addFactor(d, { via: 'self' }, account.id, { passkey }, false))!;
    events = [];

    const answer = authenticator.get((await authenticationOptions(d, 'confirm', withPasskey)) as never);
    const used = await verifyPasskey(d, { boundTo: 'confirm', response: answer, account: withPasskey, via: 'self', ip: '192.0.2.1' });
    expect(used).toMatchObject({ kind: 'ok', passkey: { id: passkey.id } });
    expect((await d.accounts.findById(account.id))!.passkeys[0]!.counter).toBe(1);
    // The same answer again: its challenge is used up.
    expect((await verifyPasskey(d, { boundTo: 'confirm', response: answer, account: withPasskey, via: 'self', ip: '192.0.2.1' })).kind).toBe('invalid');
    // Another account's passkey, or none at all, is no passkey of this account.
    const { account: other } = await seeded('passkey-other');
    const foreign = authenticator.get((await authenticationOptions(d, 'other', other)) as never);
    expect((await verifyPasskey(d, { boundTo: 'other', response: foreign, account: other, via: 'console', ip: '192.0.2.2' })).kind).toBe('invalid');
    expect((await verifyPasskey(d, { boundTo: 'login', response: '', via: 'sign-in', ip: '192.0.2.3' })).kind).toBe('invalid');
    expect(seen()).toEqual([
      ['mfa.verified', 'self'],
      ['mfa.failure', 'self'],
      ['mfa.failure', 'console'],
      ['login.failure', 'sign-in'],
    ]);
  });
});
