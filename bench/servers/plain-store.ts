import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import Koa from 'koa';
import argon2 from 'argon2';
import { verify as verifyTotp } from 'otplib';
import Provider, { type Adapter, type Configuration, type KoaContextWithOIDC } from 'oidc-provider';
import { hashPassword } from '../../src/accounts/password-hash.ts';
import { newTotpSecret } from '../../src/mfa/totp/totp.ts';
import { MFA_LOGIN, PASSWORD, type BenchAccount } from '../fixture.ts';
import { plainConfiguration } from './plain-config.ts';
import { plainRedisStore } from './plain-redis.ts';
import { plainSqliteStore } from './plain-sqlite.ts';
import { callCounter } from './counting-store.ts';
import { requestTracer } from './request-trace.ts';
import { storeServerHandlers } from './handlers.ts';

/** An account of the same-store baseline: one JSON document, with what a sign-in checks. */
export interface PlainAccount {
  id: string;
  email: string;
  name: string;
  given_name: string;
  family_name: string;
  locale: string;
  passwordHash: string;
  totpSecret: string;
}

/** The same-store baseline's store: an oidc-provider adapter class and an account lookup, on Redis or SQLite. */
export interface PlainStore {
  adapter: new (name: string) => Adapter;
  accounts: {
    put(a: PlainAccount): Promise<void>;
    byId(id: string): Promise<PlainAccount | undefined>;
    byEmail(email: string): Promise<PlainAccount | undefined>;
  };
  redis?: import('ioredis').Redis;
  close(): Promise<void>;
}

export interface PlainStoreOptions {
  store: 'redis' | 'embedded';
  redisUrl: string;
  prefix: string;
  dataDir: string;
  jwksFile: string;
}

const page = (action: string, fields: string) =>
  `<!doctype html><title>Sign in</title><form method="post" action="${action}">${fields}<button>Continue</button></form>`;

async function formOf(req: IncomingMessage): Promise<URLSearchParams> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

/**
 * Plain node-oidc-provider on the same store as our service (the same Redis,
 * or the same kind of SQLite file), with the same clients, keys, features and
 * TTLs (plain-config.ts), and accounts read from that store: the baseline for
 * the token endpoints, which must read the store as ours do.
 *
 * It is also the floor under a login. Its interaction is the least a
 * password-and-code sign-in can do, written with the provider's documented
 * calls as its own example does: bare koa pages under /interaction/ (the
 * login form; the password, checked with argon2 against the hash looked up
 * by e-mail, answered with the code form; the TOTP code, checked against the
 * account's secret, finishing the interaction), a grant made at the resume
 * for first-party clients, and the provider's own authorization request,
 * resume and code exchange. Everything else goes straight to the provider.
 */
export async function startPlainStore(o: PlainStoreOptions) {
  let store: PlainStore;
  if (o.store === 'redis') {
    store = await plainRedisStore(o.redisUrl, o.prefix);
  } else {
    mkdirSync(o.dataDir, { recursive: true });
    store = plainSqliteStore(join(o.dataDir, 'plain.sqlite'));
  }
  const tracer = requestTracer();
  const counter = callCounter(tracer);
  if (store.redis) counter.countRedis(store.redis);
  const accounts = counter.wrap(store.accounts, 'accounts');
  const Base = store.adapter;
  const CountedAdapter = function (this: unknown, name: string) {
    return counter.wrap(new Base(name), name);
  } as unknown as new (
    name: string,
  ) => Adapter;

  const server = createServer();
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const provider = new Provider(
    issuer,
    plainConfiguration({
      jwksFile: o.jwksFile,
      adapter: CountedAdapter as Configuration['adapter'],
      async findAccount(_ctx, id) {
        const account = await accounts.byId(id);
        if (!account) return undefined;
        const { email, name, given_name, family_name, locale } = account;
        return { accountId: id, claims: () => ({ sub: id, email, email_verified: true, name, given_name, family_name, locale }) };
      },
      // First-party clients get no consent screen: the grant is made here, with the scopes asked for.
      async loadExistingGrant(ctx: KoaContextWithOIDC) {
        const { oidc } = ctx;
        const client = oidc.client!;
        const grantId = oidc.result?.consent?.grantId || oidc.session!.grantIdFor(client.clientId);
        if (grantId) return oidc.provider.Grant.find(grantId);
        if ((client as unknown as { first_party?: boolean }).first_party !== true) return undefined;
        const grant = new oidc.provider.Grant({ clientId: client.clientId, accountId: oidc.session!.accountId! });
        grant.addOIDCScope([...oidc.requestParamOIDCScopes].join(' '));
        await grant.save();
        return grant;
      },
    }),
  );

  const pages = new Koa();
  pages.use(async (ctx) => {
    const [, uid, step] = /^\/interaction\/([^/]+)(?:\/(password|totp))?$/.exec(ctx.path) ?? [];
    if (!uid) return ctx.throw(404);
    if (!step && ctx.method === 'GET') {
      ctx.body = page(`/interaction/${uid}/password`, '<input name="username"><input name="password" type="password">');
      return;
    }
    if (ctx.method !== 'POST') return ctx.throw(405);
    const body = await formOf(ctx.req);
    if (step === 'password') {
      const account = await accounts.byEmail(body.get('username') ?? '');
      if (!account || !(await argon2.verify(account.passwordHash, body.get('password') ?? ''))) return ctx.throw(401, 'wrong e-mail or password');
      await provider.interactionResult(ctx.req, ctx.res, { password: { accountId: account.id } });
      ctx.body = page(`/interaction/${uid}/totp`, '<input name="code">');
      return;
    }
    const { result } = await provider.interactionDetails(ctx.req, ctx.res);
    const accountId = (result?.password as { accountId?: string } | undefined)?.accountId;
    const account = accountId ? await accounts.byId(accountId) : undefined;
    if (!account) return ctx.throw(401, 'password first');
    const { valid } = await verifyTotp({ secret: account.totpSecret, token: body.get('code') ?? '', epochTolerance: 30 });
    if (!valid) return ctx.throw(401, 'wrong code');
    ctx.respond = false;
    await provider.interactionFinished(ctx.req, ctx.res, { login: { accountId: account.id, ...MFA_LOGIN } }, { mergeWithLastSubmission: false });
  });
  const toPages = pages.callback();
  const toProvider = provider.callback();
  server.on(
    'request',
    tracer.handler((req, res) => (req.url!.startsWith('/interaction/') ? toPages : toProvider)(req, res)),
  );

  const { handlers } = storeServerHandlers({
    provider,
    tracer,
    counts: counter.take,
    async seedAccounts(count, offset) {
      const passwordHash = await hashPassword(PASSWORD);
      const seeded = Array.from(
        { length: count },
        (_, i): BenchAccount => ({ id: `plain-${offset + i}`, email: `bench-${offset + i}@bench.example`, secret: newTotpSecret() }),
      );
      for (const { id, email, secret } of seeded) {
        const n = id.slice('plain-'.length);
        await store.accounts.put({
          id,
          email,
          name: `Bench User ${n}`,
          given_name: 'Bench',
          family_name: `User ${n}`,
          locale: 'en',
          passwordHash,
          totpSecret: secret,
        });
      }
      return seeded;
    },
  });

  return {
    url: issuer,
    handlers,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
