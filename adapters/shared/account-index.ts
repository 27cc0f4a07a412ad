import type { StoredAccount } from '../types.ts';

/**
 * What the stores index of an account, derived from its document alone, so that
 * every write, every reader checking a hint and every reindex agree on it. A
 * removed account (deletedAt) is in no index.
 */
export interface IndexedFields {
  /** The address folded: the order of listings, and what a search by address matches. */
  listKey?: string;
  /** The name folded, from each of its words on ("van den berg", "den berg", "berg"). */
  nameTerms: string[];
  externalId?: string;
  /** An invitation not accepted yet (pending or expired). */
  invited: boolean;
  endCheckAt?: number;
}

/** Name words indexed at most, and the length of each indexed term: an account cannot grow the index without bound. */
const MAX_NAME_TERMS = 8;
export const MAX_TERM_LENGTH = 64;

/**
 * Text as searches compare it: decomposed, combining marks removed, lower case, no
 * control characters ("Émile" → "emile", "ÉMILE" → "emile").
 */
export function fold(text: string): string {
  return text
    .normalize('NFD')
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\p{M}\p{Cc}]/gu, '');
}

/** What a search looks for: the text folded, each run of white space one space. */
export function searchText(text: string): string {
  return fold(text).replace(/\s+/g, ' ');
}

/** The folded name from the start of each word (after a space or a hyphen), whole. */
function wordStarts(name: string): string[] {
  const folded = searchText(name).trim();
  if (!folded) return [];
  return [0, ...[...folded.matchAll(/[ -](?=[^ -])/g)].map((m) => m.index + 1)].map((i) => folded.slice(i));
}

/** What a name is indexed under: its word starts, at most MAX_NAME_TERMS, each cut to MAX_TERM_LENGTH. */
function nameTerms(name: string): string[] {
  return [...new Set(wordStarts(name).map((term) => term.slice(0, MAX_TERM_LENGTH)))].slice(0, MAX_NAME_TERMS);
}

export function indexedFields(account: StoredAccount): IndexedFields {
  if (account.deletedAt !== undefined) return { nameTerms: [], invited: false };
  return {
    listKey: fold(account.email),
    nameTerms: typeof account.name === 'string' ? nameTerms(account.name) : [],
    ...(typeof account.externalId === 'string' && account.externalId ? { externalId: account.externalId } : {}),
    invited: account.invitation !== undefined && account.invitation.acceptedAt === undefined,
    ...(typeof account.endCheckAt === 'number' ? { endCheckAt: account.endCheckAt } : {}),
  };
}

/**
 * The least string above every string that starts with `prefix` (for a range
 * [prefix, end) in byte order, which is code-point order in UTF-8).
 */
export function prefixEnd(prefix: string): string {
  const points = [...prefix];
  const last = points.pop()!.codePointAt(0)!;
  // Past the surrogates, which are no characters; U+10FFFF has no successor: drop it and carry on.
  if (last === 0x10ffff) return points.length ? prefixEnd(points.join('')) : '\u{10ffff}\u{10ffff}';
  return points.join('') + String.fromCodePoint(last + 1 === 0xd800 ? 0xe000 : last + 1);
}

/** Whether the account is found by a search for `text`: its address, or its name from a word on, starts with it (folded). */
export function matchesSearch(account: StoredAccount, text: string): boolean {
  if (account.deletedAt !== undefined) return false;
  const wanted = searchText(text);
  return [fold(account.email), ...(typeof account.name === 'string' ? wordStarts(account.name) : [])].some((term) => term.startsWith(wanted));
}

/** One match in an index read for a search: the term it matched under, and the account. */
export interface TermMatch {
  term: string;
  id: string;
}

export interface SearchPage {
  ids: string[];
  total: number;
  more: boolean;
}

/**
 * A page of a search from the matches read (in term order, `within` + 1 at most):
 * each account once, where it first matched.
 */
export function searchPage(matches: TermMatch[], page: { offset: number; limit: number; within: number }): SearchPage {
  const ids = [...new Set(matches.slice(0, page.within).map((m) => m.id))];
  return { ids: ids.slice(page.offset, page.offset + page.limit), total: ids.length, more: matches.length > page.within };
}
