import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadClients } from '../../src/oidc/clients.ts';

/** Registrations the service refuses to start on, naming the client. */
describe('client registrations', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-clients-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (clients: object[]) => {
    const path = join(dir, `${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(path, JSON.stringify(clients));
    return path;
  };

  test.each([
    ['with the authorization code grant', { client_id: 'portal', scope: 'openid scim', redirect_uris: ['https://a.example/cb'] }],
    ['with refresh tokens too', { client_id: 'sync', scope: 'scim', grant_types: ['client_credentials', 'refresh_token'] }],
  ])('the scim scope %s is refused: a user token could carry it', (_what, client) => {
    expect(() => loadClients(file([client]), 'https://idp.example')).toThrow(/scim is granted to client_credentials clients only/);
  });

  test('the scim scope for a client_credentials client is accepted', () => {
    const clients = loadClients(
      file([{ client_id: 'provisioner', scope: 'scim', grant_types: ['client_credentials'], redirect_uris: [], response_types: [] }]),
      'https://idp.example',
    );
    expect(clients.map((c) => c.client_id)).toEqual(['provisioner', 'idp-account']);
  });
});
