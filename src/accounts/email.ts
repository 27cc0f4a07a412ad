import { randomBytes } from 'node:crypto';
import { emailKey } from '../../adapters/shared/email-key.ts';

/** Something@something.tld, no spaces. The mail server decides the rest. */
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** The one form of a typed address, for lookups and limit keys alike: NFC, trimmed, lower case (as the stores key it). */
export const normalizeEmail = (email: string) => emailKey(email.trim());

/**
 * .invalid never receives mail (RFC 2606): deleted accounts keep their
 * placeholder address there, so no one may give an account an address on it.
 */
const RESERVED = /\.invalid\.?$/;

/** The address rule, for every place an account's address is given (CLI, console, SCIM, "request password"). */
export const isEmailAddress = (value: string) => EMAIL.test(value.trim()) && !RESERVED.test(normalizeEmail(value));

/** The address of a deleted account: on the reserved domain, and unguessable, so that nothing can collide with it. */
export const deletedPlaceholder = () => `deleted-${randomBytes(12).toString('hex')}@deleted.invalid`;
