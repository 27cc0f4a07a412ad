import * as oidc from 'openid-client';
import type { TestIdp } from './test-idp.ts';

export interface ScimAnswer {
  status: number;
  type: string | null;
  etag: string | null;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: JSON of whichever resource the test asked for; its expectations check the fields it reads
  body: any;
}

/**
 * CBS's administration system as a SCIM client: a client_credentials token with
 * the scim scope from the provider's own token endpoint, JSON in and out (a
 * string body is sent as it is, for malformed ones).
 */
export async function scimClient(idp: Pick<TestIdp, 'issuer' | 'client'>) {
  const token = (await oidc.clientCredentialsGrant(await idp.client('provisioner'), { scope: 'scim' })).access_token;
  return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ScimAnswer> => {
    const res = await fetch(`${idp.issuer}/scim/v2${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body !== undefined ? { 'content-type': 'application/scim+json' } : {}), ...headers },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type'),
      etag: res.headers.get('etag'),
      headers: res.headers,
      body: text ? JSON.parse(text) : undefined,
    };
  };
}
export type Scim = Awaited<ReturnType<typeof scimClient>>;
