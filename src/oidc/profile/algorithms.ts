import type { Configuration } from 'oidc-provider';

const SIGNING = ['PS256', 'RS256'] as const;
/** What clients sign with (request objects, client assertions): ES256 is at least as strong as RS256. */
const CLIENT_SIGNING = ['PS256', 'RS256', 'ES256'] as const;
const KEY_ENCRYPTION = ['RSA-OAEP', 'RSA-OAEP-256'] as const;
const CONTENT_ENCRYPTION = ['A256GCM'] as const;

/**
 * The profile's algorithms (OIDC NL GOV, Considerations › Algorithms): RS256
 * must, PS256 should and comes first; RSA-OAEP must, RSA-OAEP-256 should;
 * A256GCM must. Nothing weaker is offered anywhere: no HS* (there are no
 * client secrets), no `none`, no RSA1_5, no AES key wrap or `dir`.
 */
export const NLGOV_ALGORITHMS: NonNullable<Configuration['enabledJWA']> = {
  idTokenSigningAlgValues: SIGNING,
  userinfoSigningAlgValues: SIGNING,
  introspectionSigningAlgValues: SIGNING,
  authorizationSigningAlgValues: SIGNING,
  requestObjectSigningAlgValues: CLIENT_SIGNING,
  clientAuthSigningAlgValues: CLIENT_SIGNING,
  requestObjectEncryptionAlgValues: KEY_ENCRYPTION,
  requestObjectEncryptionEncValues: CONTENT_ENCRYPTION,
  idTokenEncryptionAlgValues: KEY_ENCRYPTION,
  idTokenEncryptionEncValues: CONTENT_ENCRYPTION,
  userinfoEncryptionAlgValues: KEY_ENCRYPTION,
  userinfoEncryptionEncValues: CONTENT_ENCRYPTION,
  introspectionEncryptionAlgValues: KEY_ENCRYPTION,
  introspectionEncryptionEncValues: CONTENT_ENCRYPTION,
  authorizationEncryptionAlgValues: KEY_ENCRYPTION,
  authorizationEncryptionEncValues: CONTENT_ENCRYPTION,
};

/** The signing algorithm of what the provider signs by default: ID tokens, signed metadata, and (unless NLGOV_ACCESS_TOKEN_SIGNING_ALG says RS256) JWT access tokens. */
export const NLGOV_SIGNING_ALG = 'PS256' as const;
