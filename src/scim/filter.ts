import type { Account } from '../accounts/account.ts';
import { ScimError } from './errors.ts';

/**
 * SCIM filters (RFC 7644 §3.4.2.2), parsed here into a tree of plain tagged
 * objects: every attribute is looked up in a Map, never through an object's
 * prototype, and the tree grows with the text (no expansion of and over or).
 * Any text that is not a filter we support is a 400 invalidFilter.
 */
export type Filter =
  | { kind: 'and' | 'or'; left: Filter; right: Filter }
  | { kind: 'not'; filter: Filter }
  | { kind: 'compare'; attribute: Attribute; operator: 'eq' | 'ne'; value: string | boolean };

type Value = string | boolean | undefined;
/** `index`: the store answers `eq` on it without reading other accounts. */
interface Attribute {
  name: string;
  read: (a: Account) => Value;
  caseExact: boolean;
  type: 'string' | 'boolean';
  index?: 'email' | 'externalId' | 'id';
}

const email: Omit<Attribute, 'name'> = { read: (a) => a.email, caseExact: false, type: 'string', index: 'email' };
/** The attributes a filter may name, by lower-case path; userName and e-mail compare case-insensitively (caseExact false in RFC 7643). */
const ATTRIBUTES = new Map<string, Attribute>([
  ['username', { name: 'userName', ...email }],
  ['emails.value', { name: 'emails.value', ...email }],
  ['emails', { name: 'emails', ...email }],
  ['active', { name: 'active', read: (a) => !a.disabled, caseExact: true, type: 'boolean' }],
  ['externalid', { name: 'externalId', read: (a) => a.externalId, caseExact: true, type: 'string', index: 'externalId' }],
  ['id', { name: 'id', read: (a) => a.id, caseExact: true, type: 'string', index: 'id' }],
]);
const CORE_USER = 'urn:ietf:params:scim:schemas:core:2.0:user:';
const MAX_LENGTH = 1000;
const MAX_DEPTH = 32;

const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);

const booleanOf = (text: string) => (text.toLowerCase() === 'true' ? true : text.toLowerCase() === 'false' ? false : undefined);

type Token = { type: 'word' | 'string' | '(' | ')' | '[' | ']'; text: string; at: number };

