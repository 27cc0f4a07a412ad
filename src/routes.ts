import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type { Services } from './services.ts';
import { requireCsrf } from './security/csrf.ts';
import { screenHeaders } from './security/headers.ts';
import { currentInteraction } from './flows/interaction.ts';
import { loginFlow } from './flows/login/login.ts';
import { requestPasswordFlow } from './flows/request-password/request-password.ts';
import { setPasswordFlow } from './flows/set-password/set-password-flow.ts';
import { returnDestination } from './flows/return-to.ts';
import { secondFactorFlow } from './flows/second-factor/second-factor.ts';
import { consentFlow } from './flows/consent/consent.ts';
import { homeFlow } from './flows/home/home.ts';
import { totpFlow } from './mfa/totp/totp-flow.ts';
import { healthRoutes } from './web/health.ts';
import { devOutbox } from './web/dev-outbox.ts';
import { demoFlow } from './flows/demo/demo.ts';

/**
 * Every hosted screen, in one table. Guards for all of them: strict headers,
 * a small form-only body parser, and a CSRF token on every POST.
 */
export function screens(s: Services): Middleware {
  const router = new Router();
  router.use(screenHeaders(), bodyParser({ enableTypes: ['form'], formLimit: '32kb' }), requireCsrf());

  const login = loginFlow(s);
  const totp = totpFlow(s);
  const secondFactor = secondFactorFlow(s, totp.showVerify);
  const consent = consentFlow(s);
  const requestPassword = requestPasswordFlow(s);
  const setPassword = setPasswordFlow(s);
  const home = homeFlow(s);

  // The provider's prompt decides which screen a sign-in shows.
  router.get('/interaction/:uid', async (ctx: Context) => {
    const interaction = await currentInteraction(ctx, s.provider);
    if (interaction.prompt.name === 'login') return login.show(ctx, interaction);
    if (interaction.prompt.name === 'consent') return consent.show(ctx, interaction);
    return secondFactor.show(ctx);
  });
  router.post('/interaction/:uid/login', login.submit);
  router.get('/interaction/:uid/enrol', secondFactor.choose);
  router.get('/interaction/:uid/enrol/totp', totp.showEnrol);
  router.post('/interaction/:uid/enrol/totp', totp.enrol);
  router.post('/interaction/:uid/verify/totp', totp.verify);
  router.post('/interaction/:uid/consent', consent.submit);

  router.get('/password/request', requestPassword.show);
  router.post('/password/request', requestPassword.submit);
  router.get('/password/set', setPassword.show);
  router.post('/password/set', setPassword.submit);
  router.get('/password/continue', async (ctx) => ctx.redirect(await returnDestination(ctx, s)));

  router.get('/', home.show);
  if (!s.config.clientsFile) router.get('/demo/callback', demoFlow(s).callback);
  if (s.mailer.outbox) router.get('/dev/outbox', devOutbox(s.mailer.outbox));

  const health = healthRoutes(s);
  const routes = router.routes() as Middleware;
  return async (ctx, next) => ((await health(ctx)) ? undefined : routes(ctx, next));
}
