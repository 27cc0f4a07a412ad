import type { StoredAccount } from '../../adapters/types.ts';
import type { Locale } from '../i18n/index.ts';
import type { Role } from './roles.ts';
import { nowSeconds } from '../clock.ts';
import { emailKey } from '../../adapters/shared/email-key.ts';

interface TotpFactor {
  id: string;
  secret: string;
  createdAt: number;
}
export interface PasskeyFactor {
  id: string;
  publicKey: string;
  counter: number;
  transports?: string[];
  /** 'hwk' for a security key or phone, 'swk' for a synced/platform passkey (RFC 8176). */
  kind: 'hwk' | 'swk';
  name: string;
  createdAt: number;
}
export interface SignIn {
  at: number;
  method: string;
  ip?: string;
}

/**
 * A welcome mail with a set-password link. Kept on the account so that staff see
 * its state, and so that an expired link can be told apart from a used one.
 */
interface Invitation {
  sentAt: number;
  expiresAt: number;
  /** When a password was first set after it (by this link or any other). */
  acceptedAt?: number;
  /** SHA-256 of the newest invitation link's secret (as the token store keeps it). */
  linkHash: string;
}
type InvitationState = 'pending' | 'expired' | 'accepted';

export function invitationState(invitation: Invitation, now = nowSeconds()): InvitationState {
  if (invitation.acceptedAt !== undefined) return 'accepted';
  return now < invitation.expiresAt ? 'pending' : 'expired';
}

/** A name as the provisioning system gave it (SCIM name), each part exactly as sent. */
export interface PersonName {
  formatted?: string;
  givenName?: string;
  familyName?: string;
}

/** The account aggregate: everything about one user, stored as one document. */
export interface Account extends StoredAccount {
  /** The name the screens, mails and the console's search show; made from personName when there is one. */
  name: string;
  /** The name's parts as given (SCIM); absent on accounts made with a name only (CLI, console). */
  personName?: PersonName;
  locale: Locale;
  disabled: boolean;
  passwordHash?: string;
  /** Authenticator apps; the secret is sealed with SECRETS_KEY. */
  totp: TotpFactor[];
  passkeys: PasskeyFactor[];
  /** Hashes of unused recovery codes. */
  recoveryCodes: string[];
  /**
   * Sessions and tokens from sign-ins before this moment (epoch seconds) are void.
   * Set one second ahead, since sign-in times are whole seconds; a sign-in
   * completed after it is stamped no earlier (signInTime).
   */
  sessionsValidAfter: number;
  recentSignIns: SignIn[];
  /** The provider's grants made for this account, so that ending its sessions can revoke their tokens. */
  grants?: GrantRef[];
  /** Staff roles; absent on most accounts. */
  roles?: Role[];
  createdAt: number;
  /** When the document last changed (SCIM meta.lastModified); absent: never since createdAt. */
  modifiedAt?: number;
  invitation?: Invitation;
  /** The provisioning system's own identifier of the user (SCIM externalId). */
  externalId?: string;
  /** The last day (YYYY-MM-DD, Amsterdam time) the account may be used; the expiry job disables it after. */
  endDate?: string;
  /** The end date whose reminder mail went out: once per end date. */
  endDateReminded?: string;
  /**
   * The address the holder proved, by setting a password through a link mailed to it.
   * The address is verified while it is still this one: any change of address unproves it.
   */
  verifiedEmail?: string;
  /** Removed (SCIM DELETE): personal data scrubbed, the address freed; kept so that the id is never reused. */
  deletedAt?: number;
}

/**
 * A grant made for the account; with the application it was made for and that
 * application's session id (sid), so that ending the account's sessions can
 * tell the application which of its sessions ended (back-channel logout).
 */
export interface GrantRef {
  id: string;
  exp: number;
  clientId?: string;
  sid?: string;
}

export function hasSecondFactor(account: Account): boolean {
  return account.totp.length > 0 || account.passkeys.length > 0;
}

/** Whether the holder proved the account's present address (the ID token's email_verified). */
export const emailVerified = (account: Account): boolean => account.verifiedEmail !== undefined && emailKey(account.verifiedEmail) === emailKey(account.email);

export function newAccount(fields: { id: string; email: string; name: string; locale: Locale }): Account {
  const now = nowSeconds();
  return {
    ...fields,
    version: 0,
    disabled: false,
    totp: [],
    passkeys: [],
    recoveryCodes: [],
    sessionsValidAfter: 0,
    recentSignIns: [],
    createdAt: now,
  };
}

/** The name to show for a name given in parts: the formatted one when given, else given and family name. */
export function displayName(p: PersonName): string {
  return (p.formatted || [p.givenName, p.familyName].filter(Boolean).join(' ')).trim().replace(/\s+/g, ' ');
}

/**
 * Given and family name (the ID token's given_name and family_name): the parts
 * as they were given; for a name alone, split the way Dutch names usually are:
 * first word, then the rest ("van den Berg").
 */
export function nameClaims(account: Pick<Account, 'name' | 'personName'>): { given_name?: string; family_name?: string } {
  const { givenName, familyName } = account.personName ?? {};
  if (givenName || familyName) return { ...(givenName ? { given_name: givenName } : {}), ...(familyName ? { family_name: familyName } : {}) };
  const [given, ...rest] = account.name.trim().split(/\s+/);
  return rest.length ? { given_name: given, family_name: rest.join(' ') } : { given_name: given };
}
