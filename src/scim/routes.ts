import Router from '@koa/router';
import { bodyParser } from '@koa/bodyparser';
import type { Context, Middleware } from 'koa';
import type { Services } from '../services.ts';
import { requireScimToken } from './auth.ts';
import { ScimError, scimErrors, sendScim } from './errors.ts';
import { usersEndpoint } from './users.ts';
import { discovery } from './discovery.ts';
import { refuseEncodedBodies } from '../web/request-encoding.ts';

const SCIM_PATH = '/scim/v2';

type ScimDeps = Pick<Services, 'accounts' | 'store' | 'logout' | 'config' | 'mailer' | 'audit' | 'background' | 'provider' | 'log'>;

/**
 * SCIM 2.0 (RFC 7643/7644) for CBS's administration: Users and the discovery
 * documents, behind a client credentials token with the scim scope. JSON in,
 * JSON out, errors included; nothing here renders a page.
 */
export function scimApi(s: ScimDeps): Middleware {
  const router = new Router({ prefix: SCIM_PATH });
  const users = usersEndpoint(s);
  const docs = discovery(`${s.config.issuer}${SCIM_PATH}`);
  const json = (make: (ctx: Context) => unknown) => async (ctx: Context) => sendScim(ctx, 200, make(ctx));

  router.use(refuseEncodedBodies, bodyParser({ enableTypes: ['json'], extendTypes: { json: ['application/scim+json'] }, jsonLimit: '64kb' }));
  router.get('/ServiceProviderConfig', json(docs.serviceProviderConfig));
  router.get('/ResourceTypes', json(docs.resourceTypes));
  router.get(
    '/ResourceTypes/:id',
    json((ctx) => docs.resourceType(String(ctx.params.id))),
  );
  router.get('/Schemas', json(docs.schemas));
  router.get(
    '/Schemas/:id',
    json((ctx) => docs.schema(String(ctx.params.id))),
  );
  router.get('/Users', users.list);
  router.post('/Users', users.create);
  router.get('/Users/:id', users.get);
  router.put('/Users/:id', users.replace);
  router.patch('/Users/:id', users.patch);
  router.delete('/Users/:id', users.remove);

  const routes = router.routes() as Middleware;
  const errors = scimErrors(s.log);
  const authorized = requireScimToken(s);
  const noEndpoint = (ctx: Context) => Promise.reject(new ScimError(404, undefined, `no endpoint ${ctx.method} ${ctx.path}`));
  return async (ctx, next) => {
    if (ctx.path !== SCIM_PATH && !ctx.path.startsWith(`${SCIM_PATH}/`)) return next();
    // The token first, for every path; then anything no route takes is a SCIM 404, still JSON.
    await errors(ctx, () => authorized(ctx, () => routes(ctx, () => noEndpoint(ctx))));
  };
}
