import { createHash, randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { generate } from 'otplib';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { basic, expectStatus, form, FORM, type HttpClient, type Response } from '../http.ts';
import { CookieJar } from '../../test/support/cookie-jar.ts';
import { CALLBACK, LOGIN_SCOPE, PASSWORD } from '../fixture.ts';
import type { AccountPool } from '../account-pool.ts';

const pathOf = (location: string, origin: URL) => {
  const url = new URL(location, origin);
  return url.pathname + url.search;
};

/** The hidden fields and action of the form whose action contains `actionPart`. */
function formOn(page: Response, actionPart: string): { action: string; hidden: Record<string, string> } {
  const match = [...page.body.matchAll(/<form[^>]*action="([^"]*)"[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1]!.includes(actionPart));
  if (!match) throw new Error(`no form with action ${actionPart}: ${page.body.slice(0, 300)}`);
  const hidden = Object.fromEntries([...match[2]!.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)"/g)].map((m) => [m[1]!, m[2]!]));
  return { action: match[1]!.replace(/&amp;/g, '&'), hidden };
}

/**
 * One full sign-in, the way a browser and its application do it:
 * authorization request with PKCE → login page → password, answered with
 * the verification code page → code → back to the application → code exchange → ID token
 * signature and claims checked. Returns the time of each step.
 */
export async function loginScenario(http: HttpClient, pool: AccountPool) {
  const jwks = createLocalJWKSet(JSON.parse(expectStatus(await http.send('GET', '/jwks'), 200, 'jwks').body) as JSONWebKeySet);
  const issuer = http.origin.origin;

  return async function login(): Promise<Record<string, number>> {
    const { account, step, release } = await pool.acquire();
    try {
      const jar = new CookieJar();
      const times: Record<string, number> = {};
      let mark = performance.now();
      const lap = (name: string) => {
        const now = performance.now();
        times[name] = now - mark;
        mark = now;
      };
      const send = async (method: string, path: string, body?: Record<string, string>) => {
        const pathname = path.split('?')[0]!;
        const cookie = jar.header(pathname);
        const headers: Record<string, string> = body ? { ...FORM } : {};
        if (cookie) headers.cookie = cookie;
        const res = await http.send(method, path, headers, body && form(body));
        jar.store(res.headers['set-cookie'], pathname);
        return res;
      };
      const redirect = (res: Response, what: string) => {
        if (res.status !== 303 && res.status !== 302) throw new Error(`${what}: expected a redirect, got ${res.status}: ${res.body.slice(0, 300)}`);
        return pathOf(res.headers.location as string, http.origin);
      };

      const verifier = randomBytes(32).toString('base64url');
      const state = randomBytes(16).toString('base64url');
      const query = new URLSearchParams({
        client_id: 'portal', response_type: 'code', redirect_uri: CALLBACK, scope: LOGIN_SCOPE, state, ui_locales: 'en',
        code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
      });
      const toLogin = redirect(await send('GET', `/auth?${query}`), 'authorization request');
      lap('authorize');
      const loginPage = expectStatus(await send('GET', toLogin), 200, 'login page');
      lap('loginPage');
      const loginForm = formOn(loginPage, '/login');
      // The password step answers with the verification code page of the same sign-in.
      const mfaPage = expectStatus(await send('POST', loginForm.action, { ...loginForm.hidden, username: account.email, password: PASSWORD }), 200, 'password');
      lap('password');
      const codeForm = formOn(mfaPage, '/verify/totp');
      const code = await generate({ secret: account.secret, epoch: step * 30 });
      const resume2 = redirect(await send('POST', codeForm.action, { ...codeForm.hidden, code }), 'verification code');
      lap('code');
      const back = new URL(redirect(await send('GET', resume2), 'resume after code'), CALLBACK);
      lap('return');
      if (back.searchParams.get('state') !== state || !back.searchParams.get('code')) throw new Error(`no code for the application: ${back}`);

      const tokens = await http.send('POST', '/token', { ...FORM, authorization: basic('portal', 'portal-secret') },
        form({ grant_type: 'authorization_code', code: back.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier }));
      const { id_token: idToken } = JSON.parse(expectStatus(tokens, 200, 'code exchange').body) as { id_token: string };
      const { payload } = await jwtVerify(idToken, jwks, { issuer, audience: 'portal', algorithms: ['ES256'] });
      if (payload.sub !== account.id || !(payload.amr as string[] | undefined)?.includes('mfa')) throw new Error(`unexpected ID token claims ${JSON.stringify(payload)}`);
      lap('token');
      return times;
    } finally {
      release();
    }
  };
}
