import type { RedisClient, UpstreamLink, UpstreamLinkStore } from '../types.ts';
import type { RedisKeys } from './keys.ts';
import { defineScript } from './script.ts';

/**
 * Two keys, in two Cluster slots, so no transaction spans them:
 * - {ul:<issuer>:<subject>}: the link itself (JSON), created with SET NX: the
 *   one that decides whose the pair is;
 * - {ula:<accountId>}: a set of the account's pairs ([issuer, subject] as JSON),
 *   a hint that a reader checks against the link it names.
 * Linking announces the pair in the account's set, creates the link, and
 * announces it again; unlinking deletes the link first, then the hint. So a link is never missing
 * from its account's set (My account and the console always show it); a hint
 * without its link is only an extra that readers skip. Whoever removes a hint
 * asks again afterwards and puts it back if the link became the account's
 * meanwhile, so a write cut short at any step heals.
 */
type Pair = [issuer: string, subject: string];

// Deletes the link when it is ARGV[1]'s.
const unlinkLua = `
local stored = redis.call('GET', KEYS[1])
if not stored or cjson.decode(stored).accountId ~= ARGV[1] then return 0 end
redis.call('DEL', KEYS[1])
return 1`;

// Sets lastUsedAt when the link is ARGV[1]'s.
const usedLua = `
local stored = redis.call('GET', KEYS[1])
if not stored then return 0 end
local link = cjson.decode(stored)
if link.accountId ~= ARGV[1] then return 0 end
link.lastUsedAt = tonumber(ARGV[2])
redis.call('SET', KEYS[1], cjson.encode(link))
return 1`;

export function redisUpstreamLinks(redis: RedisClient, keys: RedisKeys): UpstreamLinkStore {
  const unlinkScript = defineScript<number>(redis, 'idpUpstreamUnlink', unlinkLua);
  const usedScript = defineScript<number>(redis, 'idpUpstreamUsed', usedLua);
  const hint = (issuer: string, subject: string) => JSON.stringify([issuer, subject] satisfies Pair);

  const find = async (issuer: string, subject: string): Promise<UpstreamLink | undefined> => {
    const stored = await redis.get(keys.upstreamLink(issuer, subject));
    return stored === null ? undefined : (JSON.parse(stored) as UpstreamLink);
  };

  /** Removes the account's hint of a pair that is not its link, and puts it back if it has become so since. */
  const dropHint = async (accountId: string, issuer: string, subject: string) => {
    await redis.srem(keys.upstreamLinksOf(accountId), hint(issuer, subject));
    if ((await find(issuer, subject))?.accountId === accountId) await redis.sadd(keys.upstreamLinksOf(accountId), hint(issuer, subject));
  };

  return {
    async link(link) {
      const { issuer, subject, accountId } = link;
      const announce = () => redis.sadd(keys.upstreamLinksOf(accountId), hint(issuer, subject));
      await announce();
      const created = (await redis.set(keys.upstreamLink(issuer, subject), JSON.stringify(link), 'NX')) === 'OK';
      if (created || (await find(issuer, subject))?.accountId === accountId) {
        // Again, now that the link is there: a hint dropped by a reader who looked just before is back.
        await announce();
        return created ? 'linked' : 'already';
      }
      await dropHint(accountId, issuer, subject);
      return 'taken';
    },
    find,
    async ofAccount(accountId) {
      const pairs = (await redis.smembers(keys.upstreamLinksOf(accountId))).map((member) => JSON.parse(member) as Pair);
      const links = await Promise.all(
        pairs.map(async ([issuer, subject]) => {
          const link = await find(issuer, subject);
          if (link?.accountId === accountId) return link;
          await dropHint(accountId, issuer, subject);
          return undefined;
        }),
      );
      return links
        .filter((link) => link !== undefined)
        .sort((a, b) => a.linkedAt - b.linkedAt || a.issuer.localeCompare(b.issuer) || a.subject.localeCompare(b.subject));
    },
    async unlink(accountId, issuer, subject) {
      const removed = (await unlinkScript(keys.upstreamLink(issuer, subject), accountId)) === 1;
      if (removed) await dropHint(accountId, issuer, subject);
      return removed;
    },
    async used(accountId, issuer, subject, at) {
      await usedScript(keys.upstreamLink(issuer, subject), accountId, at);
    },
  };
}
