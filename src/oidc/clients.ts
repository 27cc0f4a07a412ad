import { readFileSync } from 'node:fs';
import type { ClientMetadata } from 'oidc-provider';
import { ConfigError } from '../config.ts';
import { PLACEHOLDER, SECRET_MIN_BITS, secretBits } from '../security/secret-strength.ts';

/** The demo client, registered only in development when no CLIENTS_FILE is given. */
export function demoClient(issuer: string): ClientMetadata {
  return {
    client_id: 'demo-app',
    client_secret: 'demo-app-secret-for-development-only',
    client_name: 'Demo application',
    redirect_uris: [`${issuer}/demo/callback`],
    post_logout_redirect_uris: [`${issuer}/`],
    grant_types: ['authorization_code', 'refresh_token'],
    first_party: true,
  };
}

export const ACCOUNT_CLIENT_ID = 'idp-account';

/**
 * The service's own My account page and helpdesk console, registered always: they
 * signs users in through the normal authorization request, so the same password
 * and second factor apply. A public client; PKCE is required for every client.
 */
export function accountClient(issuer: string): ClientMetadata {
  return {
    client_id: ACCOUNT_CLIENT_ID,
    client_name: 'CBS Microdata',
    token_endpoint_auth_method: 'none',
    // The helpdesk console (src/flows/admin) signs staff in the same way.
    redirect_uris: [`${issuer}/account/callback`, `${issuer}/admin/callback`],
    grant_types: ['authorization_code'],
    first_party: true,
  };
}

/** What a client registered without a "scope" may ask for: the scopes of a user's sign-in. */
export const USER_SCOPES = 'openid email profile offline_access';

/**
 * SCIM's scope belongs to the administration system's own token (client_credentials):
 * a registration that could also carry it on a user's tokens is refused.
 */
function scimProblem(client: ClientMetadata): string | undefined {
  const scopes = typeof client?.scope === 'string' ? client.scope.split(' ') : [];
  const grants = client?.grant_types ?? ['authorization_code'];
  if (scopes.includes('scim') && grants.some((g) => g !== 'client_credentials')) {
    return `${client.client_id} lists the scim scope with grant types other than client_credentials`;
  }
  return undefined;
}

/** What the README asks of a client secret: 32 or more random characters. */
const weakSecret = (secret: string) => secret.length < 32 || secretBits(secret) < SECRET_MIN_BITS;

export function loadClients(clientsFile: string | undefined, issuer: string, production = false): ClientMetadata[] {
  if (!clientsFile) return [demoClient(issuer), accountClient(issuer)];
  const clients = JSON.parse(readFileSync(clientsFile, 'utf8')) as unknown;
  if (!Array.isArray(clients)) throw new ConfigError(`CLIENTS_FILE (${clientsFile}) must hold a JSON array of client registrations`);
  const placeholders = (clients as ClientMetadata[]).filter((c) => typeof c?.client_secret === 'string' && PLACEHOLDER.test(c.client_secret));
  if (production && placeholders.length) {
    throw new ConfigError(`CLIENTS_FILE (${clientsFile}) still holds the example's placeholder secret for ${placeholders.map((c) => c.client_id).join(', ')}`);
  }
  const weak = (clients as ClientMetadata[]).filter((c) => typeof c?.client_secret === 'string' && weakSecret(c.client_secret));
  if (production && weak.length) {
    throw new ConfigError(
      `CLIENTS_FILE (${clientsFile}): the client_secret of ${weak.map((c) => c.client_id).join(', ')} is shorter than 32 characters or not random; generate each with \`openssl rand -base64 32\``,
    );
  }
  const scim = (clients as ClientMetadata[]).map(scimProblem).filter(Boolean);
  if (scim.length) throw new ConfigError(`CLIENTS_FILE (${clientsFile}): ${scim.join('; ')}; scim is granted to client_credentials clients only`);
  if (clients.some((c: ClientMetadata) => c?.client_id === ACCOUNT_CLIENT_ID)) {
    throw new ConfigError(`CLIENTS_FILE (${clientsFile}) registers "${ACCOUNT_CLIENT_ID}", which the service keeps for its own My account page`);
  }
  return [...(clients as ClientMetadata[]), accountClient(issuer)];
}
