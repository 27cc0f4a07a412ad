import { displayName, type Account, type PersonName } from '../accounts/account.ts';
import { isEndDate } from '../accounts/end-date.ts';
import { pickLocale, type Locale } from '../i18n/index.ts';
import { isEmailAddress, normalizeEmail } from '../accounts/email.ts';
import { CBS_EXTENSION } from './schema.ts';
import { invalidValue } from './errors.ts';
import type { UserInput } from './user-input.ts';

/** What a SCIM User says the account should be. */
export interface UserFields {
  email: string;
  /** The name to show, made from the parts (or displayName when there are none). */
  name: string;
  /** The name's parts exactly as given; undefined when the User has no name attribute. */
  personName?: PersonName;
  locale: Locale;
  externalId?: string;
  /** Unchanged when the client leaves it out. */
  active?: boolean;
  endDate?: string;
  sendInvitation: boolean;
}

function emailOf(value: string, where: string): string {
  const email = value.trim();
  if (!isEmailAddress(email)) throw invalidValue(`${where} must be an e-mail address`);
  return normalizeEmail(email);
}

/**
 * userName is the e-mail address. A client may change it through userName or
 * through the primary e-mail; when it names both, they must agree.
 */
function emailFrom(input: UserInput, current: Account | undefined): string {
  const userName = emailOf(input.userName, 'userName');
  const emails = input.emails ?? [];
  const primary = emails.find((e) => e.primary) ?? emails[0];
  const email = primary ? emailOf(primary.value, 'emails.value') : userName;
  if (email === userName) return email;
  if (current && userName === current.email) return email;
  if (current && email === current.email) return userName;
  throw invalidValue('userName and the primary e-mail address differ: the user name is the e-mail address');
}

const PARTS = ['formatted', 'givenName', 'familyName'] as const;

/** The parts as sent (a blank part is no part), and the name to show made from them. */
function nameFrom(input: UserInput): { name: string; personName?: PersonName } {
  const given = input.name ?? {};
  const parts = Object.fromEntries(PARTS.flatMap((p) => (given[p]?.trim() ? [[p, given[p]]] : []))) as PersonName;
  const personName = Object.keys(parts).length ? parts : undefined;
  const name = personName ? displayName(personName) : (input.displayName ?? '').trim().replace(/\s+/g, ' ');
  if (!name) throw invalidValue('name.formatted (or name.givenName and name.familyName, or displayName) is required');
  if ([...name].length > 200) throw invalidValue('the name is longer than 200 characters');
  return { name, personName };
}

function localeFrom(preferredLanguage: string | null | undefined): Locale {
  if (!preferredLanguage) return 'nl';
  const locale = pickLocale(preferredLanguage.replace('_', '-'));
  if (!locale) throw invalidValue(`preferredLanguage must be nl or en, not "${preferredLanguage}"`);
  return locale;
}

export function userFields(input: UserInput, current?: Account): UserFields {
  const extension = input[CBS_EXTENSION];
  const endDate = extension?.endDate ?? undefined;
  if (endDate !== undefined && !isEndDate(endDate)) throw invalidValue(`${CBS_EXTENSION}:endDate must be a date written YYYY-MM-DD`);
  return {
    email: emailFrom(input, current),
    ...nameFrom(input),
    locale: localeFrom(input.preferredLanguage),
    externalId: input.externalId ?? undefined,
    active: input.active ?? undefined,
    endDate,
    sendInvitation: extension?.sendInvitation === true,
  };
}
