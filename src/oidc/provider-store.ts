import Provider, { type KoaContextWithOIDC } from 'oidc-provider';
import type { Adapter, AdapterPayload, OidcAdapterFactory, AccountStore } from '../../adapters/types.ts';
import type { Account } from '../accounts/account.ts';
import { kept, requestScope } from './request-scope.ts';
import { boundSession, noteSession, withSessionHint } from './session-hint.ts';

/**
 * The store as the provider's requests use it. The provider awaits each of its
 * store calls before it makes the next, so each is a round trip of its own;
 * two things here let some travel together (ioredis sends the commands issued
 * in one tick in one write, in order), without changing what is read or
 * written, or when a request learns that the store failed:
 *
 * - A write the request need not wait for (a new grant and the account's
 *   reference to it; the authorization code, when the provider saves the
 *   session after it, as it does whenever it issues one) is sent along with its next store
 *   call, which waits for it too: one that fails fails that call, and the
 *   request answers 503 before anything it wrote is handed out.
 * - When the provider loads a token (a code, an access or refresh token) at
 *   the endpoints that use it, or the finished interaction at the resume, it
 *   reads next, one after the other, what that names: the grant, the session
 *   the token is bound to (by the id it was written with, session-hint.ts),
 *   the account. Those reads start at once, together; the provider's own read
 *   of each, moments later in the same request, takes the one started for it.
 *   Each is used once and kept by nothing beyond its request (request-scope.ts):
 *   no later request, and no other instance, sees any of it, and every read is
 *   still made after the request came in.
 */

/** Sends `write` along with the provider's next store call in this request; outside one, waits for it here. */
export function sendAlong(write: Promise<unknown>): Promise<void> {
  const scope = requestScope();
  if (!scope) return write.then(() => undefined);
  scope.sent.push(kept(write));
  return Promise.resolve();
}

/** The endpoints that read a token's grant, session and account right after the token, and the resume (its account). */
const READS_AHEAD = new Set(['token', 'userinfo', 'introspection', 'resume']);
const TOKENS = new Set(['AuthorizationCode', 'AccessToken', 'RefreshToken']);
/** The routes that issue authorization codes. */
const CODE_ISSUERS = new Set(['authorization', 'resume']);

const aheadKey = { grant: (id: string) => `Grant ${id}`, sessionByUid: (uid: string) => `Session uid ${uid}`, account: (id: string) => `account ${id}` };

/** The read started ahead under `key` in this request, if any (once), else `read()`. */
function readTaken<T>(key: string, read: () => Promise<T>): Promise<T> {
  const ahead = requestScope()?.ahead;
  const started = ahead?.get(key) as Promise<T> | undefined;
  if (!started) return read();
  ahead!.delete(key);
  return started;
}

interface Readers {
  adapter: (model: string) => Adapter;
  accounts: AccountStore<Account>;
}

/** What the provider reads next after loading `payload` of `model`, started now. */
function readAhead(model: string, payload: AdapterPayload | undefined, r: Readers): void {
  const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
  if (!payload || !ctx || !READS_AHEAD.has(ctx.oidc.route)) return;
  const ahead = requestScope()!.ahead;
  const start = (key: string, read: () => Promise<unknown>) => {
    if (!ahead.has(key)) ahead.set(key, kept(read()));
  };
  const accountId = TOKENS.has(model)
    ? payload.accountId
    : model === 'Interaction'
      ? (payload.result as { login?: { accountId?: string } } | undefined)?.login?.accountId
      : undefined;
  if (TOKENS.has(model) && payload.grantId) start(aheadKey.grant(payload.grantId), () => r.adapter('Grant').find(payload.grantId!));
  if (TOKENS.has(model) && payload.expiresWithSession && payload.sessionUid) {
    start(aheadKey.sessionByUid(payload.sessionUid), () => boundSession(r.adapter('Session'), payload));
  }
  if (accountId) start(aheadKey.account(accountId), () => r.accounts.findById(accountId));
}

/** The provider's adapters, as described above. */
export function providerAdapters(factory: OidcAdapterFactory, accounts: AccountStore<Account>): OidcAdapterFactory {
  const made = new Map<string, Adapter>();
  const adapter = (model: string) => made.get(model) ?? made.set(model, withRequestScope(model, factory(model), { adapter, accounts })).get(model)!;
  return adapter;
}

/**
 * Whether the provider will save this request's session before it answers: its session
 * middleware does so, on every path, for a session that is not new or was changed, and
 * not destroyed (oidc-provider's shared/session.js). A code is only issued to a session
 * with an account, which is one of those; the condition is checked all the same.
 */
function sessionSavedLater(): boolean {
  const ctx = Provider.ctx as KoaContextWithOIDC | undefined;
  const session = (ctx && CODE_ISSUERS.has(ctx.oidc.route) ? ctx.oidc.session : undefined) as
    | { new?: boolean; touched?: boolean; destroyed?: boolean }
    | undefined;
  return !!session && (!session.new || !!session.touched) && !session.destroyed;
}

function withRequestScope(model: string, plain: Adapter, r: Readers): Adapter {
  /** Every call waits for what the request sent along before it. */
  const call = <T>(run: () => Promise<T>): Promise<T> => {
    const scope = requestScope();
    if (!scope?.sent.length) return run();
    const sent = scope.sent.splice(0);
    return Promise.all([run(), ...sent]).then(([result]) => result);
  };
  const found = (payload: AdapterPayload | undefined | void) => {
    readAhead(model, payload ?? undefined, r);
    return payload;
  };
  return {
    upsert: (id, payload, expiresIn) => {
      const write = () => plain.upsert(id, TOKENS.has(model) ? withSessionHint(payload) : payload, expiresIn);
      return model === 'AuthorizationCode' && sessionSavedLater() ? sendAlong(write()) : call(write);
    },
    find: (id) => call(() => (model === 'Grant' ? readTaken(aheadKey.grant(id), () => plain.find(id)) : plain.find(id)).then(found)),
    findByUid: (uid) =>
      call(() =>
        readTaken(aheadKey.sessionByUid(uid), () => plain.findByUid(uid)).then((session) => {
          noteSession(session);
          return session;
        }),
      ),
    findByUserCode: (userCode) => call(() => plain.findByUserCode(userCode)),
    consume: (id) => call(() => plain.consume(id)),
    destroy: (id) => call(() => plain.destroy(id)),
    revokeByGrantId: (grantId) => call(() => plain.revokeByGrantId(grantId)),
  };
}

/** The account store findAccount and the introspection policy read: their read takes the one started ahead. */
export function providerAccounts(accounts: AccountStore<Account>): Pick<AccountStore<Account>, 'findById'> {
  return { findById: (id) => readTaken(aheadKey.account(id), () => accounts.findById(id)) };
}
