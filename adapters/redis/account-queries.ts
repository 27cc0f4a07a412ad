import type { AccountStore, RedisClient, StoredAccount } from '../types.ts';
import { MAX_TERM_LENGTH, prefixEnd, searchPage, searchText, type TermMatch } from '../shared/account-index.ts';
import type { RedisKeys } from './keys.ts';
import { entriesOf, entryId, type AccountIndex, type Entry } from './account-index.ts';
import { readAccount } from './account-read.ts';

type Queries = Pick<AccountStore, 'findByExternalId' | 'countListed' | 'listed' | 'search' | 'openInvitations' | 'endChecksDue'>;

/** A hint read from an index: the account it names, and the entry it is. */
interface Hint {
  id: string;
  entry: Entry;
}

const idAfterNul = (member: string) => member.slice(member.indexOf('\u0000') + 1);
const byBytes = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** The accounts that hints name, each kept only if it still has that entry; a hint that no longer holds is removed. */
export function verifiedBy(redis: RedisClient, keys: RedisKeys, index: AccountIndex) {
  return async (hints: Hint[]): Promise<StoredAccount[]> => {
    const accounts = await Promise.all(hints.map(({ id }) => readAccount(redis, keys, id)));
    const stale: Hint[] = [];
    const found = accounts.filter((account, i): account is StoredAccount => {
      const holds = account !== undefined && entriesOf(account, keys).some((e) => entryId(e) === entryId(hints[i]!.entry));
      if (!holds) stale.push(hints[i]!);
      return holds;
    });
    // Healing is a courtesy of the reader: its failure does not fail the answer.
    await Promise.all(stale.map(({ id, entry }) => index.removeUnwanted(id, [entry]).catch(() => undefined)));
    return found;
  };
}

export function redisAccountQueries(redis: RedisClient, keys: RedisKeys, index: AccountIndex): Queries {
  const verified = verifiedBy(redis, keys, index);
  const list = keys.accountIndex('list');
  const names = keys.accountIndex('names');
  const invitations = keys.accountIndex('invitations');
  const endChecks = keys.accountIndex('end-checks');
  const lexHints = (key: string, members: string[]) => members.map((m): Hint => ({ id: idAfterNul(m), entry: ['z', key, m, 0] }));
  const termRange = async (key: string, wanted: string, limit: number): Promise<(TermMatch & { member: string; key: string })[]> => {
    const members = await redis.zrange(key, `[${wanted}`, `(${prefixEnd(wanted)}`, 'BYLEX', 'LIMIT', 0, limit);
    return members.map((member) => ({ member, key, term: member.slice(0, member.indexOf('\u0000')), id: idAfterNul(member) }));
  };

  return {
    async findByExternalId(externalId, limit) {
      const key = keys.externalId(externalId);
      const ids = await redis.srandmember(key, limit);
      return verified(ids.map((id) => ({ id, entry: ['s', key, id] })));
    },
    countListed: () => redis.zcard(list),
    async listed(from, limit) {
      const members =
        'after' in from
          ? await redis.zrange(list, `(${from.after}`, '+', 'BYLEX', 'LIMIT', 0, limit)
          : await redis.zrange(list, from.offset, String(from.offset + limit - 1));
      const accounts = await verified(lexHints(list, members));
      return { accounts, ...(members.length === limit ? { next: members.at(-1)! } : {}) };
    },
    async search(text, page) {
      const wanted = searchText(text);
      if (!wanted) return { accounts: [], total: 0, more: false };
      const ranges = await Promise.all([termRange(list, wanted, page.within + 1), termRange(names, wanted.slice(0, MAX_TERM_LENGTH), page.within + 1)]);
      const matches = ranges
        .flat()
        .sort((a, b) => byBytes(a.member, b.member))
        .slice(0, page.within + 1);
      const { ids, total, more } = searchPage(matches, page);
      const first = new Map(matches.toReversed().map((m) => [m.id, m]));
      const accounts = await verified(ids.map((id) => ({ id, entry: ['z', first.get(id)!.key, first.get(id)!.member, 0] })));
      return { accounts, total, more };
    },
    async openInvitations(offset, limit) {
      const [members, total] = await Promise.all([redis.zrange(invitations, offset, String(offset + limit - 1)), redis.zcard(invitations)]);
      return { accounts: await verified(lexHints(invitations, members)), total };
    },
    async endChecksDue(now, offset, limit) {
      const members = await redis.zrange(endChecks, '-inf', String(now), 'BYSCORE', 'LIMIT', offset, limit);
      return verified(members.map((m) => ({ id: m.slice(0, m.indexOf('\u0000')), entry: ['z', endChecks, m, Number(idAfterNul(m))] })));
    },
  };
}
