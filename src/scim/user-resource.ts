import { invitationState, nameParts, type Account } from '../accounts/account.ts';
import { CBS_EXTENSION, USER_SCHEMA } from './schema.ts';

const iso = (seconds: number) => new Date(seconds * 1000).toISOString();

/** The weak ETag of an account: its optimistic-concurrency version. */
export const etag = (account: Pick<Account, 'version'>) => `W/"${account.version}"`;

/** An account as a SCIM User (RFC 7643 §4.1). userName is the e-mail address. */
export function toScimUser(account: Account, base: string) {
  const { given_name, family_name } = nameParts(account.name);
  const invitation = account.invitation;
  return {
    schemas: [USER_SCHEMA, CBS_EXTENSION],
    id: account.id,
    ...(account.externalId ? { externalId: account.externalId } : {}),
    userName: account.email,
    name: { formatted: account.name, ...(given_name ? { givenName: given_name } : {}), ...(family_name ? { familyName: family_name } : {}) },
    displayName: account.name,
    emails: [{ value: account.email, type: 'work', primary: true }],
    preferredLanguage: account.locale,
    active: !account.disabled,
    [CBS_EXTENSION]: {
      ...(account.endDate ? { endDate: account.endDate } : {}),
      ...(invitation ? { invitation: { state: invitationState(invitation), sentAt: iso(invitation.sentAt), expiresAt: iso(invitation.expiresAt) } } : {}),
    },
    meta: { resourceType: 'User', created: iso(account.createdAt), location: `${base}/Users/${account.id}`, version: etag(account) },
  };
}
