/**
 * Redis writes that span two slots cannot be one transaction. These tests cut such a
 * write short after its first step, the way a process killed half-way would leave it,
 * by running it as an ACL user that Redis refuses the later steps; then a store with
 * full rights must find nothing lost and nothing blocked.
 */
import { openRedisStore } from '../../adapters/redis/index.ts';
import { StoreUnavailableError, type Store } from '../../adapters/types.ts';
import type { RedisSettings } from '../../adapters/redis/settings.ts';
import { redisCli, sleep } from '../support/redis-servers.ts';
import { asInvitation, uniqueId } from './helpers.ts';

export interface RedisUnderTest {
  settings: RedisSettings;
  ports: number[];
  password: string;
}

const claimLeaseMs = 300;
/** Index announcements of the stores here last this long, so that a lapsed one is seen at once. */
const announcementMs = 300;

function asUser(settings: RedisSettings, username: string, password: string): RedisSettings {
  if (settings.topology.kind !== 'single') return { ...settings, username, password };
  const url = new URL(settings.topology.url);
  [url.username, url.password] = [username, password];
  return { ...settings, topology: { kind: 'single', url: url.href } };
}

export function interruptedWritesContract(redis: () => RedisUnderTest): void {
  describe('writes cut short half-way', () => {
    const prefix = `idp-cut:${crypto.randomUUID()}:`;
    let full: Store;
    const opened: Store[] = [];

    /** A store whose Redis user has only the given ACL rules (on every node). */
    const storeAllowedOnly = async (rules: string[], options: { announcementMs?: number } = {}) => {
      const { settings, ports, password } = redis();
      const username = uniqueId('cut-short');
      for (const port of ports) await redisCli(port, ['acl', 'setuser', username, 'on', '>user-secret', ...rules], password);
      const store = await openRedisStore({ settings: asUser(settings, username, 'user-secret'), prefix, claimLeaseMs, announcementMs, ...options });
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      full = await openRedisStore({ settings: redis().settings, prefix, announcementMs });
      opened.push(full);
    });
    afterAll(async () => {
      for (const store of opened) await store.close();
    });

    it('a grant revocation cut short leaves its tokens for the next revocation, which removes them all', async () => {
      const grantId = uniqueId('grant');
      const tokens = ['AccessToken', 'RefreshToken'].map((model) => ({ model, jti: uniqueId('jti') }));
      for (const { model, jti } of tokens) await full.oidcAdapter(model).upsert(jti, { jti, kind: model, grantId }, 60);

      // May read everything, but write only grant indexes: the tokens' deletion fails.
      const cutShort = await storeAllowedOnly(['+@all', '%R~*', '%RW~*{g:*']);
      await expect(cutShort.oidcAdapter('AccessToken').revokeByGrantId(grantId)).rejects.toThrow(StoreUnavailableError);

      await full.oidcAdapter('AccessToken').revokeByGrantId(grantId);
      for (const { model, jti } of tokens) expect(await full.oidcAdapter(model).find(jti)).toBeUndefined();
    });

    it('an account create cut short after claiming the address does not keep it from a later create', async () => {
      const email = `${uniqueId('cut')}@cbs.nl`;
      const account = (id: string) => ({ id, email, version: 1, name: 'Ann Example' });
      // No scripts: the claim (SET) lands, the account write and the claim's release do not.
      const cutShort = await storeAllowedOnly(['+@all', '-eval', '-evalsha', '~*']);
      await expect(cutShort.accounts.create(account(uniqueId('first')))).rejects.toThrow(StoreUnavailableError);
      expect(await full.accounts.findByEmail(email)).toBeUndefined();

      await sleep(claimLeaseMs + 100);
      const later = account(uniqueId('later'));
      await full.accounts.create(later);
      expect(await full.accounts.findByEmail(email)).toEqual(later);
    });

    const page = { offset: 0, limit: 10, within: 50 };
    const ids = (accounts: { id: string }[]) => accounts.map((a) => a.id);
    const account = (name: string) => ({ id: uniqueId('account'), email: `${uniqueId('cut')}@cbs.nl`, version: 1, name, externalId: uniqueId('ext') });

    it('a save cut short before its new index entries are written leaves the account as it was, found as before; the next save indexes it', async () => {
      const t = uniqueId('n').replace(/-/g, '').slice(0, 12);
      const stored = account(`${t}Before`);
      await full.accounts.create(stored);
      // May write account hashes and e-mail keys, but no index: the announcement lands, the entries do not.
      const cutShort = await storeAllowedOnly(['+@all', '%R~*', '%RW~*{a:*', '%RW~*{e:*']);
      const changed = { ...stored, name: `${t}After`, externalId: uniqueId('ext'), endCheckAt: 1000 };
      await expect(cutShort.accounts.save(changed)).rejects.toThrow(StoreUnavailableError);

      expect(await full.accounts.findById(stored.id)).toEqual(stored);
      expect(ids((await full.accounts.search(`${t}before`, page)).accounts)).toEqual([stored.id]);
      expect(ids(await full.accounts.findByExternalId(stored.externalId, 5))).toEqual([stored.id]);
      expect((await full.accounts.search(`${t}after`, page)).accounts).toEqual([]);

      const saved = await full.accounts.save(changed);
      expect(ids((await full.accounts.search(`${t}after`, page)).accounts)).toEqual([saved.id]);
      expect(await full.accounts.findByExternalId(changed.externalId, 5)).toEqual([saved]);
      expect(ids(await full.accounts.endChecksDue(1000, 0, 1000))).toContain(saved.id);
      expect(await full.accounts.search(`${t}before`, page)).toEqual({ accounts: [], total: 0, more: false });
      expect(await full.accounts.findByExternalId(stored.externalId, 5)).toEqual([]);
    });

    it('a save cut short after writing the account, before removing its old entries: the old ones find nothing, and the reader that meets them removes them', async () => {
      const t = uniqueId('n').replace(/-/g, '').slice(0, 12);
      const stored = account(`${t}Before`);
      await full.accounts.create(stored);
      // Everything but removing index entries.
      const cutShort = await storeAllowedOnly(['+@all', '-zrem', '-srem', '~*']);
      const changed = { ...stored, name: `${t}After`, externalId: uniqueId('ext') };
      await expect(cutShort.accounts.save(changed)).rejects.toThrow(StoreUnavailableError);

      const saved = await full.accounts.findById(stored.id);
      expect(saved).toEqual({ ...changed, version: stored.version + 1 });
      expect(ids((await full.accounts.search(`${t}after`, page)).accounts)).toEqual([stored.id]);
      expect(await full.accounts.search(`${t}before`, page)).toEqual({ accounts: [], total: 1, more: false });
      expect(await full.accounts.search(`${t}before`, page)).toEqual({ accounts: [], total: 0, more: false });
      expect(await full.accounts.findByExternalId(stored.externalId, 5)).toEqual([]);
      expect(await full.accounts.findByExternalId(changed.externalId, 5)).toEqual([saved]);
    });

    it('a create whose announcement lapsed before its write (a stalled process) leaves only hints, which readers remove; the address stays free', async () => {
      const t = uniqueId('n').replace(/-/g, '').slice(0, 12);
      const first = account(`${t}Ghost`);
      // An announcement that lapses at once: every attempt adds the entries, then may not write.
      const stalled = await storeAllowedOnly(['+@all', '~*'], { announcementMs: 0 });
      await expect(stalled.accounts.create(first)).rejects.toThrow(StoreUnavailableError);
      expect(await full.accounts.findById(first.id)).toBeUndefined();

      await sleep(announcementMs + 100);
      expect(await full.accounts.search(`${t}ghost`, page)).toEqual({ accounts: [], total: 1, more: false });
      expect(await full.accounts.search(`${t}ghost`, page)).toEqual({ accounts: [], total: 0, more: false });
      expect(await full.accounts.findByExternalId(first.externalId, 5)).toEqual([]);
      const later = { ...account(`${t}Ghost`), email: first.email };
      await full.accounts.create(later);
      expect(await full.accounts.search(`${t}ghost`, page)).toEqual({ accounts: [later], total: 1, more: false });
    });

    it('a full reindex removes what writes cut short left in every index', async () => {
      const t = uniqueId('n').replace(/-/g, '').slice(0, 12);
      const stored = { ...account(`${t}Before`), endCheckAt: 10, invitation: asInvitation({ sentAt: 1 }) };
      await full.accounts.create(stored);
      const cutShort = await storeAllowedOnly(['+@all', '-zrem', '-srem', '~*']);
      await expect(
        cutShort.accounts.save({
          ...stored,
          name: `${t}After`,
          externalId: uniqueId('ext'),
          endCheckAt: 20,
          invitation: asInvitation({ sentAt: 1, acceptedAt: 2 }),
        }),
      ).rejects.toThrow(StoreUnavailableError);

      await full.accounts.reindex({ all: true });
      expect(await full.accounts.search(`${t}before`, page)).toEqual({ accounts: [], total: 0, more: false });
      // The hints of every test above are gone too: the count is of accounts.
      const count = await full.accounts.countListed();
      expect((await full.accounts.listed({ offset: 0 }, 1000)).accounts).toHaveLength(count);
      expect(ids((await full.accounts.openInvitations(0, 1000)).accounts)).not.toContain(stored.id);
      expect(ids(await full.accounts.endChecksDue(15, 0, 1000))).not.toContain(stored.id);
    });
  });
}
