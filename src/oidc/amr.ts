/**
 * How a user signed in, as the ID token says it: `amr` values from RFC 8176,
 * `acr` values from OpenID PAPE. A session without 'mfa' in its amr is never
 * enough for an authorization (see policy.ts).
 */
const ACR_MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const ACR_PHISHING_RESISTANT = 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant';
export const ACR_VALUES = [ACR_MFA, ACR_PHISHING_RESISTANT];

export type SecondFactor = 'otp' | 'hwk' | 'swk' | 'recovery';

/**
 * A sign-in's first step: the password, or a login at the person's institution
 * (RFC 8176 'fed', #26), which stands in for the password and nothing more.
 */
export type FirstFactor = 'pwd' | 'fed';

/** After the password step only. */
export const PASSWORD_ONLY = { amr: ['pwd'] };
/** After an institution's login only (src/flows/upstream); the second factor is CBS's, as after a password. */
export const INSTITUTION_ONLY = { amr: ['fed'] };

/** The first step a sign-in's amr records. */
export const firstFactorOf = (amr: readonly string[] | undefined): FirstFactor => (amr?.[0] === 'fed' ? 'fed' : 'pwd');

/**
 * The first step, then a second factor. `established`: the factor was the
 * account's before this sign-in's first step. A passkey is bound to our
 * origin, so a phisher who has the password cannot use the account's passkey;
 * but a passkey enrolled or added during this sign-in proves only what the
 * factors before it proved (a password, a code: both phishable), so it makes the
 * sign-in phishing-resistant only from the next sign-in on. The acr follows from
 * these steps of ours only: whatever an institution says of its own login
 * (its acr, amr or an MFA claim) never raises it.
 */
export function withSecondFactor(first: FirstFactor, factor: SecondFactor, established = true): { amr: string[]; acr: string } {
  // RFC 8176 has no value for recovery codes; they are one-time passwords.
  const second = factor === 'recovery' ? 'otp' : factor;
  const passkey = second === 'hwk' || second === 'swk';
  return { amr: [first, second, 'mfa'], acr: passkey && established ? ACR_PHISHING_RESISTANT : ACR_MFA };
}

/** Whether a sign-in (its acr) is phishing-resistant. */
export const isPhishingResistant = (acr: string | undefined) => acr === ACR_PHISHING_RESISTANT;

/**
 * Whether the application accepts nothing but a phishing-resistant sign-in: every
 * acr it asked for (acr_values, its registered default_acr_values, or the acr
 * claim request) is PAPE phishing-resistant.
 */
export function onlyPhishingResistant(requested: { value?: string; values?: string[] } | undefined): boolean {
  const values = requested?.values ?? (requested?.value ? [requested.value] : []);
  return values.length > 0 && values.every((v) => v === ACR_PHISHING_RESISTANT);
}

/** Passkey alone, with user verification (PIN or biometric) on the device: two factors in one gesture. */
export function passkeyOnly(kind: 'hwk' | 'swk'): { amr: string[]; acr: string } {
  return { amr: [kind, 'user', 'mfa'], acr: ACR_PHISHING_RESISTANT };
}

export function isMultiFactor(amr: readonly string[] | undefined): boolean {
  return !!amr?.includes('mfa');
}
