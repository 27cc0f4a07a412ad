import {
  generateAuthenticationOptions,
  generateRegistrationOptions,
  verifyAuthenticationResponse,
  verifyRegistrationResponse,
  type AuthenticationResponseJSON,
  type RegistrationResponseJSON,
} from '@simplewebauthn/server';
import { StoreUnavailableError, type AccountStore, type SingleUseTokenStore } from '../../../adapters/types.ts';
import type { Account, PasskeyFactor } from '../../accounts/account.ts';
import { accountUsable } from '../../accounts/standing.ts';
import { nowSeconds } from '../../clock.ts';
import { tokenHash } from '../../security/random-token.ts';
import type { FactorResult } from '../result.ts';
import { authenticationResponse, clientData, parseJson, registrationResponse } from './response-schema.ts';

/** What the ceremonies need: where challenges live, the accounts, and the ISSUER that names the relying party. */
export interface PasskeyDeps {
  store: { tokens: SingleUseTokenStore };
  accounts: AccountStore<Account>;
  config: { issuer: string };
}

/**
 * WebAuthn ceremonies. The relying party is the ISSUER's host and origin. Every
 * challenge is bound to one sign-in (or account session) and taken from the
 * store exactly once; user verification (PIN or biometric) is always required.
 */
const PURPOSE = 'webauthn-challenge';
const CHALLENGE_TTL = 5 * 60;

function relyingParty(issuer: string) {
  const url = new URL(issuer);
  return { rpID: url.hostname, origin: url.origin, rpName: 'CBS Microdata' };
}

const remember = (s: PasskeyDeps, boundTo: string, challenge: string) => s.store.tokens.put(PURPOSE, boundTo, tokenHash(challenge), CHALLENGE_TTL);
const takeChallenge = (s: PasskeyDeps, boundTo: string) => async (challenge: string) => !!(await s.store.tokens.take(PURPOSE, boundTo, tokenHash(challenge)));

export async function registrationOptions(s: PasskeyDeps, boundTo: string, account: Account) {
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
export async function verifyRegistration(s: PasskeyDeps, boundTo: string, responseJson: string, name: string): Promise<PasskeyFactor | undefined> {
  const response = parseJson(registrationResponse, responseJson) as RegistrationResponseJSON | undefined;
  if (!response) return undefined;
  return unlessRejected(async () => {
    const result = await verifyRegistrationResponse({ response, ...expectations(s, boundTo) });
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
    } satisfies PasskeyFactor;
  });
}

/** Options for signing in with a passkey: of this account, or (no account) any discoverable passkey. */
export async function authenticationOptions(s: PasskeyDeps, boundTo: string, account?: Account) {
  const options = await generateAuthenticationOptions({
    rpID: relyingParty(s.config.issuer).rpID,
    userVerification: 'required',
    allowCredentials: account?.passkeys.map((p) => ({ id: p.id, transports: p.transports as never })) ?? [],
  });
  await remember(s, boundTo, options.challenge);
  return options;
}

interface PasskeyUse {
  account: Account;
  passkey: PasskeyFactor;
  counter: number;
}

/**
 * Checks a passkey assertion. With an account, the passkey must be one of its
 * own; without, the account is the one the passkey names (its user handle).
 */
export async function verifyAuthentication(s: PasskeyDeps, boundTo: string, responseJson: string, account?: Account): Promise<FactorResult<PasskeyUse>> {
  const response = parseJson(authenticationResponse, responseJson) as AuthenticationResponseJSON | undefined;
  if (!response) return { kind: 'invalid' };
  const handle = response.response.userHandle;
  const owner = account ?? (handle ? await s.accounts.findById(Buffer.from(handle, 'base64url').toString('utf8')) : undefined);
  const passkey = owner?.passkeys.find((p) => p.id === response.id);
  if (!owner || !passkey || !accountUsable(owner)) {
    await takeChallenge(s, boundTo)(parseChallenge(response) ?? '');
    return { kind: 'invalid' };
  }
  const counter = await unlessRejected(async () => {
    const result = await verifyAuthenticationResponse({
      response,
      ...expectations(s, boundTo),
      credential: { id: passkey.id, publicKey: Buffer.from(passkey.publicKey, 'base64url'), counter: passkey.counter, transports: passkey.transports as never },
    });
    return result.verified ? result.authenticationInfo.newCounter : undefined;
  });
  return counter === undefined ? { kind: 'invalid' } : { kind: 'ok', account: owner, passkey, counter };
}

/** What every ceremony expects: the challenge bound to this sign-in (taken once), our origin and RP ID, user verification. */
function expectations(s: PasskeyDeps, boundTo: string) {
  const rp = relyingParty(s.config.issuer);
  return { expectedChallenge: takeChallenge(s, boundTo), expectedOrigin: rp.origin, expectedRPID: rp.rpID, requireUserVerification: true };
}

/** A response the library rejects is a failed attempt; a store that fails meanwhile is an outage, and goes up. */
async function unlessRejected<T>(verify: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    return await verify();
  } catch (err) {
    if (err instanceof StoreUnavailableError) throw err;
    return undefined;
  }
}

/** The challenge a response answers, so that a failed attempt still uses it up. */
function parseChallenge(response: AuthenticationResponseJSON): string | undefined {
  return parseJson(clientData, Buffer.from(response.response.clientDataJSON, 'base64url').toString('utf8'))?.challenge;
}
