import type { Store } from '../../adapters/types.ts';
import type { Audit, AuditEvent } from '../audit.ts';
import type { Account } from './account.ts';

/**
 * Who changes an account, and through what: its holder (My account, a mailed
 * link), a sign-in, a staff member in the helpdesk console, an operator with
 * the CLI (their operating-system user), a provisioning client over SCIM (its
 * client id), or a job of the service (its name).
 */
export type Actor = { via: 'self' | 'sign-in' } | { via: 'console'; by: Pick<Account, 'id' | 'email'> } | { via: 'cli' | 'scim' | 'job'; by: string };

/** What every account operation takes: the store, and the audit trail its event goes to. */
export interface AccountDeps {
  store: Store;
  audit: Audit;
}

/**
 * The event each operation records: one table, so that the same change makes
 * the same event whoever makes it (console, CLI, SCIM, the job, sign-in, the
 * holder). Bookkeeping of a use that is no change anyone asked for — a
 * passkey's signature counter, a password hash upgraded, a sign-in listed, a
 * grant remembered, an end check rescheduled — records none.
 */
const EVENT_OF = {
  createAccount: 'account.created',
  updateProfile: 'account.updated',
  disable: 'account.disabled',
  enable: 'account.enabled',
  endAccount: 'account.ended',
  remindOfEnd: 'account.end_reminder_sent',
  removeAccount: 'account.deleted',
  liftLockout: 'account.unlocked',
  setPassword: 'password.set',
  changePassword: 'password.changed',
  endSessions: 'sessions.ended',
  recordSignOut: 'logout.success',
  addFactor: 'mfa.enrolled',
  removeFactor: 'mfa.removed',
  resetSecondFactors: 'account.mfa_reset',
  replaceRecoveryCodes: 'recovery.regenerated',
  spendRecoveryCode: 'recovery.used',
  grantRole: 'account.role_granted',
  revokeRole: 'account.role_revoked',
  sendInvitation: 'invitation.sent',
  linkUpstream: 'upstream.linked',
  unlinkUpstream: 'upstream.unlinked',
} as const satisfies Record<string, AuditEvent>;

type Operation = keyof typeof EVENT_OF;

/** Every event an account's history can hold (the console names each). */
export const HISTORY_EVENTS: AuditEvent[] = [...new Set(Object.values(EVENT_OF))];

/** The actor as the event names it: how (via), and who (a staff member by id and address). */
export function actorFields(actor: Actor): Record<string, string> {
  if (actor.via === 'console') return { via: actor.via, by: actor.by.id, byEmail: actor.by.email };
  return 'by' in actor ? { via: actor.via, by: actor.by } : { via: actor.via };
}

/**
 * Records the operation's event for the account: a log line and an entry in the
 * account's history. `details` are identifiers and plain facts only, never a
 * secret, a token or a password.
 */
export function recordEvent(
  s: Pick<AccountDeps, 'audit'>,
  actor: Actor,
  accountId: string,
  operation: Operation,
  details: Record<string, unknown> = {},
): Promise<void> {
  return s.audit.account(accountId, EVENT_OF[operation], { ...actorFields(actor), ...details });
}
