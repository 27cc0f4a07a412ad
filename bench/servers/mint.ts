import type Provider from 'oidc-provider';
import { MFA_LOGIN, OFFLINE_SCOPE, type MintedTokens } from '../fixture.ts';

/**
 * Tokens for the token-endpoint scenarios, made through the provider's own
 * models exactly as a code exchange would, on our service and on the plain
 * baseline alike. Logging in through the screens would only add argon2 time
 * to the set-up, not to what is measured.
 */
export async function mintTokens(provider: Provider, accountIds: string[], count: number): Promise<MintedTokens> {
  const client = (await provider.Client.find('portal'))!;
  const now = Math.floor(Date.now() / 1000);
  const minted: MintedTokens = { refresh: [], access: [] };
  for (let i = 0; i < count; i++) {
    const accountId = accountIds[i % accountIds.length]!;
    const grant = new provider.Grant({ accountId, clientId: 'portal' });
    grant.addOIDCScope(OFFLINE_SCOPE);
    const grantId = await grant.save();
    const common = { accountId, client, grantId, authTime: now, ...MFA_LOGIN };
    const refresh = new provider.RefreshToken({ ...common, scope: OFFLINE_SCOPE, gty: 'authorization_code' });
    const access = new provider.AccessToken({ ...common, scope: OFFLINE_SCOPE, gty: 'authorization_code' });
    minted.refresh.push(await refresh.save());
    minted.access.push(await access.save());
  }
  return minted;
}

/** What one signed-in user leaves behind: a session, its grant, an access and a refresh token. */
export async function mintSignedInUser(provider: Provider, accountId: string): Promise<void> {
  const client = (await provider.Client.find('portal'))!;
  const now = Math.floor(Date.now() / 1000);
  const grant = new provider.Grant({ accountId, clientId: 'portal' });
  grant.addOIDCScope(OFFLINE_SCOPE);
  const grantId = await grant.save();
  // The types declare no constructor payload; the model takes one (lib/models/session.js).
  const SessionModel = provider.Session as unknown as new (payload: object) => InstanceType<typeof provider.Session>;
  const session = new SessionModel({ accountId, loginTs: now, ...MFA_LOGIN, authorizations: { portal: { grantId, persistsLogout: true } } });
  await session.save(12 * 60 * 60);
  const common = { accountId, client, grantId, authTime: now, sessionUid: session.uid, ...MFA_LOGIN };
  await new provider.RefreshToken({ ...common, scope: OFFLINE_SCOPE, gty: 'authorization_code' }).save();
  await new provider.AccessToken({ ...common, scope: OFFLINE_SCOPE, gty: 'authorization_code' }).save();
}
