import type { Store, UpstreamLink } from '../../adapters/types.ts';
import type { Services } from '../services.ts';
import { identityRef, type UpstreamIdentity } from '../upstream/client.ts';
import { tellHolder } from '../mail/account-changed.ts';
import { nowSeconds } from '../clock.ts';
import { invitationState, type Account } from './account.ts';
import { normalizeEmail } from './email.ts';
import { recordEvent } from './events.ts';
import { accountUsable, signInTime } from './standing.ts';
import { accountsOf, updateAccount } from './update.ts';

/**
 * Linking an institution account (an upstream identity, the pair issuer and
 * subject) to a CBS account, and unlinking it: the one place that does either.
 * Who may link is decided before (src/flows/upstream: only the holder signed in
 * with password and second factor, or completing an invitation); never by an
 * e-mail address. Every link and unlink is audited and mailed to the account's
 * address, and kept in the account's history (events.ts).
 */

/** How many institution accounts one account may have linked. */
export const MAX_LINKS = 5;

/** Who links or unlinks: the holder (My account, or while completing an invitation) or a staff member in the console. */
type Actor =
  | { via: 'account' }
  | { via: 'invitation' /** The address the invitation was mailed to (normalised): linking through it proves that address. */; mailedTo?: string }
  | { via: 'console'; by: Pick<Account, 'id' | 'email'> };

type LinkDeps = Pick<Services, 'store' | 'audit' | 'mailer' | 'background' | 'config'>;

export type LinkOutcome = 'linked' | 'already' | 'taken' | 'too_many';

/** The actor as every account operation names it (events.ts): the holder, or the staff member. */
const operator = (actor: Actor) => (actor.via === 'console' ? actor : { via: 'self' as const });

/**
 * Links the identity to the account, unless it is another account's ('taken')
 * or the account has MAX_LINKS already. Through an invitation the link is what
 * accepts it, as a first password would: the invitation is accepted, and the
 * address it was mailed to counts as proven.
 */
export async function linkUpstream(
  s: LinkDeps,
  account: Account,
  identity: UpstreamIdentity,
  provider: string,
  actor: Extract<Actor, { via: 'account' | 'invitation' }>,
): Promise<LinkOutcome> {
  const fields = { accountId: account.id, provider, identityRef: identityRef(identity), via: actor.via };
  const links = await s.store.upstreamLinks.ofAccount(account.id);
  const known = links.some((l) => l.issuer === identity.issuer && l.subject === identity.subject);
  const outcome: LinkOutcome = known
    ? 'already'
    : links.length >= MAX_LINKS
      ? 'too_many'
      : await s.store.upstreamLinks.link({
          ...identity,
          accountId: account.id,
          provider,
          via: actor.via,
          linkedAt: signInTime(account),
        });
  if (outcome !== 'linked') {
    s.audit('upstream.link_refused', { ...fields, reason: outcome });
    return outcome;
  }
  if (actor.via === 'invitation') {
    await updateAccount(accountsOf(s.store), account.id, (a) => {
      if (a.invitation && a.invitation.acceptedAt === undefined) a.invitation.acceptedAt = nowSeconds();
      if (actor.mailedTo !== undefined && normalizeEmail(a.email) === actor.mailedTo) a.verifiedEmail = a.email;
    });
  }
  await recordEvent(s, operator(actor), account.id, 'linkUpstream', { provider, identityRef: identityRef(identity), linkedVia: actor.via });
  tellHolder(s, account, 'upstream_linked', 'upstream.mail.linked', actor.via);
  return outcome;
}

/** Unlinks the account's link named `ref` (identityRef); undefined when the account has no such link. */
export async function unlinkUpstream(
  s: LinkDeps,
  account: Account,
  ref: string,
  actor: Extract<Actor, { via: 'account' | 'console' }>,
): Promise<UpstreamLink | undefined> {
  const link = (await s.store.upstreamLinks.ofAccount(account.id)).find((l) => identityRef(l) === ref);
  if (!link || !(await s.store.upstreamLinks.unlink(account.id, link.issuer, link.subject))) return undefined;
  await recordEvent(s, operator(actor), account.id, 'unlinkUpstream', { provider: link.provider, identityRef: ref });
  tellHolder(s, account, 'upstream_unlinked', 'upstream.mail.unlinked', actor.via === 'console' ? 'helpdesk' : 'account');
  return link;
}

/** A removed account keeps no institution identity (operations/lifecycle.ts removeAccount). */
export async function removeUpstreamLinks(store: Store, accountId: string): Promise<void> {
  for (const link of await store.upstreamLinks.ofAccount(accountId)) await store.upstreamLinks.unlink(accountId, link.issuer, link.subject);
}

/**
 * Whether a sign-in through this link may enrol the account's first second
 * factor. Only at the first login after an invitation was completed by linking:
 * the link came with the mailbox's proof and nothing was reset since. After a
 * helpdesk reset (every factor removed, sessions ended: sessionsValidAfter moves
 * past the link) the upstream login alone never lets anyone enrol one; the password does.
 */
export function mayEnrolThroughLink(account: Account, link: UpstreamLink): boolean {
  return link.via === 'invitation' && link.linkedAt >= account.sessionsValidAfter;
}

/**
 * Whether this set-password link is the account's open invitation, which may be
 * completed by linking an institution account instead of setting a password: the
 * newest invitation's link, still pending, on a usable account that has no password yet.
 */
export function invitationOpenFor(account: Account | undefined, tokenHash: string): account is Account {
  const invitation = account?.invitation;
  return !!invitation && accountUsable(account) && !account.passwordHash && invitation.linkHash === tokenHash && invitationState(invitation) === 'pending';
}
