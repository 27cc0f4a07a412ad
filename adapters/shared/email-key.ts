/**
 * The form under which an e-mail address is unique. NFC first, so that the same
 * address typed with composed or decomposed accents is one address.
 */
export function emailKey(email: string): string {
  return email.normalize('NFC').toLowerCase();
}
