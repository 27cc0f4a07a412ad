import type { AccountHistory, HistoryEntry } from '../adapters/types.ts';
import type { Logger } from './log.ts';
import { nowSeconds } from './clock.ts';
import type { UpstreamAuditEvent } from './upstream/audit-events.ts';

/** The audit events we emit; each carries only identifiers, never a secret. */
export type AuditEvent =
  | 'password.requested'
  | 'mail.sent'
  | 'mail.failed'
  | 'password.set'
  | 'login.password_verified'
  | 'login.success'
  | 'login.failure'
  | 'login.locked'
  | 'login.restarted'
  | 'mfa.enrolled'
  | 'mfa.verified'
  | 'mfa.failure'
  | 'mfa.removed'
  | 'recovery.used'
  | 'account.created'
  | 'account.updated'
  | 'account.disabled'
  | 'account.enabled'
  | 'account.mfa_reset'
  | 'account.deleted'
  | 'password.changed'
  | 'sessions.ended'
  | 'logout.success'
  | 'account.reauthenticated'
  | 'account.change_refused'
  | 'recovery.regenerated'
  | 'scim.access_refused'
  | 'invitation.sent'
  | 'invitation.not_sent'
  | 'invitation.expired_link'
  | 'account.end_reminder_sent'
  | 'account.ended'
  | 'account.role_granted'
  | 'account.role_revoked'
  | 'account.unlocked'
  | 'admin.refused'
  | UpstreamAuditEvent;

type Fields = Record<string, unknown>;

/** How much of each account's history the store keeps: AUDIT_HISTORY_MAX entries, none older than AUDIT_RETENTION_DAYS. */
export interface HistoryLimits {
  max: number;
  seconds: number;
}

/**
 * The audit trail. Every event is a log line: the full record, for a SIEM.
 * The changes of an account (src/accounts records them) are kept in the store
 * as well, as the account's history that the console and the CLI show.
 */
export interface Audit {
  /** An event as a log line only: outcomes that change no account (failures, refusals, mails). */
  (event: AuditEvent, fields?: Fields): void;
  /** A change of an account: its log line, then its entry in the account's history; resolves once the entry is stored. */
  account(accountId: string, event: AuditEvent, fields?: Fields): Promise<void>;
  /** The account's history within retention, newest first. */
  history(accountId: string): Promise<HistoryEntry[]>;
  /** Forgets the account's history (a removed account; its log lines stay the record). */
  forget(accountId: string): Promise<void>;
}

export function createAudit(log: Logger, history: AccountHistory, limits: HistoryLimits): Audit {
  const logged = log.child({ audit: true });
  const line = (event: AuditEvent, fields: Fields = {}) => logged.info({ event, ...fields }, event);
  return Object.assign(line, {
    async account(accountId: string, event: AuditEvent, fields: Fields = {}) {
      line(event, { accountId, ...fields });
      await history.add(accountId, { at: nowSeconds(), event, ...fields }, limits);
    },
    history: (accountId: string) => history.read(accountId, limits.max, nowSeconds() - limits.seconds),
    forget: (accountId: string) => history.erase(accountId),
  });
}
