import type { Context } from 'koa';
import { StaleAccountError } from '../../adapters/types.ts';
import type { Services } from '../services.ts';
import type { Account } from '../accounts/account.ts';
import { findAccount } from '../accounts/find.ts';
import { LIST_SCHEMA } from './schema.ts';
import { ScimError, invalidValue, notFound, sendScim } from './errors.ts';
import { etag, toScimUser } from './user-resource.ts';
import { parseBody, userInput } from './user-input.ts';
import { userFields } from './user-fields.ts';
import { parseFilter } from './filter.ts';
import { filtered } from './filtered.ts';
import { patchedUser } from './patch.ts';
import { createUser, deleteUser, updateUser } from './user-changes.ts';

export const MAX_COUNT = 200;
const DEFAULT_COUNT = 100;

function integer(ctx: Context, name: string, fallback: number): number {
  const raw = ctx.query[name];
  if (raw === undefined) return fallback;
  if (typeof raw !== 'string' || !/^-?\d{1,9}$/.test(raw)) throw invalidValue(`${name} must be an integer`);
  return Number(raw);
}

/** If-Match (RFC 7644 §3.14): the client's write applies only to the version it read. */
function checkIfMatch(ctx: Context, account: Account): void {
  const wanted = ctx.get('if-match');
  if (!wanted || wanted.trim() === '*') return;
  if (
    !wanted
      .split(',')
      .map((t) => t.trim())
      .includes(etag(account))
  ) {
    throw new ScimError(412, undefined, `the resource is at version ${etag(account)}; read it again`);
  }
}

/** A write raced by another: with If-Match that is the client's 412; without, read again and redo (a few times). */
async function onFreshRead(ctx: Context, work: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (err) {
      if (!(err instanceof StaleAccountError)) throw err;
      if (ctx.get('if-match') || attempt === 3) throw new ScimError(412, undefined, 'the resource was changed by another request; read it again');
    }
  }
}

type UsersDeps = Pick<Services, 'accounts' | 'store' | 'logout' | 'config' | 'mailer' | 'audit' | 'background'>;

export function usersEndpoint(s: UsersDeps) {
  const base = `${s.config.issuer}/scim/v2`;
  const clientOf = (ctx: Context) => String(ctx.state.scimClient);
  const bodyOf = (ctx: Context) => (ctx.request as unknown as { body?: unknown }).body;

  const find = async (id: string): Promise<Account> => {
    const account = id.length <= 64 ? await findAccount(s.accounts, id) : undefined;
    if (!account) throw notFound();
    return account;
  };
  const answer = async (ctx: Context, status: number, id: string) => {
    const account = await find(id);
    ctx.set('ETag', etag(account));
    if (status === 201) ctx.set('Location', `${base}/Users/${account.id}`);
    sendScim(ctx, status, toScimUser(account, base));
  };
  /** PUT and PATCH: the User the request asks for, checked like a new one, written over the version read. */
  const change = (toUser: (ctx: Context, current: Account) => Promise<unknown>) => async (ctx: Context) => {
    const id = String(ctx.params.id);
    await onFreshRead(ctx, async () => {
      const current = await find(id);
      checkIfMatch(ctx, current);
      const user = await toUser(ctx, current);
      if (user !== undefined) await updateUser(s, current, userFields(parseBody(userInput, user), current), clientOf(ctx));
    });
    await answer(ctx, 200, id);
  };

  return {
    /** Without a filter, a page of the store's sorted listing; with one, the accounts its index lookups find, checked against it. */
    async list(ctx: Context) {
      const filter = parseFilter(ctx.query.filter);
      const startIndex = Math.max(1, integer(ctx, 'startIndex', 1));
      const count = Math.min(MAX_COUNT, Math.max(0, integer(ctx, 'count', DEFAULT_COUNT)));
      let total: number;
      let page: Account[];
      if (filter) {
        const found = await filtered(s.accounts, filter);
        [total, page] = [found.length, found.slice(startIndex - 1, startIndex - 1 + count)];
      } else {
        [total, page] = await Promise.all([
          s.accounts.countListed(),
          count ? s.accounts.listed({ offset: startIndex - 1 }, count).then((p) => p.accounts) : [],
        ]);
      }
      sendScim(ctx, 200, {
        schemas: [LIST_SCHEMA],
        totalResults: total,
        startIndex,
        itemsPerPage: page.length,
        Resources: page.map((a) => toScimUser(a, base)),
      });
    },
    get: (ctx: Context) => answer(ctx, 200, String(ctx.params.id)),
    async create(ctx: Context) {
      const account = await createUser(s, userFields(parseBody(userInput, bodyOf(ctx))), clientOf(ctx));
      await answer(ctx, 201, account.id);
    },
    replace: change(async (ctx) => bodyOf(ctx)),
    patch: change((ctx, current) => patchedUser(current, bodyOf(ctx), base)),
    async remove(ctx: Context) {
      const account = await find(String(ctx.params.id));
      checkIfMatch(ctx, account);
      await deleteUser(s, account, clientOf(ctx));
      ctx.status = 204;
    },
  };
}
