/**
 * The oidc-provider 9 models that carry a grantId and are revoked with their grant
 * (node_modules/oidc-provider/lib/helpers/revoke.js). Interaction and Session also
 * hold grant ids, but outlive a single grant, so they are not indexed.
 */
export const grantableModels: ReadonlySet<string> = new Set([
  'AccessToken',
  'AuthorizationCode',
  'RefreshToken',
  'DeviceCode',
  'BackchannelAuthenticationRequest',
  'PreAuthorizedCode',
]);

export function epochSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
