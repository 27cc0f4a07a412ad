/**
 * What every benchmarked server is given alike: the same client registrations
 * (those of test/support/test-idp.ts) and the same scope and claim set, so
 * that our service and the plain node-oidc-provider baseline do equal work.
 */
export const CALLBACK = 'http://127.0.0.1:9/callback';
export const PASSWORD = 'correct horse battery staple 42';
export const LOGIN_SCOPE = 'openid email profile';
export const OFFLINE_SCOPE = 'openid email profile offline_access';

export const CLIENTS = [
  {
    client_id: 'portal',
    client_secret: 'portal-secret',
    redirect_uris: [CALLBACK],
    grant_types: ['authorization_code', 'refresh_token'],
    first_party: true,
    client_name: 'Microdataportaal',
  },
  { client_id: 'service', client_secret: 'service-secret', redirect_uris: [], response_types: [], grant_types: ['client_credentials'] },
];

/** How a seeded user signed in, recorded in the tokens minted for them. */
export const MFA_LOGIN = { amr: ['pwd', 'otp', 'mfa'], acr: 'http://schemas.openid.net/pape/policies/2007/06/multi-factor' };

export interface BenchAccount {
  id: string;
  email: string;
  secret: string;
}
/** Per virtual user a refresh and an access token; `revocable`: access tokens to use up, one per revocation. */
export interface MintedTokens {
  refresh: string[];
  access: string[];
  revocable: string[];
}
