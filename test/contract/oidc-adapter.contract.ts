import type { AdapterPayload } from '../../adapters/types.ts';
import { sleep, uniqueId, type StoreAccess } from './helpers.ts';

export function oidcAdapterContract(store: StoreAccess): void {
  describe('oidc-provider adapter', () => {
    const adapter = (model: string) => store().oidcAdapter(model);
    const token = (extra: AdapterPayload = {}): AdapterPayload => ({ jti: uniqueId('jti'), kind: 'AccessToken', ...extra });

    it('finds what was upserted, until it is destroyed', async () => {
      const accessTokens = adapter('AccessToken');
      const payload = token({ accountId: 'acc-1', scope: 'openid email', amr: [] });
      await accessTokens.upsert(payload.jti!, payload, 60);
      expect(await accessTokens.find(payload.jti!)).toEqual(payload);

      await accessTokens.destroy(payload.jti!);
      expect(await accessTokens.find(payload.jti!)).toBeUndefined();
    });

    it('replaces the payload on a second upsert and keeps models apart', async () => {
      const id = uniqueId('same-id');
      await adapter('Interaction').upsert(id, { uid: 'first' }, 60);
      await adapter('Interaction').upsert(id, { uid: 'second' }, 60);
      expect(await adapter('Interaction').find(id)).toEqual({ uid: 'second' });
      expect(await adapter('Session').find(id)).toBeUndefined();
    });

    it('finds nothing once the TTL has passed', async () => {
      const id = uniqueId('session');
      const uid = uniqueId('uid');
      await adapter('Session').upsert(id, { uid }, 1);
      await sleep(1200);
      expect(await adapter('Session').find(id)).toBeUndefined();
      expect(await adapter('Session').findByUid(uid)).toBeUndefined();
    });

    it('marks a consumed payload with the epoch second of consumption', async () => {
      const codes = adapter('AuthorizationCode');
      const payload = token({ kind: 'AuthorizationCode' });
      await codes.upsert(payload.jti!, payload, 60);
      const before = Math.floor(Date.now() / 1000);
      await codes.consume(payload.jti!);
      const found = await codes.find(payload.jti!);
      expect(found).toMatchObject(payload);
      expect(found?.consumed).toBeGreaterThanOrEqual(before);
      expect(found?.consumed).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
    });

    it('consuming an unknown id creates nothing', async () => {
      const id = uniqueId('missing');
      await adapter('AuthorizationCode').consume(id);
      expect(await adapter('AuthorizationCode').find(id)).toBeUndefined();
    });

    it('finds a session by its uid', async () => {
      const id = uniqueId('session');
      const payload = { uid: uniqueId('uid'), accountId: 'acc-1' };
      await adapter('Session').upsert(id, payload, 60);
      expect(await adapter('Session').findByUid(payload.uid)).toEqual(payload);
      expect(await adapter('Session').findByUid(uniqueId('other-uid'))).toBeUndefined();
    });

    it('finds a device code by its user code', async () => {
      const payload = token({ kind: 'DeviceCode', userCode: uniqueId('WDJB-MJHT') });
      await adapter('DeviceCode').upsert(payload.jti!, payload, 60);
      expect(await adapter('DeviceCode').findByUserCode(payload.userCode!)).toEqual(payload);
      expect(await adapter('DeviceCode').findByUserCode(uniqueId('BDWP-HQPK'))).toBeUndefined();
    });

    it('revokes every token of a grant, whatever its model, and nothing of another grant', async () => {
      const [grantId, otherGrantId] = [uniqueId('grant'), uniqueId('grant')];
      const models = ['AccessToken', 'RefreshToken', 'AuthorizationCode', 'DeviceCode', 'BackchannelAuthenticationRequest', 'PreAuthorizedCode'];
      const ofGrant = models.map((model) => ({ model, payload: token({ kind: model, grantId }) }));
      const ofOtherGrant = models.map((model) => ({ model, payload: token({ kind: model, grantId: otherGrantId }) }));
      for (const { model, payload } of [...ofGrant, ...ofOtherGrant]) {
        await adapter(model).upsert(payload.jti!, payload, 60);
      }

      await adapter('AccessToken').revokeByGrantId(grantId);

      for (const { model, payload } of ofGrant) expect(await adapter(model).find(payload.jti!)).toBeUndefined();
      for (const { model, payload } of ofOtherGrant) expect(await adapter(model).find(payload.jti!)).toEqual(payload);
    });

    it('still revokes a long-lived token after a shorter-lived token of its grant has expired', async () => {
      const grantId = uniqueId('grant');
      const refreshToken = token({ kind: 'RefreshToken', grantId });
      const accessToken = token({ kind: 'AccessToken', grantId });
      await adapter('RefreshToken').upsert(refreshToken.jti!, refreshToken, 60);
      await adapter('AccessToken').upsert(accessToken.jti!, accessToken, 1);
      await sleep(1200);

      await adapter('RefreshToken').revokeByGrantId(grantId);
      expect(await adapter('RefreshToken').find(refreshToken.jti!)).toBeUndefined();
    });
  });
}
