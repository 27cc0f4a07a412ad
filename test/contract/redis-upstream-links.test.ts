import { openRedisStore } from '../../adapters/redis/index.ts';
import { redisKeys } from '../../adapters/redis/keys.ts';
import type { Store, UpstreamLink } from '../../adapters/types.ts';
import { dropKeys, REDIS_URL } from '../support/redis-keys.ts';

/**
 * On Redis a link and its account's list live in two slots: a link written half
 * (the process died after announcing it in the account's list, or a pair that went
 * to another account) leaves a hint that readers check, skip and clear.
 */
const prefix = `idp-test:${crypto.randomUUID()}:`;
const keys = redisKeys(prefix);
let store: Store;
beforeAll(async () => {
  store = await openRedisStore({ settings: { topology: { kind: 'single', url: REDIS_URL } }, prefix });
});
afterAll(async () => {
  await dropKeys(prefix);
  await store.close();
});

const link = (accountId: string, subject: string): UpstreamLink => ({
  issuer: 'https://connect.surfconext.example',
  subject,
  accountId,
  provider: 'surfconext',
  via: 'account',
  label: {},
  linkedAt: 1_700_000_000,
});

test('a hint without its link (a link cut short) is not listed, and is cleared', async () => {
  const account = crypto.randomUUID();
  await store.upstreamLinks.link(link(account, 'kept'));
  await store.redis!.sadd(keys.upstreamLinksOf(account), JSON.stringify(['https://connect.surfconext.example', 'cut-short']));
  expect((await store.upstreamLinks.ofAccount(account)).map((l) => l.subject)).toEqual(['kept']);
  expect(await store.redis!.smembers(keys.upstreamLinksOf(account))).toEqual([JSON.stringify(['https://connect.surfconext.example', 'kept'])]);
});

test("a hint of a pair that is another account's is not listed for this one", async () => {
  const [owner, other] = [crypto.randomUUID(), crypto.randomUUID()];
  await store.upstreamLinks.link(link(owner, 'theirs'));
  await store.redis!.sadd(keys.upstreamLinksOf(other), JSON.stringify(['https://connect.surfconext.example', 'theirs']));
  expect(await store.upstreamLinks.ofAccount(other)).toEqual([]);
  expect(await store.upstreamLinks.ofAccount(owner)).toEqual([link(owner, 'theirs')]);
});

test('a link whose hint went missing is listed again once it is linked again', async () => {
  const account = crypto.randomUUID();
  await store.upstreamLinks.link(link(account, 'lost-hint'));
  await store.redis!.del(keys.upstreamLinksOf(account));
  expect(await store.upstreamLinks.link(link(account, 'lost-hint'))).toBe('already');
  expect((await store.upstreamLinks.ofAccount(account)).map((l) => l.subject)).toEqual(['lost-hint']);
});
