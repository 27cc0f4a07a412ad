import { invitationState, type Account, type PersonName } from '../accounts/account.ts';
import { CBS_EXTENSION, USER_SCHEMA } from './schema.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The weak ETag of an account: its optimistic-concurrency version. */
export const etag = (account: Pick<Account, 'version'>) => `W/"${account.version}"`;

/** The name as it was given: its parts from SCIM, or the name alone for an account made with one (CLI, console). */
export const nameAsGiven = (account: Account): PersonName => account.personName ?? { formatted: account.name };

/** An account as a SCIM User (RFC 7643 §4.1). userName is the e-mail address; a formatted name not given is the name shown. */
export function toScimUser(account: Account, base: string) {
  const invitation = account.invitation;
  return {
    schemas: [USER_SCHEMA, CBS_EXTENSION],
    id: account.id,
    ...(account.externalId ? { externalId: account.externalId } : {}),
    userName: account.email,
    name: { formatted: account.name, ...nameAsGiven(account) },
    displayName: account.name,
    emails: [{ value: account.email, type: 'work', primary: true }],
    preferredLanguage: account.locale,
    active: !account.disabled,
    [CBS_EXTENSION]: {
      ...(account.endDate ? { endDate: account.endDate } : {}),
      ...(invitation ? { invitation: { state: invitationState(invitation), sentAt: iso(invitation.sentAt), expiresAt: iso(invitation.expiresAt) } } : {}),
    },
    meta: {
      resourceType: 'User',
      created: iso(account.createdAt),
      lastModified: iso(account.modifiedAt ?? account.createdAt),
      location: `${base}/Users/${account.id}`,
      version: etag(account),
    },
  };
}