function tokens(text: string): Token[] {
  const found: Token[] = [];
  // A string is a JSON string (RFC 7644 3.4.2.2): raw control characters U+0000-U+001F are not allowed in it.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the range excludes them, which is the point
  const pattern = /\s+|([()[\]])|("(?:[^"\\\u0000-\u001f]|\\(?:["\\/bfnrt]|u[0-9a-fA-F]{4}))*")|([^\s()[\]"]+)|(.)/gy;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) {
    if (m[4] !== undefined) throw invalidFilter(`unexpected ${m[4] === '"' ? 'unterminated string' : `'${m[4]}'`} at position ${m.index + 1}`);
    if (m[1]) found.push({ type: m[1] as Token['type'], text: m[1], at: m.index });
    else if (m[2]) found.push({ type: 'string', text: m[2], at: m.index });
    else if (m[3]) found.push({ type: 'word', text: m[3], at: m.index });
  }
  return found;
}

function attributeAt(path: string, at: number): Attribute {
  const lower = path.toLowerCase();
  const attribute = ATTRIBUTES.get(lower.startsWith(CORE_USER) ? lower.slice(CORE_USER.length) : lower);
  if (!attribute) throw invalidFilter(`filtering on '${path}' (position ${at + 1}) is not supported; use userName, emails.value, active, externalId or id`);
  return attribute;
}

/** Recursive descent: or of ands of (not)? terms; a term is a comparison, a group, or emails[value …]. */
function parser(list: Token[]) {
  let next = 0;
  const peek = () => list[next];
  const word = (t: Token | undefined, ...words: string[]) => t?.type === 'word' && words.includes(t.text.toLowerCase());
  const expect = (type: Token['type']) => {
    const t = list[next++];
    if (t?.type !== type) throw invalidFilter(t ? `expected '${type}' at position ${t.at + 1}` : `the filter ends where '${type}' is expected`);
    return t;
  };
  const joined =
    (kind: 'and' | 'or', part: (depth: number, within?: string) => Filter) =>
    (depth: number, within?: string): Filter => {
      let left = part(depth, within);
      while (word(peek(), kind)) {
        next++;
        left = { kind, left, right: part(depth, within) };
      }
      return left;
    };
  const comparison = (within?: string): Filter => {
    const name = expect('word');
    if (word(name, 'and', 'or', 'not')) throw invalidFilter(`expected an attribute at position ${name.at + 1}`);
    if (!within && peek()?.type === '[') {
      next++;
      const inner = or(1, name.text);
      expect(']');
      return inner;
    }
    const attribute = attributeAt(within ? `${within}.${name.text}` : name.text, name.at);
    const op = expect('word');
    const operator = op.text.toLowerCase();
    if (operator !== 'eq' && operator !== 'ne') throw invalidFilter(`operator '${op.text}' is not supported; use eq or ne`);
    const raw = list[next++];
    if (!raw || raw.type === '(' || raw.type === ')' || raw.type === '[' || raw.type === ']') throw invalidFilter(`'${name.text} ${op.text}' needs a value`);
    const literal = raw.type === 'string' ? (JSON.parse(raw.text) as string) : raw.text;
    // A boolean may be written bare or quoted ("true"); a string only quoted.
    const value = attribute.type === 'boolean' ? booleanOf(literal) : raw.type === 'string' ? literal : undefined;
    if (value === undefined) throw invalidFilter(`'${attribute.name}' compares with a ${attribute.type}`);
    return { kind: 'compare', attribute, operator, value };
  };
  const term = (depth: number, within?: string): Filter => {
    if (depth > MAX_DEPTH) throw invalidFilter(`the filter nests deeper than ${MAX_DEPTH} levels`);
    const negated = word(peek(), 'not');
    if (negated) next++;
    let inner: Filter;
    if (peek()?.type === '(') {
      next++;
      inner = or(depth + 1, within);
      expect(')');
    } else if (negated) {
      throw invalidFilter('not takes a filter in parentheses');
    } else {
      inner = comparison(within);
    }
    return negated ? { kind: 'not', filter: inner } : inner;
  };
  const and = joined('and', term);
  const or = joined('or', and);
  return {
    filter(): Filter {
      const filter = or(0);
      const rest = peek();
      if (rest) throw invalidFilter(`unexpected '${rest.text}' at position ${rest.at + 1}`);
      return filter;
    },
  };
}

/** The filter a request gives, or undefined for none; any malformed text is a 400 invalidFilter. */
export function parseFilter(expression: unknown): Filter | undefined {
  if (expression === undefined) return undefined;
  if (typeof expression !== 'string') throw invalidFilter('give one filter');
  if (expression.trim() === '') return undefined;
  if (expression.length > MAX_LENGTH) throw invalidFilter(`the filter is too long (at most ${MAX_LENGTH} characters)`);
  return parser(tokens(expression)).filter();
}

export function matches(filter: Filter, a: Account): boolean {
  switch (filter.kind) {
    case 'and':
      return matches(filter.left, a) && matches(filter.right, a);
    case 'or':
      return matches(filter.left, a) || matches(filter.right, a);
    case 'not':
      return !matches(filter.filter, a);
    case 'compare': {
      const fold = (v: Value) => (typeof v === 'string' && !filter.attribute.caseExact ? v.toLowerCase() : v);
      return (fold(filter.attribute.read(a)) === fold(filter.value)) === (filter.operator === 'eq');
    }
  }
}

/** What the store is asked for an account. */
export interface Lookup {
  index: 'email' | 'externalId' | 'id';
  value: string;
}

/** An address or id names one account at most; an externalId may name many. */
const cost = (list: Lookup[]) => list.reduce((sum, l) => sum + (l.index === 'externalId' ? 1000 : 1), 0);

/**
 * The index lookups that find every account the filter can match (the filter is then
 * checked on each), or undefined when no index answers it: `eq` on an indexed attribute;
 * `and` where either side has them; `or` where both sides do.
 */
export function lookups(filter: Filter): Lookup[] | undefined {
  switch (filter.kind) {
    case 'compare': {
      const { index } = filter.attribute;
      return filter.operator === 'eq' && index && typeof filter.value === 'string' ? [{ index, value: filter.value }] : undefined;
    }
    case 'and': {
      const [left, right] = [lookups(filter.left), lookups(filter.right)];
      return left && right ? (cost(left) <= cost(right) ? left : right) : (left ?? right);
    }
    case 'or': {
      const [left, right] = [lookups(filter.left), lookups(filter.right)];
      return left && right ? [...left, ...right] : undefined;
    }
    case 'not':
      return undefined;
  }
}
