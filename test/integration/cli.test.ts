import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `npx idp …` as an operator runs it: a real process on the embedded store. */
function idp(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['bin/idp.js', ...args], { env: { ...process.env, DATA_DIR: dir, REDIS_URL: '' } }, (error, out, err) => {
      resolve({ code: error ? (error.code as number) : 0, out, err });
    });
  });
}

describe('idp CLI', () => {
  test('creates, lists, shows, disables and enables accounts', async () => {
    const created = await idp('accounts', 'create', '--email', 'Ada@Example.org', '--name', 'Ada Lovelace', '--locale', 'en');
    expect(created).toMatchObject({ code: 0 });
    expect(created.out).toContain('ada@example.org');
    expect((await idp('accounts', 'list')).out).toMatch(/ada@example\.org\tAda Lovelace\ten\tactive\tpassword:none\tfactors:0/);
    expect((await idp('accounts', 'show', '--email', 'ADA@example.org')).out).toMatch(/^id: /m);
    expect((await idp('accounts', 'disable', '--email', 'ada@example.org')).code).toBe(0);
    expect((await idp('accounts', 'list')).out).toContain('disabled');
    expect((await idp('accounts', 'enable', '--email', 'ada@example.org')).code).toBe(0);
    expect((await idp('accounts', 'list')).out).toContain('active');
  });

  test('grants and revokes staff roles, and says so in the audit log on stderr', async () => {
    await idp('accounts', 'create', '--email', 'grace@example.org', '--name', 'Grace Hopper');
    const granted = await idp('accounts', 'grant-role', '--email', 'grace@example.org', '--role', 'helpdesk');
    expect(granted).toMatchObject({ code: 0, out: 'granted helpdesk to grace@example.org\n' });
    expect(granted.err).toContain('"event":"account.role_granted"');
    expect((await idp('accounts', 'list')).out).toMatch(/grace@example\.org\t.*\troles:helpdesk/);
    expect((await idp('accounts', 'grant-role', '--email', 'grace@example.org', '--role', 'helpdesk')).out).toContain('already has the role helpdesk');
    expect((await idp('accounts', 'revoke-role', '--email', 'grace@example.org', '--role', 'helpdesk')).code).toBe(0);
    expect((await idp('accounts', 'list')).out).not.toContain('roles:');
  });

  test.each([
    [['accounts', 'grant-role', '--email', 'ada@example.org', '--role', 'root'], /--role must be helpdesk or admin/],
    [['accounts', 'create', '--email', 'ada@example.org', '--name', 'Again'], /already exists/],
    [['accounts', 'create', '--email', 'not-an-address', '--name', 'X'], /must be an e-mail address/],
    [['accounts', 'create', '--email', 'x@example.org'], /--name is required/],
    [['accounts', 'create', '--email', 'y@example.org', '--name', 'Y', '--locale', 'de'], /--locale must be nl or en/],
    [['accounts', 'disable', '--email', 'nobody@example.org'], /no account with e-mail nobody@example.org/],
    [['accounts', 'frobnicate'], /unknown command/],
    [['accounts', 'create', '--bogus'], /Unknown option/],
  ])('%j fails clearly with exit code 2', async (args, message) => {
    await idp('accounts', 'create', '--email', 'ada@example.org', '--name', 'Ada');
    const result = await idp(...args);
    expect(result.code).toBe(2);
    expect(result.err).toMatch(message);
  });

  test('keys generate prints a private ES256 and RS256 key set', async () => {
    const { code, out } = await idp('keys', 'generate');
    expect(code).toBe(0);
    const jwks = JSON.parse(out) as { keys: { alg: string; d: string }[] };
    expect(jwks.keys.map((k) => k.alg)).toEqual(['ES256', 'RS256']);
    expect(jwks.keys.every((k) => typeof k.d === 'string')).toBe(true);
  });
});
