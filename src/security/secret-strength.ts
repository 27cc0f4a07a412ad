import { dictionary } from '@zxcvbn-ts/language-common';

/**
 * How many bits of randomness a secret shows: the length of the shortest
 * description of it under the patterns a guesser tries first, never more than
 * its length times the bits of the smallest usual alphabet it is written in.
 * A secret from a generator (`openssl rand -hex 32`) comes out near its true
 * size; one a person or a pattern made comes out far lower, whatever number
 * of distinct characters it has:
 * - a character costs what the likelier of two adaptive models says: its own
 *   frequency so far (few symbols: "aaaa", "abab"), or the step from the one
 *   before (runs and patterns: "0123", "abcd", "00112233");
 * - a stretch that repeats an earlier one costs only where it starts and how
 *   long it is ("a key typed twice", "deadbeefdeadbeef");
 * - a common password or word costs only its place in the guesser's list
 *   ("qwertyuiop", "secret", "welkom").
 * It cannot prove a secret random; it refuses what evidently is not.
 */
export function secretBits(secret: string): number {
  const chars = [...secret].slice(0, MAX_LENGTH);
  const n = chars.length;
  const alphabet = alphabetOf(chars.join(''));
  const symbols = new Map<string, number>();
  const steps = new Map<number, number>();
  const charCost: number[] = [];
  for (let i = 0; i < n; i++) {
    const bySymbol = adaptiveCost(symbols, chars[i]!, i, alphabet);
    let byStep = Infinity;
    if (i > 0) {
      const step = chars[i]!.codePointAt(0)! - chars[i - 1]!.codePointAt(0)!;
      byStep = adaptiveCost(steps, step, i - 1, 2 * alphabet - 1);
      steps.set(step, (steps.get(step) ?? 0) + 1);
    }
    symbols.set(chars[i]!, (symbols.get(chars[i]!) ?? 0) + 1);
    charCost.push(Math.min(bySymbol, byStep));
  }
  // The cheapest description of each prefix: character by character, or a stretch copied from earlier.
  const best = new Array<number>(n + 1).fill(Infinity);
  best[0] = 0;
  for (let i = 0; i < n; i++) {
    best[i + 1] = Math.min(best[i + 1]!, best[i]! + charCost[i]!);
    for (let from = 0; from < i; from++) {
      let length = 0;
      while (i + length < n && chars[from + length] === chars[i + length]) length++;
      for (let l = MIN_COPY; l <= length; l++) best[i + l] = Math.min(best[i + l]!, best[i]! + Math.log2(i) + Math.log2(l));
    }
    for (let l = MIN_WORD; l <= Math.min(MAX_WORD, n - i); l++) {
      const bits = WORDS.get(
        chars
          .slice(i, i + l)
          .join('')
          .toLowerCase(),
      );
      if (bits !== undefined) best[i + l] = Math.min(best[i + l]!, best[i]! + bits);
    }
  }
  return Math.min(best[n]!, n * Math.log2(alphabet));
}

/** Estimated bits a secret must show: a random 32-character hex or base64 string has 128 or more. */
export const SECRET_MIN_BITS = 96;
/** Characters looked at: enough for any key, and the estimate stays cheap for a pasted megabyte. */
const MAX_LENGTH = 512;
/** Shorter stretches are cheaper written out than pointed at. */
const MIN_COPY = 3;
/**
 * The lists every guesser starts with (the password policy's too), each word at
 * what a guesser pays to reach it: leaked passwords by their rank (most used
 * first), the common words of diceware as one of 7,776. One bit more for its case.
 */
const WORDS = new Map<string, number>();
for (const word of dictionary['diceware-common'] as string[]) WORDS.set(word.toLowerCase(), Math.log2((dictionary['diceware-common'] as string[]).length) + 1);
(dictionary['passwords-common'] as string[]).forEach((word, rank) => {
  const bits = Math.log2(rank + 2) + 1;
  if (bits < (WORDS.get(word.toLowerCase()) ?? Infinity)) WORDS.set(word.toLowerCase(), bits);
});
const MIN_WORD = 3;
const MAX_WORD = 24;

/** The size of the smallest usual alphabet that writes the whole secret. */
function alphabetOf(secret: string): number {
  if (/^[0-9]*$/.test(secret)) return 10;
  if (/^[0-9a-f]*$/i.test(secret)) return 16;
  if (/^[A-Za-z0-9_-]*$/.test(secret)) return 64;
  if (/^[A-Za-z0-9+/=_-]*$/.test(secret)) return 66;
  if (/^[\x20-\x7e]*$/.test(secret)) return 95;
  return 256;
}

/**
 * Bits for `key` after `total` earlier ones (PPM method C): a key seen before
 * costs its share, a new one the escape (as likely as the number of distinct
 * keys so far) and then a choice among those of the alphabet not seen yet.
 */
function adaptiveCost<K>(seen: Map<K, number>, key: K, total: number, alphabet: number): number {
  if (total === 0) return Math.log2(alphabet);
  const count = seen.get(key) ?? 0;
  const distinct = seen.size;
  if (count > 0) return -Math.log2(count / (total + distinct));
  return -Math.log2(distinct / (total + distinct)) + Math.log2(Math.max(1, alphabet - distinct));
}

/** The example files' secrets start like this (config/clients.example.json, config/upstream-providers.example.json); a real registration never does. */
export const PLACEHOLDER = /^replace-with-/;
