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
  return { amr: ['pwd', second, 'mfa'], acr: ACR_MFA };
}

/** Passkey alone, with user verification (PIN or biometric) on the device: two factors in one gesture. */
export function passkeyOnly(kind: 'hwk' | 'swk'): { amr: string[]; acr: string } {
  return { amr: [kind, 'user', 'mfa'], acr: ACR_PHISHING_RESISTANT };
}

export function isMultiFactor(amr: readonly string[] | undefined): boolean {
  return !!amr?.includes('mfa');
}
