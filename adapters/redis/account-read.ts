import type { RedisClient, StoredAccount } from '../types.ts';
import type { RedisKeys } from './keys.ts';
import { hashFields } from './hash-fields.ts';

/** An account by id; with `expectedEmailKey`, only while it still has that address (an e-mail index entry is a hint too). */
export async function readAccount(redis: RedisClient, keys: RedisKeys, id: string, expectedEmailKey?: string): Promise<StoredAccount | undefined> {
  const [version, document, storedEmailKey] = await hashFields(redis, keys.account(id), 'version', 'document', 'emailKey');
  if (version === null || document === null) return undefined;
  // An index entry left behind by an interrupted e-mail change must not find this account.
  if (expectedEmailKey !== undefined && storedEmailKey !== expectedEmailKey) return undefined;
  return { ...(JSON.parse(document) as StoredAccount), version: Number(version) };
}
