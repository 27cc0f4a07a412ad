import type Provider from 'oidc-provider';
import { MFA_LOGIN, OFFLINE_SCOPE, type MintedTokens } from '../fixture.ts';

/** A saved grant for the portal with the offline scope; the fields a token of it carries. */
async function granted(provider: Provider, accountId: string) {
  const grant = new provider.Grant({ accountId, clientId: 'portal' });
  grant.addOIDCScope(OFFLINE_SCOPE);
  const grantId = await grant.save();
  const client = (await provider.Client.find('portal'))!;
  return { accountId, client, grantId, authTime: Math.floor(Date.now() / 1000), scope: OFFLINE_SCOPE, gty: 'authorization_code', ...MFA_LOGIN };
}

/**
 * Tokens for the token-endpoint scenarios, made through the provider's own
 * models exactly as a code exchange would, on our service and on the plain
 * baselines alike. Logging in through the screens would only add argon2 time
 * to the set-up, not to what is measured. `count` refresh and access tokens
 * (one per virtual user), and `revocable` access tokens with a grant each,
 * since revoking one revokes its grant.
 */
export async function mintTokens(provider: Provider, accountIds: string[], count: number, revocable = 0): Promise<MintedTokens> {
  const minted: MintedTokens = { refresh: [], access: [], revocable: [] };
  for (let i = 0; i < count; i++) {
    const common = await granted(provider, accountIds[i % accountIds.length]!);
    minted.refresh.push(await new provider.RefreshToken(common).save());
    minted.access.push(await new provider.AccessToken(common).save());
  }
  for (let start = 0; start < revocable; start += 100) {
    minted.revocable.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(100, revocable - start) }, async (_, i) =>
          new provider.AccessToken(await granted(provider, accountIds[(start + i) % accountIds.length]!)).save(),
        ),
      )),
    );
  }
  return minted;
}

/** What one signed-in user leaves behind: a session, its grant, an access and a refresh token. */
export async function mintSignedInUser(provider: Provider, accountId: string): Promise<void> {
  const common = await granted(provider, accountId);
  // The types declare no constructor payload; the model takes one (lib/models/session.js).
  const SessionModel = provider.Session as unknown as new (payload: object) => InstanceType<typeof provider.Session>;
  const session = new SessionModel({
    accountId,
    loginTs: common.authTime,
    ...MFA_LOGIN,
    authorizations: { portal: { grantId: common.grantId, persistsLogout: true } },
  });
  await session.save(12 * 60 * 60);
  await new provider.RefreshToken({ ...common, sessionUid: session.uid }).save();
  await new provider.AccessToken({ ...common, sessionUid: session.uid }).save();
}
