import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { jest } from '@jest/globals';
import Provider from 'oidc-provider';
import type { LogoutNotice } from '../../adapters/types.ts';
import { PATCHED, PATCHED_FOR, patchProviderForLogout } from '../../src/logout/provider-patch.ts';

/**
 * Sign-out changes node-oidc-provider's own classes (src/logout/provider-patch.ts).
 * A new version of the provider may rename, stop calling, or start relying on
 * what is patched: it is taken only after someone has read the patched places again.
 */
const PACKAGE = resolve(import.meta.dirname, '../../node_modules/oidc-provider');
const installed = (JSON.parse(readFileSync(join(PACKAGE, 'package.json'), 'utf8')) as { version: string }).version;

test('the installed oidc-provider is the version the sign-out patches were read against', () => {
  const recheck = [
    `oidc-provider ${installed} is installed; src/logout/provider-patch.ts was read against ${PATCHED_FOR}.`,
    `Re-check in node_modules/oidc-provider, then set PATCHED_FOR to ${installed}:`,
    ...PATCHED.map((p) => `- ${p.what} (${p.where}): ${p.why}`),
  ].join('\n');
  expect(installed === PATCHED_FOR ? 'unchanged' : recheck).toBe('unchanged');
});

test.each(PATCHED)('$what is still where the patch found it ($where)', ({ where, call }) => {
  expect(readFileSync(join(PACKAGE, where), 'utf8')).toContain(call);
});

describe('the patched provider', () => {
  const queued: LogoutNotice[] = [];
  const ended: { grantIds: string[]; sessionStored: boolean }[] = [];
  /** Whether the session being destroyed is still in the store (set by the test that destroys one). */
  let sessionStored = async () => false;
  let provider: Provider;
  let original: { backchannelLogout: unknown; destroy: unknown };

  beforeAll(() => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    provider = new Provider('http://127.0.0.1', {
      clients: [
        { client_id: 'with-back-channel', client_secret: 'a secret', redirect_uris: ['http://127.0.0.1/cb'], backchannel_logout_uri: 'http://127.0.0.1/bcl' },
        { client_id: 'without', client_secret: 'a secret', redirect_uris: ['http://127.0.0.1/cb'] },
      ],
      features: { devInteractions: { enabled: false }, backchannelLogout: { enabled: true } },
    });
    warn.mockRestore();
    original = {
      backchannelLogout: (provider.Client.prototype as unknown as Record<string, unknown>).backchannelLogout,
      destroy: (provider.Session.prototype as unknown as Record<string, unknown>).destroy,
    };
    const sendNow = patchProviderForLogout(provider, {
      queue: async (notice) => {
        queued.push(notice);
      },
      endGrants: async (grantIds) => {
        ended.push({ grantIds, sessionStored: await sessionStored() });
      },
    });
    expect(sendNow).toBe(original.backchannelLogout);
  });

  test('a back-channel logout the provider makes is queued with what re-signing needs, and not sent', async () => {
    const client = (await provider.Client.find('with-back-channel')) as unknown as { backchannelLogout(sub: string, sid?: string): Promise<void> };
    expect(client.backchannelLogout).not.toBe(original.backchannelLogout);
    await client.backchannelLogout('account-1', 'session-1');
    await client.backchannelLogout('account-1');
    expect(queued).toEqual([
      { clientId: 'with-back-channel', sub: 'account-1', sid: 'session-1' },
      { clientId: 'with-back-channel', sub: 'account-1' },
    ]);
  });

  test('every ID token carries sid, back-channel endpoint or not', async () => {
    for (const id of ['with-back-channel', 'without']) {
      expect(((await provider.Client.find(id)) as unknown as { includeSid(): boolean }).includeSid()).toBe(true);
    }
  });

  test('destroying a session ends the grants of its applications first, then the session', async () => {
    const session = new provider.Session();
    session.accountId = 'account-1';
    session.authorizations = { 'with-back-channel': { grantId: 'grant-a' }, without: { grantId: 'grant-b' }, 'no-grant': {} } as never;
    // Session#save takes a lifetime in seconds (its types say none).
    await (session.save as unknown as (ttl: number) => Promise<string>).call(session, 60);
    sessionStored = async () => !!(await provider.Session.find(session.jti));
    expect(await sessionStored()).toBe(true);
    expect(session.destroy).not.toBe(original.destroy);
    await session.destroy();
    expect(ended).toEqual([{ grantIds: ['grant-a', 'grant-b'], sessionStored: true }]);
    expect(await sessionStored()).toBe(false);
  });
});
