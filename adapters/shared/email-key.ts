/**
 * The form under which an e-mail address is unique. NFC first, so that the same
 * address typed with composed or decomposed accents is one address.
 */
export function emailKey(email: string): string {
  return email.normalize('NFC').toLowerCase();
}

export function byEmail(a: { email: string }, b: { email: string }): number {
  const [x, y] = [emailKey(a.email), emailKey(b.email)];
  return x < y ? -1 : x > y ? 1 : 0;
}
