import argon2 from 'argon2';
import { hashingSlots } from './hashing-slots.ts';

/** OWASP's argon2id profile: m=19456 KiB, t=2, p=1. Hashes with other parameters are upgraded at login. */
const PARAMS = { type: argon2.argon2id, memoryCost: 19456, timeCost: 2, parallelism: 1 } as const;

/** Every argon2 computation of this process takes a slot (hashing-slots.ts). */
const slot = hashingSlots();

export function hashPassword(password: string): Promise<string> {
  return slot(() => argon2.hash(password, PARAMS));
}

/** False for a wrong password or an unreadable hash; ClientGone when `signal` aborted before the computation began. */
export function verifyPassword(hash: string, password: string, signal?: AbortSignal): Promise<boolean> {
  return slot(() => argon2.verify(hash, password).catch(() => false), signal);
}

export function needsRehash(hash: string): boolean {
  return argon2.needsRehash(hash, PARAMS);
}

/** A fixed hash to verify against when the account is unknown, so that timing does not tell. */
let decoy: Promise<string> | undefined;
export function decoyHash(): Promise<string> {
  decoy ??= hashPassword('decoy password that matches nothing');
  return decoy;
}
