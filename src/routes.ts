import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type { Services } from './services.ts';
import type { State } from './request-state.ts';
import { requireCsrf } from './security/csrf.ts';
import { screenHeaders } from './security/headers.ts';
import { atPrompt, currentSignIn, interactionUrl } from './flows/interaction.ts';
import { loginStep } from './flows/login/login.ts';
import { passkeyLogin } from './flows/login/passkey-login.ts';
import { requestPasswordFlow } from './flows/request-password/request-password.ts';
import { setPasswordFlow } from './flows/set-password/set-password-flow.ts';
import { expiredInvitationFlow } from './flows/invitation/expired-link.ts';
import { returnDestination } from './flows/return-to.ts';
import { chooseStep } from './flows/second-factor/choose.ts';
import { atMfa, atSecondFactor, hasPasskey, hasTotp } from './flows/second-factor/mfa-step.ts';
import { totpStep } from './flows/second-factor/totp-step.ts';
import { passkeyStep } from './flows/second-factor/passkey-step.ts';
import { addPasskeyStep } from './flows/second-factor/add-passkey.ts';
import { recoveryStep } from './flows/second-factor/recovery-step.ts';
import { consentFlow } from './flows/consent/consent.ts';
import { homeFlow } from './flows/home/home.ts';
import { accessibilityStatement, STATEMENT_PATHS } from './flows/accessibility/statement.ts';
import { healthRoutes } from './web/health.ts';
import { devOutbox } from './web/dev-outbox.ts';
import { demoFlow } from './flows/demo/demo.ts';
import { accountFlow } from './flows/account/account-flow.ts';
import { recentSecondFactor, signedIn } from './flows/session/guards.ts';
import { adminFlow } from './flows/admin/admin-flow.ts';
import { staff, targetAccount } from './flows/admin/guards.ts';
import { mayChange } from './flows/admin/may-change.ts';
import { askAgain } from './flows/admin/confirm-page.ts';
import { upstreamFlow } from './flows/upstream/upstream-flow.ts';
import { offerProviders } from './upstream/offered.ts';

/**
 * Every hosted screen, in one table. Guards for all of them: strict headers,
 * a small form-only body parser, and a CSRF token on every POST.
 */
