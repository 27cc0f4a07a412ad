import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { ID_TOKEN_PATCH_CHECKED_WITH } from '../../src/oidc/profile/id-token-claims.ts';

/**
 * src/oidc/profile/id-token-claims.ts wraps node-oidc-provider's IdToken#issue
 * (the library has no hook for `jti` and `nbf`). This fails on any other
 * release of the library, on purpose: read lib/models/id_token.js of the new
 * one (issue() still takes { use }, set() still adds claims after the scope
 * filter, `idtoken` still names ID tokens), run test/conformance/nlgov, then
 * record the version there.
 */
test('the ID token patch was checked against the installed node-oidc-provider', () => {
  const manifest = createRequire(import.meta.url).resolve('oidc-provider/package.json');
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version: string };
  expect(version).toBe(ID_TOKEN_PATCH_CHECKED_WITH);
});
