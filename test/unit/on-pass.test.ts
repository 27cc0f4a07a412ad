import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openSqliteStore } from '../../adapters/sqlite/index.ts';
import type { Store } from '../../adapters/types.ts';
import type { Account } from '../../src/accounts/account.ts';
import { createAccount } from '../../src/accounts/operations/lifecycle.ts';
import { setPassword } from '../../src/accounts/operations/password.ts';
import { checkPasswordAttempt } from '../../src/mfa/password/verify.ts';
import { verifyTotp } from '../../src/mfa/totp/verify.ts';
import { newTotpSecret } from '../../src/mfa/totp/totp.ts';
import { createLimits } from '../../src/security/rate-limits.ts';
import type { Audit } from '../../src/audit.ts';
import { createSecretBox } from '../../src/security/secret-box.ts';
import { totpCode } from '../support/journey.ts';
import { quietAudit, SEED, storeAlone } from '../support/seed.ts';

// A check's onPass (the sign-in's next write, sent with the point's return) runs for a
// passed check only, and its failure is the check's failure: no sign-in step is
// recorded for a wrong code or password, and none passes without being recorded.
describe('work that follows a passed check', () => {
  let dir: string;
  let store: Store;
  let account: Account;
  let audit: Audit;
  const PASSWORD = 'a long enough passphrase 42';

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'on-pass-'));
    store = await openSqliteStore({ file: join(dir, 'store.db') });
    audit = quietAudit(store);
    const created = await createAccount(storeAlone(store), SEED, { email: 'on-pass@example.org', name: 'On Pass', locale: 'en' });
    account = (await setPassword(storeAlone(store), SEED, created!.id, PASSWORD))!;
  });
  afterAll(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  // A code is accepted once per account and time step: each test signs in as an account of its own.
  const secrets = createSecretBox(Buffer.alloc(32, 7));
  const codeDeps = () => ({ limits: createLimits(undefined, `on-pass-${crypto.randomUUID()}:`), replay: store.replay, audit, secrets });
  const someAccount = (secret: string) => ({ id: crypto.randomUUID(), totp: [{ id: 'app', secret: secrets.seal(secret), createdAt: 0 }] });
  const checkCode = <T>(d: ReturnType<typeof codeDeps>, a: ReturnType<typeof someAccount>, code: string, onPass?: () => Promise<T>) =>
    verifyTotp(d, a, code, 'sign-in', onPass);

  test('an accepted code runs it once and answers with its result; a wrong or replayed code never runs it', async () => {
    const deps = codeDeps();
    const secret = newTotpSecret();
    const account = someAccount(secret);
    const runs: string[] = [];
    const onPass = async () => {
      runs.push('ran');
      return '/auth/next';
    };

    expect(await checkCode(deps, account, '000000', onPass)).toEqual({ kind: 'invalid' });
    const code = await totpCode(secret);
    expect(await checkCode(deps, account, code, onPass)).toEqual({ kind: 'ok', passed: '/auth/next' });
    expect(await checkCode(deps, account, code, onPass)).toEqual({ kind: 'invalid' });
    expect(runs).toEqual(['ran']);
  });

  test('a locked account never runs it', async () => {
    const deps = codeDeps();
    const secret = newTotpSecret();
    const account = someAccount(secret);
    let ran = false;
    for (let i = 0; i < 5; i++) await checkCode(deps, account, '000000');
    const locked = await checkCode(deps, account, await totpCode(secret), async () => {
      ran = true;
    });
    expect(locked.kind).toBe('locked');
    expect(ran).toBe(false);
  });

  test('when it fails, the check fails with its error, and the point is still given back', async () => {
    const deps = codeDeps();
    const secret = newTotpSecret();
    const account = someAccount(secret);
    const outage = new Error('store unavailable');
    await expect(
      checkCode(deps, account, await totpCode(secret), async () => {
        throw outage;
      }),
    ).rejects.toBe(outage);
    // Five wrong codes after it are all still taken: the accepted one's point came back.
    for (let i = 0; i < 5; i++) expect((await checkCode(deps, account, '000000')).kind).toBe('invalid');
  });

  test('a password runs it with the account as read, only when it matches', async () => {
    const s = { accounts: store.accounts as never, store, limits: createLimits(undefined, `on-pass-pw-${crypto.randomUUID()}:`), audit };
    const seen: string[] = [];
    const onPass = async (a: Account) => {
      seen.push(a.id);
      return a.sessionsValidAfter;
    };
    const attempt = { email: account.email, ip: '192.0.2.7', via: 'sign-in' as const, onPass };

    expect(await checkPasswordAttempt(s, { ...attempt, password: 'not the password' })).toEqual({ kind: 'invalid' });
    expect(seen).toEqual([]);
    const ok = await checkPasswordAttempt(s, { ...attempt, password: PASSWORD });
    expect(ok).toMatchObject({ kind: 'ok', account: { id: account.id }, passed: account.sessionsValidAfter });
    expect(seen).toEqual([account.id]);
  });
});
