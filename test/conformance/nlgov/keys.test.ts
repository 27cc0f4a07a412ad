import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { JWK } from 'jose';
import { generateJwks, loadSigningKeys } from '../../../src/oidc/keys.ts';
import { bootIdp } from '../../support/test-idp.ts';
import { clientKey, confidential, startNlgovIdp } from './nlgov-idp.ts';

const dir = mkdtempSync(join(tmpdir(), 'cbs-idp-nlgov-keys-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const idpCli = (args: string[], env: Record<string, string> = {}) =>
  new Promise<{ code: number; out: string; err: string }>((resolve) => {
    execFile(process.execPath, ['bin/idp.js', ...args], { env: { PATH: process.env.PATH ?? '', DATA_DIR: dir, ...env } }, (error, out, err) => {
      resolve({ code: error ? (error.code as number) : 0, out, err });
    });
  });
const kinds = (keys: JWK[]) => keys.map((k) => `${k.use} ${k.alg}`).sort();
const NLGOV_KEYS = ['enc RSA-OAEP', 'enc RSA-OAEP-256', 'sig PS256', 'sig RS256'];

/**
 * OIDC NL GOV 1.0.1 › OpenID Provider profile › Public keys, and the keys
 * request objects are encrypted to (Request Objects): `idp keys generate`
 * and the development keys include RSA encryption keys, which /jwks publishes.
 */
describe("NL GOV: the provider's keys", () => {
  test("`idp keys generate` makes the profile's set with OIDC_PROFILE=nlgov or --profile nlgov: PS256, RS256, RSA-OAEP and RSA-OAEP-256, 3072-bit, each with its own kid", async () => {
    for (const run of [await idpCli(['keys', 'generate'], { OIDC_PROFILE: 'nlgov' }), await idpCli(['keys', 'generate', '--profile', 'nlgov'])]) {
      expect(run.code).toBe(0);
      const { keys } = JSON.parse(run.out) as { keys: JWK[] };
      expect(kinds(keys)).toEqual(NLGOV_KEYS);
      expect(new Set(keys.map((k) => k.kid)).size).toBe(4);
      for (const key of keys) expect([key.kty, typeof key.d, Buffer.from(key.n!, 'base64url').length * 8]).toEqual(['RSA', 'string', 3072]);
    }
    expect(await idpCli(['keys', 'generate', '--profile', 'igov'])).toMatchObject({
      code: 2,
      err: expect.stringContaining('--profile must be standard or nlgov'),
    });
  }, 60_000);

  test("development keys kept under DATA_DIR gain the profile's keys when the service first starts with it, and keep the ones they had", async () => {
    const devDir = join(dir, 'dev');
    const standard = await loadSigningKeys(undefined, devDir);
    expect(kinds(standard.keys)).toEqual(['sig ES256', 'sig RS256']);
    const nlgov = await loadSigningKeys(undefined, devDir, 'nlgov');
    // The RS256 key it had already serves both profiles.
    expect(kinds(nlgov.keys)).toEqual(['enc RSA-OAEP', 'enc RSA-OAEP-256', 'sig ES256', 'sig PS256', 'sig RS256']);
    expect(nlgov.keys.slice(0, 2)).toEqual(standard.keys);
    expect(JSON.parse(readFileSync(join(devDir, 'dev-jwks.json'), 'utf8'))).toEqual(nlgov);
  });

  test('the service started without JWKS_FILE publishes its development encryption keys in /jwks', async () => {
    const idp = await startNlgovIdp([confidential('portal', await clientKey())], { JWKS_FILE: '' });
    try {
      const { keys } = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: JWK[] };
      expect(kinds(keys)).toEqual(NLGOV_KEYS);
    } finally {
      await idp.close();
    }
  }, 60_000);

  test('the standard profile leaves encryption keys in a JWKS_FILE unpublished (it decrypts nothing) and signs as before', async () => {
    const file = join(dir, 'both.json');
    writeFileSync(file, JSON.stringify({ keys: [...(await generateJwks()).keys, ...(await generateJwks('nlgov')).keys.filter((k) => k.use === 'enc')] }));
    const idp = await bootIdp({ env: { JWKS_FILE: file } });
    try {
      const { keys } = (await (await fetch(`${idp.issuer}/jwks`)).json()) as { keys: JWK[] };
      expect(kinds(keys)).toEqual(['sig ES256', 'sig RS256']);
    } finally {
      await idp.close();
    }
  });
});
