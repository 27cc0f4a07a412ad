import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Services } from '../../services.ts';
import type { Account, PasskeyFactor } from '../../accounts/account.ts';
import { nowSeconds } from '../../accounts/update.ts';
import { tokenHash } from '../../security/random-token.ts';

/**
 * WebAuthn ceremonies. The relying party is the ISSUER's host and origin. Every
 * challenge is bound to one sign-in (or account session) and taken from the
 * store exactly once; user verification (PIN or biometric) is always required.
 */
const PURPOSE = 'webauthn-challenge';
const CHALLENGE_TTL = 5 * 60;

export function relyingParty(issuer: string) {
  const url = new URL(issuer);
  return { rpID: url.hostname, origin: url.origin, rpName: 'CBS Microdata' };
}

const remember = (s: Services, boundTo: string, challenge: string) => s.store.tokens.put(PURPOSE, boundTo, tokenHash(challenge), CHALLENGE_TTL);
const takeChallenge = (s: Services, boundTo: string) => async (challenge: string) => !!(await s.store.tokens.take(PURPOSE, boundTo, tokenHash(challenge)));

function parse<T>(json: string): T | undefined {
  try {
    const value = JSON.parse(json) as unknown;
    return value && typeof value === 'object' ? (value as T) : undefined;
  } catch {
    return undefined;
  }
}

export async function registrationOptions(s: Services, boundTo: string, account: Account) {
  const rp = relyingParty(s.config.issuer);
  const options = await generateRegistrationOptions({
    rpName: rp.rpName,
    rpID: rp.rpID,
    userName: account.email,
    userDisplayName: account.name,
    userID: new TextEncoder().encode(account.id),
    attestationType: 'none',
    excludeCredentials: account.passkeys.map((p) => ({ id: p.id, transports: p.transports })),
    authenticatorSelection: { residentKey: 'required', userVerification: 'required' },
  });
  await remember(s, boundTo, options.challenge);
  return options;
}

/** The new passkey, or undefined when the response is not for this challenge, origin and user-verified. */
export async function verifyRegistration(s: Services, boundTo: string, responseJson: string, name: string): Promise<PasskeyFactor | undefined> {
  const response = parse<RegistrationResponseJSON>(responseJson);
  if (!response) return undefined;
  const rp = relyingParty(s.config.issuer);
  try {
    const result = await verifyRegistrationResponse({
      response,
      expectedChallenge: takeChallenge(s, boundTo),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
    });
    if (!result.verified) return undefined;
    const { credential, credentialDeviceType } = result.registrationInfo;
    return {
      id: credential.id,
      publicKey: Buffer.from(credential.publicKey).toString('base64url'),
      counter: credential.counter,
      transports: credential.transports,
      kind: credentialDeviceType === 'multiDevice' ? 'swk' : 'hwk',
      name,
      createdAt: nowSeconds(),
    };
  } catch {
    return undefined;
  }
}

/** Options for signing in with a passkey: of this account, or (no account) any discoverable passkey. */
export async function authenticationOptions(s: Services, boundTo: string, account?: Account) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(s.config.issuer).rpID,
    userVerification: 'required',
    allowCredentials: account?.passkeys.map((p) => ({ id: p.id, transports: p.transports as never })) ?? [],
  });
  await remember(s, boundTo, options.challenge);
  return options;
}

export interface PasskeyUse { account: Account; passkey: PasskeyFactor; counter: number }

/**
 * Checks a passkey assertion. With an account, the passkey must be one of its
 * own; without, the account is the one the passkey names (its user handle).
 */
export async function verifyAuthentication(s: Services, boundTo: string, responseJson: string, account?: Account): Promise<PasskeyUse | undefined> {
  const response = parse<AuthenticationResponseJSON>(responseJson);
  if (!response || typeof response.id !== 'string') return undefined;
  const handle = response.response?.userHandle;
  const owner = account ?? (handle ? await s.accounts.findById(Buffer.from(handle, 'base64url').toString('utf8')) : undefined);
  const passkey = owner?.passkeys.find((p) => p.id === response.id);
  if (!owner || !passkey || owner.disabled) {
    await takeChallenge(s, boundTo)(parseChallenge(response) ?? '');
    return undefined;
  }
  const rp = relyingParty(s.config.issuer);
  try {
    const result = await verifyAuthenticationResponse({
      response,
      expectedChallenge: takeChallenge(s, boundTo),
      expectedOrigin: rp.origin,
      expectedRPID: rp.rpID,
      requireUserVerification: true,
      credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: passkey.transports as never },
    });
    return result.verified ? { account: owner, passkey, counter: result.authenticationInfo.newCounter } : undefined;
  } catch {
    return undefined;
  }
}

/** The challenge a response answers, so that a failed attempt still uses it up. */
function parseChallenge(response: AuthenticationResponseJSON): string | undefined {
  try {
    return (JSON.parse(Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8')) as { challenge?: string }).challenge;
  } catch {
    return undefined;
  }
}
