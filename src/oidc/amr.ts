/**
 * How a user signed in, as the ID token says it: `amr` values from RFC 8176,
 * `acr` values from OpenID PAPE. A session without 'mfa' in its amr is never
 * enough for an authorization (see policy.ts).
 */
const ACR_MFA = 'http://schemas.openid.net/pape/policies/2007/06/multi-factor';
const ACR_PHISHING_RESISTANT = 'http://schemas.openid.net/pape/policies/2007/06/phishing-resistant';
export const ACR_VALUES = [ACR_MFA, ACR_PHISHING_RESISTANT];

export type SecondFactor = 'otp' | 'hwk' | 'swk' | 'recovery';

/** After the password step only. */
export const PASSWORD_ONLY = { amr: ['pwd'] };

export function passwordAndSecondFactor(factor: SecondFactor): { amr: string[]; acr: string } {
  // RFC 8176 has no value for recovery codes; they are one-time passwords.
  const second = factor === 'recovery' ? 'otp' : factor;
  // A passkey is bound to our origin: a phisher who has the password still cannot finish the sign-in.
  return { amr: ['pwd', second, 'mfa'], acr: usedPasskey([second]) ? ACR_PHISHING_RESISTANT : ACR_MFA };
}

/** Whether a sign-in's amr includes a passkey (a hardware or synced WebAuthn credential). */
export function usedPasskey(amr: readonly string[] | undefined): boolean {
  return !!amr?.some((v) => v === 'hwk' || v === 'swk');
}

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