export function screens(s: Services): Middleware & { router: Router } {
  const router = new Router<State>();
  router.use(screenHeaders(), bodyParser({ enableTypes: ['form'], formLimit: '32kb' }), requireCsrf(), offerProviders(s.upstream.providers));

  const choose = chooseStep(s);
  const login = loginStep(s, choose.afterPassword);
  const passkeyOnly = passkeyLogin(s);
  const totp = totpStep(s);
  const passkey = passkeyStep(s);
  const addPasskey = addPasskeyStep(s);
  const recovery = recoveryStep(s);
  const consent = consentFlow(s);
  const requestPassword = requestPasswordFlow(s);
  const expiredInvitation = expiredInvitationFlow(s);
  const setPassword = setPasswordFlow(s, expiredInvitation.show);
  const home = homeFlow(s);

  // The provider's prompt decides which screen a sign-in shows; after the password, the second factor's.
  router.get('/interaction/:uid', async (ctx: Context) => {
    const signIn = await currentSignIn(ctx, s.provider);
    if (atSecondFactor(signIn)) return choose.show(ctx, signIn);
    if (signIn.interaction.prompt.name === 'consent') return consent.show(ctx, signIn.interaction);
    return login.show(ctx, signIn.interaction);
  });
  const atLogin = atPrompt(s.provider, 'login');
  router.post('/interaction/:uid/login', atLogin, login.submit);
  // The password step answers at this address: a reload or a language link leads to the sign-in's current screen.
  router.get('/interaction/:uid/login', (ctx) => ctx.redirect(`${interactionUrl(encodeURIComponent(ctx.params.uid!))}${ctx.search}`));
  router.get('/interaction/:uid/passkey/options', atPrompt(s.provider, 'login', { json: true }), passkeyOnly.options);
  router.post('/interaction/:uid/passkey', atLogin, passkeyOnly.submit);
  // The mfa prompt: enrolment at the first sign-in, verification at every later one. Each guard
  // re-reads the account and the password step, and sends a sign-in elsewhere when it no longer stands.
  const enrolling = atMfa(s, 'enrolling');
  router.get('/interaction/:uid/enrol', enrolling, choose.choose);
  router.get('/interaction/:uid/enrol/totp', enrolling, totp.showEnrol);
  router.post('/interaction/:uid/enrol/totp', enrolling, totp.enrol);
  router.get('/interaction/:uid/enrol/passkey', enrolling, passkey.showEnrol);
  router.get('/interaction/:uid/enrol/passkey/options', atMfa(s, 'enrolling', undefined, { json: true }), passkey.enrolOptions);
  router.post('/interaction/:uid/enrol/passkey', enrolling, passkey.enrol);
  // An application that accepts only a passkey, for an account without one: after the second factor,
  // "confirm it's you" (the second factor again), then add it; then sign in again with it.
  const adding = atMfa(s, 'adding-passkey');
  router.get('/interaction/:uid/add-passkey', adding, addPasskey.show);
  router.post('/interaction/:uid/add-passkey/confirm/code', adding, addPasskey.confirm.code);
  router.post('/interaction/:uid/add-passkey/confirm/recovery', adding, addPasskey.confirm.recovery);
  router.get(
    '/interaction/:uid/add-passkey/options',
    atMfa(s, 'adding-passkey', undefined, { json: true }),
    addPasskey.confirmed({ json: true }),
    addPasskey.options,
  );
  router.post('/interaction/:uid/add-passkey', adding, addPasskey.confirmed(), addPasskey.add);
  router.get('/interaction/:uid/verify/totp', atMfa(s, 'verifying', hasTotp), totp.showVerify);
  router.post('/interaction/:uid/verify/totp', atMfa(s, 'verifying', hasTotp), totp.verify);
  router.get('/interaction/:uid/verify/passkey', atMfa(s, 'verifying', hasPasskey), passkey.showVerify);
  router.get('/interaction/:uid/verify/passkey/options', atMfa(s, 'verifying', hasPasskey, { json: true }), passkey.verifyOptions);
  router.post('/interaction/:uid/verify/passkey', atMfa(s, 'verifying', hasPasskey), passkey.verify);
  router.get('/interaction/:uid/verify/recovery', atMfa(s, 'verifying'), recovery.show);
  router.post('/interaction/:uid/verify/recovery', atMfa(s, 'verifying'), recovery.verify);
  router.post('/interaction/:uid/consent', atPrompt(s.provider, 'consent'), consent.submit);

  // #26: an institution's login instead of the password (the same login and mfa prompts follow), its answer on
  // the redirect URI registered there, and completing an invitation with it; each failure a page of upstream.failures.
  const upstream = upstreamFlow(s);
  router.get('/interaction/:uid/upstream/:provider', upstream.failures, atLogin, upstream.start.login);
  router.get('/upstream/:provider/callback', upstream.failures, upstream.callback);
  router.get('/upstream/jwks', upstream.jwks);
  router.post('/upstream/:provider/invitation', upstream.failures, upstream.start.invitation);

  router.get('/password/request', requestPassword.show);
  router.post('/password/request', requestPassword.submit);
  router.get('/password/set', setPassword.show);
  router.post('/password/set', setPassword.submit);
  router.post('/password/invitation', expiredInvitation.renew);
  router.get('/password/continue', async (ctx) => ctx.redirect(await returnDestination(ctx, s)));

  // My account: the provider's full session gets you in (signed); every change needs the
  // second factor confirmed within five minutes (confirmed). JSON callers get JSON refusals.
  const account = accountFlow(s);
  const signed = signedIn(s);
  const confirmed = [signed, recentSecondFactor(s, { askAgain: account.askAgain })];
  const signedJson = signedIn(s, { json: true });
  router.get('/account/login', account.login);
  router.get('/account/callback', account.callback);
  router.get('/account', signed, account.show);
  router.post('/account/confirm/code', signed, account.confirm.code);
  router.post('/account/confirm/recovery', signed, account.confirm.recovery);
  router.get('/account/confirm/passkey/options', signedJson, account.confirm.passkeyOptions);
  router.post('/account/confirm/passkey', signed, account.confirm.passkey);
  router.get('/account/password', ...confirmed, account.password.show);
  router.post('/account/password', ...confirmed, account.password.submit);
  router.get('/account/authenticator-app', ...confirmed, account.apps.show);
  router.post('/account/authenticator-app', ...confirmed, account.apps.add);
  router.post('/account/authenticator-app/remove', ...confirmed, account.apps.remove);
  router.get('/account/passkey/options', signedJson, recentSecondFactor(s, { json: true }), account.passkeys.options);
  router.post('/account/passkey', ...confirmed, account.passkeys.add);
  router.post('/account/passkey/remove', ...confirmed, account.passkeys.remove);
  router.post('/account/recovery-codes', ...confirmed, account.replaceRecoveryCodes);
  router.post('/account/sign-out-everywhere', ...confirmed, account.signOutEverywhere);
  router.post('/account/upstream/:provider/link', ...confirmed, upstream.failures, upstream.start.link);
  router.post('/account/upstream/unlink', ...confirmed, upstream.unlinkOwn);

  // The helpdesk console: the same full sign-in (staffIn), a staff role (helpdesk, or admin for roles),
  // for a change to an account: one this staff member may change (mayChange), and the second factor
  // confirmed within five minutes (fresh), else "confirm it's you" and nothing changes.
  const admin = adminFlow(s);
  const staffIn = signedIn(s, { loginPath: '/admin/login' });
  const fresh = recentSecondFactor(s, { askAgain });
  const helpdesk = staff(s, 'helpdesk');
  const target = targetAccount(s);
  const may = mayChange(s);
  router.get('/admin/login', admin.login);
  router.get('/admin/callback', admin.callback);
  router.get('/admin', staffIn, helpdesk, admin.search);
  router.post('/admin/confirm/code', staffIn, helpdesk, admin.confirm.code);
  router.post('/admin/confirm/recovery', staffIn, helpdesk, admin.confirm.recovery);
  router.get('/admin/confirm/passkey/options', signedIn(s, { json: true }), helpdesk, admin.confirm.passkeyOptions);
  router.post('/admin/confirm/passkey', staffIn, helpdesk, admin.confirm.passkey);
  router.get('/admin/accounts/new', staffIn, helpdesk, fresh, admin.create.show);
  router.post('/admin/accounts', staffIn, helpdesk, fresh, admin.create.submit);
  router.get('/admin/accounts/:id', staffIn, helpdesk, target, admin.show);
  router.get('/admin/accounts/:id/reset-mfa', staffIn, helpdesk, target, may, fresh, admin.resetMfa.show);
  router.post('/admin/accounts/:id/reset-mfa', staffIn, helpdesk, target, may, fresh, admin.resetMfa.submit);
  router.post('/admin/accounts/:id/disable', staffIn, helpdesk, target, may, fresh, admin.disable);
  router.post('/admin/accounts/:id/enable', staffIn, helpdesk, target, may, fresh, admin.enable);
  router.post('/admin/accounts/:id/unlock', staffIn, helpdesk, target, may, fresh, admin.unlock);
  router.post('/admin/accounts/:id/invite', staffIn, helpdesk, target, may, fresh, admin.invite);
  router.post('/admin/accounts/:id/helpdesk/grant', staffIn, staff(s, 'admin'), target, may, fresh, admin.grantHelpdesk);
  router.post('/admin/accounts/:id/helpdesk/revoke', staffIn, staff(s, 'admin'), target, may, fresh, admin.revokeHelpdesk);
  router.post('/admin/accounts/:id/upstream/unlink', staffIn, helpdesk, target, may, fresh, upstream.unlinkByStaff);

  router.get('/', home.show);
  router.get(Object.values(STATEMENT_PATHS), accessibilityStatement(s));
  if (!s.config.clientsFile) router.get('/demo/callback', demoFlow(s).callback);
  if (s.mailer.outbox) router.get('/dev/outbox', devOutbox(s.mailer.outbox));

  const health = healthRoutes(s);
  const routes = router.routes() as Middleware;
  // The provider's own endpoints (token, userinfo, discovery…) match no route here: they skip the router's matching.
  const ours = firstSegments(router);
  const handler: Middleware = async (ctx, next) => {
    if (await health(ctx)) return;
    return ours.has(firstSegment(ctx.path)) ? routes(ctx, next) : next();
  };
  // The route table goes along, as @koa/router's own middleware carries it: tests walk every route in it.
  return Object.assign(handler, { router });
}

const firstSegment = (path: string) => path.split('/', 2)[1] ?? '';

/** The first path segment of every route in the table ('' for "/"). */
function firstSegments(router: Router): Set<string> {
  const segments = router.stack.filter((layer) => layer.methods.length > 0).map((layer) => firstSegment(String(layer.path)));
  if (segments.some((segment) => segment.startsWith(':'))) throw new Error('a route may not start with a parameter');
  return new Set(segments);
}
