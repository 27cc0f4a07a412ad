import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generate } from 'otplib';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { basic, expectStatus, form, FORM, type HttpClient, type Response } from '../http.ts';
import { CookieJar } from '../../test/support/cookie-jar.ts';
import { CALLBACK, LOGIN_SCOPE, type BenchAccount } from '../fixture.ts';
import type { AccountPool } from '../account-pool.ts';

/** The hidden fields and action of the form whose action contains `actionPart`. */
export function formOn(page: Response, actionPart: string): { action: string; hidden: Record<string, string> } {
  const match = [...page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1]!.includes(actionPart));
  if (!match) throw new Error(`no form with action ${actionPart}: ${page.body.slice(0, 300)}`);
  const hidden = Object.fromEntries([...match[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { action: match[1]!.replace(/&amp;/g, '&'), hidden };
}

/**
 * What one sign-in's browser and application do around the screens, alike
 * for every server a login runs against: a cookie jar, redirects followed by
 * hand, the time of each step, the authorization request with PKCE, and the
 * code exchange with the ID token's signature and claims checked.
 */
async function signInClient(http: HttpClient) {
  const jwks = createLocalJWKSet(JSON.parse(expectStatus(await http.send('GET', '/jwks'), 200, 'jwks').body) as JSONWebKeySet);
  const issuer = http.origin.origin;

  return function browser() {
    const jar = new CookieJar();
    const times: Record<string, number> = {};
    let mark = performance.now();
    const verifier = randomBytes(32).toString('base64url');
    const state = randomBytes(16).toString('base64url');
    return {
      times,
      lap(name: string) {
        const now = performance.now();
        times[name] = now - mark;
        mark = now;
      },
      async send(method: string, path: string, body?: Record<string, string>) {
        const pathname = path.split('?')[0]!;
        const cookie = jar.header(pathname);
        const headers: Record<string, string> = body ? { ...FORM } : {};
        if (cookie) headers.cookie = cookie;
        const res = await http.send(method, path, headers, body && form(body));
        jar.store(res.headers['set-cookie'], pathname);
        return res;
      },
      redirect(res: Response, what: string): string {
        if (res.status !== 303 && res.status !== 302) throw new Error(`${what}: expected a redirect, got ${res.status}: ${res.body.slice(0, 300)}`);
        const url = new URL(res.headers.location as string, http.origin);
        return url.pathname + url.search;
      },
      authorizationPath(): string {
        const query = new URLSearchParams({
          client_id: 'portal',
          response_type: 'code',
          redirect_uri: CALLBACK,
          scope: LOGIN_SCOPE,
          state,
          ui_locales: 'en',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'),
          code_challenge_method: 'S256',
        });
        return `/auth?${query}`;
      },
      /** The application's part after the resume's redirect to `location`: the code exchanged, the ID token checked. */
      async exchange(location: string, account: BenchAccount): Promise<void> {
        const back = new URL(location, CALLBACK);
        if (back.searchParams.get('state') !== state || !back.searchParams.get('code')) throw new Error(`no code for the application: ${back}`);
        const tokens = await http.send(
          'POST',
          '/token',
          { ...FORM, authorization: basic('portal', 'portal-secret') },
          form({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier }),
        );
        const { id_token: idToken } = JSON.parse(expectStatus(tokens, 200, 'code exchange').body) as { id_token: string };
        const { payload } = await jwtVerify(idToken, jwks, { issuer, audience: 'portal', algorithms: ['ES256'] });
        if (payload.sub !== account.id || !(payload.amr as string[] | undefined)?.includes('mfa'))
          throw new Error(`unexpected ID token claims ${JSON.stringify(payload)}`);
      },
    };
  };
}

export type Browser = ReturnType<Awaited<ReturnType<typeof signInClient>>>;

/**
 * A login scenario: each iteration borrows an account whose TOTP step is
 * unused, runs `steps` (one server's screens, from the authorization request
 * to the code exchange) in a fresh browser, and returns the time of each step.
 */
export async function signInScenario(http: HttpClient, pool: AccountPool, steps: (b: Browser, account: BenchAccount, code: string) => Promise<void>) {
  const browser = await signInClient(http);
  return async function login(): Promise<Record<string, number>> {
    const { account, step, release } = await pool.acquire();
    try {
      const b = browser();
      await steps(b, account, await generate({ secret: account.secret, epoch: step * 30 }));
      return b.times;
    } finally {
      release();
    }
  };
}
