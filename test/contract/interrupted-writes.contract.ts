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
import { uniqueId } from './helpers.ts';

export interface RedisUnderTest { settings: RedisSettings; ports: number[]; password: string }

const claimLeaseMs = 300;

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
    const storeAllowedOnly = async (rules: string[]) => {
      const { settings, ports, password } = redis();
      const username = uniqueId('cut-short');
      for (const port of ports) await redisCli(port, ['acl', 'setuser', username, 'on', '>user-secret', ...rules], password);
      const store = await openRedisStore({ settings: asUser(settings, username, 'user-secret'), prefix, claimLeaseMs });
      opened.push(store);
      return store;
    };

    beforeAll(async () => {
      full = await openRedisStore({ settings: redis().settings, prefix });
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
  });
}
