import { createHmac } from 'node:crypto';
import type { Configuration } from 'oidc-provider';

/**
 * Pairwise subject identifiers (OpenID Connect Core §8.1): an HMAC-SHA-256, under
 * PAIRWISE_SALT, of the client's sector (the host of its redirect URIs, or of its
 * sector_identifier_uri) and the account's internal id. The same user gets the
 * same `sub` at every client of a sector, a different one at every other sector,
 * and the same one after a restart or a signing-key rotation (the salt is not a
 * signing key); nobody can go back from a `sub` to the account id without the salt.
 */
export function pairwiseSubject(salt: Buffer): NonNullable<Configuration['pairwiseIdentifier']> {
  return (_ctx, accountId, client) => createHmac('sha256', salt).update(`${client.sectorIdentifier}\n${accountId}`).digest('base64url');
}
