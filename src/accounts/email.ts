import { emailKey } from '../../adapters/shared/email-key.ts';

/** The address rule: something@something.tld, no spaces. The mail server decides the rest. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one form of a typed address, for lookups and limit keys alike: NFC, trimmed, lower case (as the stores key it). */
export const normalizeEmail = (email: string) => emailKey(email.trim());
