import { expectStatus, type HttpClient } from '../http.ts';
import { PASSWORD } from '../fixture.ts';
import type { AccountPool } from '../account-pool.ts';
import { formOn, signInScenario } from './browser.ts';

/**
 * One full sign-in at our service, the way a browser and its application do
 * it: authorization request with PKCE → login page → password, answered with
 * the verification code page → code → back to the application → code
 * exchange → ID token signature and claims checked. Returns the time of each step.
 */
export function loginScenario(http: HttpClient, pool: AccountPool) {
  return signInScenario(http, pool, async (b, account, code) => {
    const toLogin = b.redirect(await b.send('GET', b.authorizationPath()), 'authorization request');
    b.lap('authorize');
    const loginPage = expectStatus(await b.send('GET', toLogin), 200, 'login page');
    b.lap('loginPage');
    const loginForm = formOn(loginPage, '/login');
    // The password step answers with the verification code page of the same sign-in.
    const mfaPage = expectStatus(await b.send('POST', loginForm.action, { ...loginForm.hidden, username: account.email, password: PASSWORD }), 200, 'password');
    b.lap('password');
    const codeForm = formOn(mfaPage, '/verify/totp');
    const resume = b.redirect(await b.send('POST', codeForm.action, { ...codeForm.hidden, code }), 'verification code');
    b.lap('code');
    const back = b.redirect(await b.send('GET', resume), 'resume after code');
    b.lap('return');
    await b.exchange(back, account);
    b.lap('token');
  });
}
