/**
 * Every key of one aggregate shares one hash tag, so that each multi-key operation
 * stays in one Redis Cluster slot. Ids are URI-encoded: a '}' in an id cannot end the
 * tag early, and no two (kind, id) pairs yield the same key.
 */
export type RedisKeys = ReturnType<typeof redisKeys>;

export function redisKeys(prefix: string) {
  if (/[{}]/.test(prefix)) throw new Error(`the Redis key prefix may not contain braces: ${prefix}`);
  const tag = (kind: string, ...ids: string[]) => `${prefix}{${kind}:${ids.map(encodeURIComponent).join(':')}}`;
  return {
    oidc: (model: string, id: string) => tag('o', model, id),
    grant: (grantId: string) => tag('g', grantId),
    sessionUid: (uid: string) => tag('uid', uid),
    userCode: (model: string, userCode: string) => tag('uc', model, userCode),
    account: (id: string) => tag('a', id),
    /** The account's history (audit events), in the account's own slot. */
    history: (id: string) => `${tag('a', id)}:history`,
    /** The ids a release before the account indexes kept of every account; reindex indexes them and empties it. */
    accountIds: `${prefix}{accounts}`,
    email: (emailKey: string) => tag('e', emailKey),
    /** Account indexes (account-index.ts), each a key and slot of its own. */
    accountIndex: (name: 'list' | 'names' | 'invitations' | 'end-checks') => `${prefix}{ix:${name}}`,
    externalId: (externalId: string) => tag('x', externalId),
    /** SCAN patterns of every account and every externalId key (not the keys beside them, such as the history), and the id a key of either names. */
    matching: (kind: 'a' | 'x') => `${prefix.replace(/[*?[\]\\]/g, '\\$&')}{${kind}:*}`,
    idOf: (key: string) => decodeURIComponent(key.slice(key.indexOf('{') + 3, -1)),
    singleUseToken: (purpose: string, subject: string) => `${tag('s', subject)}:tokens:${encodeURIComponent(purpose)}`,
    replayMarker: (subject: string, marker: string) => `${tag('s', subject)}:r:${encodeURIComponent(marker)}`,
    logoutOutbox: `${prefix}{logout-outbox}`,
    /** An upstream identity's link, and the hints of an account's links (upstream-links.ts). */
    upstreamLink: (issuer: string, subject: string) => tag('ul', issuer, subject),
    upstreamLinksOf: (accountId: string) => tag('ula', accountId),
  };
}

/** Redis rejects a zero or negative expiry; a TTL that small means "expires at once". */
export function ttlMilliseconds(seconds: number): number {
  return Math.max(1, Math.round(seconds * 1000));
}
