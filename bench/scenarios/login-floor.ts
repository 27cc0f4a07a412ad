import { expectStatus, type HttpClient } from '../http.ts';
import { PASSWORD } from '../fixture.ts';
import type { AccountPool } from '../account-pool.ts';
import { formOn, signInScenario } from './browser.ts';

/**
 * The same six requests as a login at our service (scenarios/login.ts), at
 * the floor under it (servers/plain-store.ts): the provider's authorization
 * request, a bare login form, the password answered with a bare code form,
 * the code finishing the interaction, the provider's resume and its code
 * exchange, with the same checks of the answers and the ID token.
 */
export function loginFloorScenario(http: HttpClient, pool: AccountPool) {
  return signInScenario(http, pool, async (b, account, code) => {
    const toLogin = b.redirect(await b.send('GET', b.authorizationPath()), 'authorization request');
    b.lap('authorize');
    const loginForm = formOn(expectStatus(await b.send('GET', toLogin), 200, 'login page'), '/password');
    b.lap('loginPage');
    const codePage = expectStatus(await b.send('POST', loginForm.action, { username: account.email, password: PASSWORD }), 200, 'password');
    b.lap('password');
    const resume = b.redirect(await b.send('POST', formOn(codePage, '/totp').action, { code }), 'verification code');
    b.lap('code');
    const back = b.redirect(await b.send('GET', resume), 'resume after code');
    b.lap('return');
    await b.exchange(back, account);
    b.lap('token');
  });
}
