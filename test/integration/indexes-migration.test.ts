import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { newAccount, type Account } from '../../src/accounts/account.ts';
import { accountCommands } from '../../src/cli/accounts.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';
import { describeOnEveryStore, bootIdp, type TestIdp } from '../support/test-idp.ts';
import { dropKeys, REDIS_URL } from '../support/redis-keys.ts';
import { writeLegacyRedis, writeLegacySqlite } from '../support/legacy-store.ts';
import { scimClient } from '../support/scim-client.ts';

/** Accounts as a release before the indexes kept them: an invitation, an externalId, an end date long past. */
function legacyAccounts(count: number): Account[] {
  return Array.from({ length: count }, (_, i) => ({
    ...newAccount({
      id: `legacy-${i}`,
      email: `legacy-${String(i).padStart(5, '0')}@example.org`,
      name: i === 0 ? 'Émile Oudgediende' : `Legacy User ${i}`,
      locale: 'nl',
    }),
    version: 3,
    externalId: `HR-${i}`,
    ...(i === 0 ? { endDate: '2020-01-31' } : {}),
    ...(i === 1 ? { invitation: { sentAt: 1_700_000_000, expiresAt: 1_700_086_400, linkHash: 'x' } } : {}),
  }));
}

/** A store written by the release before the account indexes, then served by this one: the indexes are built at start-up. */
describeOnEveryStore('account indexes of a store written before them', (store) => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-legacy-'));
  const prefix = `test-legacy:${randomBytes(6).toString('hex')}:`;
  let idp: TestIdp;
  beforeAll(async () => {
    if (store === 'sqlite') writeLegacySqlite(dir, legacyAccounts(30));
    else await writeLegacyRedis(REDIS_URL, prefix, legacyAccounts(30));
    idp = await bootIdp({ store, env: store === 'sqlite' ? { DATA_DIR: dir } : { REDIS_PREFIX: prefix } });
  });
  afterAll(async () => {
    await idp?.close();
    if (store === 'redis') await dropKeys(prefix);
    rmSync(dir, { recursive: true, force: true });
  });

  test('every question is answered from the new indexes, the end date past is acted on, and a second build has nothing to do', async () => {
    const accounts = idp.app.services.accounts;
    expect(await accounts.countListed()).toBe(30);
    expect((await accounts.search('EMI', { offset: 0, limit: 10, within: 50 })).accounts.map((a) => a.id)).toEqual(['legacy-0']);
    expect((await accounts.findByExternalId('HR-7', 5)).map((a) => a.email)).toEqual(['legacy-00007@example.org']);
    expect((await accounts.openInvitations(0, 10)).accounts.map((a) => a.id)).toEqual(['legacy-1']);
    const lines: string[] = [];
    expect(await accountCommands(idp.app.services, 'list', {}, (line) => lines.push(line))).toBe('(30 accounts)');
    expect(lines[0]).toMatch(/^legacy-00000@example\.org\tÉmile Oudgediende/);

    const found = await (await scimClient(idp))('GET', `/Users?filter=${encodeURIComponent('externalId eq "HR-12"')}`);
    expect(found.body.Resources.map((u: { userName: string }) => u.userName)).toEqual(['legacy-00012@example.org']);

    await idp.app.accountEnd.runOnce();
    expect((await accounts.findById('legacy-0'))!.disabled).toBe(true);
    expect((await accounts.findById('legacy-2'))!.disabled).toBe(false);

    expect(await accounts.reindex({ all: false })).toBe(0);
    if (store === 'redis') {
      const redis = new Redis(REDIS_URL);
      expect(await redis.exists(redisKeys(prefix).accountIds)).toBe(0);
      redis.disconnect();
    }
  });
});

describe('npx idp store reindex', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-reindex-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('on a store written before the indexes: built in batches with progress printed, and again from the start when asked', async () => {
    writeLegacySqlite(dir, legacyAccounts(10_500));
    const run = (...args: string[]) =>
      new Promise<{ code: number; out: string; err: string }>((resolve) => {
        execFile(process.execPath, ['bin/idp.js', ...args], { env: { ...process.env, DATA_DIR: dir, REDIS_URL: '' } }, (error, out, err) =>
          resolve({ code: error ? (error.code as number) : 0, out, err }),
        );
      });
    const first = await run('store', 'reindex');
    expect(first.code).toBe(0);
    // At start-up, the accounts without indexes (logged); then the command's full pass (printed).
    expect(first.err).toContain('"indexed":10000');
    expect(first.err).toContain('"msg":"account indexes built"');
    expect(first.out).toMatch(/^indexed 10000 accounts…\nindexed 10500 accounts in [\d.]+ s; every index entry is checked against its account\n$/);
    const again = await run('store', 'reindex');
    expect(again.err).not.toContain('account indexes built');
    expect(again.out).toMatch(/indexed 10500 accounts in/);
    expect((await run('accounts', 'list')).out).toMatch(/legacy-10499@example\.org[^\n]*\n\(10500 accounts\)\n$/);
  }, 60_000);
});
