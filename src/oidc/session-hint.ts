import Provider from 'oidc-provider';
import type { Adapter, AdapterPayload } from '../../adapters/types.ts';
import { requestScope } from './request-scope.ts';

/**
 * Where a token's session is, as a hint. The provider finds the session a token
 * is bound to by its uid, which lasts as long as the session (its id changes at
 * every sign-in): the uid's index, then the session, two round trips. So a
 * bound token is written with the id its session has then, and its session is
 * read by that id: a session found there with that uid is the one the index
 * names, since the provider removes a session's old id before it writes the new
 * one, and a sign-out removes it. Otherwise (the session signed in again since)
 * the index is asked, as the provider would.
 */
const HINT = 'sessionIdHint';

/** The payload to write for a token: with its session's id, where this request knows it. */
export function withSessionHint(payload: AdapterPayload): AdapterPayload {
  const uid = payload.expiresWithSession ? payload.sessionUid : undefined;
  if (!uid) return payload;
  const session = (Provider.ctx?.oidc as { session?: { uid: string; id: string } } | undefined)?.session;
  const id = session?.uid === uid ? session.id : requestScope()?.sessionIds.get(uid);
  return id ? { ...payload, [HINT]: id } : payload;
}

/** The session a token is bound to, by its hint when that holds, else by its uid. */
export async function boundSession(sessions: Adapter, token: AdapterPayload): Promise<AdapterPayload | undefined | void> {
  const uid = token.sessionUid!;
  const hint = token[HINT];
  const hinted = typeof hint === 'string' ? await sessions.find(hint) : undefined;
  return hinted?.uid === uid ? hinted : sessions.findByUid(uid);
}

/** Remembers, for the tokens this request writes, the id of a session it found. */
export function noteSession(session: AdapterPayload | undefined | void): void {
  if (session?.uid && session.jti) requestScope()?.sessionIds.set(session.uid, session.jti);
}
