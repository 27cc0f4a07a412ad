import SCIMMY from 'scimmy';
import type { Account } from '../accounts/account.ts';
import { ScimError } from './errors.ts';

type Value = string | boolean | undefined;

/** The attributes a filter may name; userName and e-mail compare case-insensitively (caseExact false in RFC 7643). */
const ATTRIBUTES: Record<string, { read: (a: Account) => Value; caseExact: boolean }> = {
  'username': { read: (a) => a.email, caseExact: false },
  'emails.value': { read: (a) => a.email, caseExact: false },
  'emails': { read: (a) => a.email, caseExact: false },
  'active': { read: (a) => !a.disabled, caseExact: true },
  'externalid': { read: (a) => a.externalId, caseExact: true },
  'id': { read: (a) => a.id, caseExact: true },
};

const invalidFilter = (detail: string) => new ScimError(400, 'invalidFilter', detail);

/** scimmy's parse: a list of alternatives (or), each an object of attribute → [op, value] (and), nested for sub-attributes. */
type Node = { [attribute: string]: unknown[] | unknown[][] | Node };

function conditions(node: Node, prefix = ''): [string, unknown[]][] {
  return Object.entries(node).flatMap(([key, value]): [string, unknown[]][] => {
    if (!Array.isArray(value)) return conditions(value, `${prefix}${key}.`);
    return Array.isArray(value[0]) ? (value as unknown[][]).map((v) => [prefix + key, v]) : [[prefix + key, value]];
  });
}

function condition(path: string, expression: unknown[]): (a: Account) => boolean {
  const attribute = ATTRIBUTES[path.toLowerCase()];
  if (!attribute) throw invalidFilter(`filtering on '${path}' is not supported; use userName, emails.value, active, externalId or id`);
  const negated = String(expression[0]).toLowerCase() === 'not';
  const [op, raw] = negated ? expression.slice(1) : expression;
  const operator = String(op).toLowerCase();
  if (operator !== 'eq' && operator !== 'ne') throw invalidFilter(`operator '${String(op)}' is not supported; use eq or ne`);
  const expected = path.toLowerCase() === 'active' && typeof raw === 'string' ? { true: true, false: false }[raw.toLowerCase()] : raw;
  if (typeof expected !== (path.toLowerCase() === 'active' ? 'boolean' : 'string')) throw invalidFilter(`'${path}' compares with a ${path.toLowerCase() === 'active' ? 'boolean' : 'string'}`);
  const fold = (v: Value) => (typeof v === 'string' && !attribute.caseExact ? v.toLowerCase() : v);
  const want = fold(expected as Value);
  return (a) => ((fold(attribute.read(a)) === want) !== (operator === 'ne')) !== negated;
}

/** A SCIM filter (RFC 7644 §3.4.2.2), parsed by scimmy, as a test on accounts. */
export function accountFilter(expression: string | undefined): (a: Account) => boolean {
  if (expression === undefined || expression.trim() === '') return () => true;
  if (expression.length > 1000) throw invalidFilter('the filter is too long (at most 1000 characters)');
  const alternatives = [...new SCIMMY.Types.Filter(expression)] as Node[];
  const tests = alternatives.map((node) => conditions(node).map(([path, expr]) => condition(path, expr)));
  return (a) => tests.some((all) => all.every((test) => test(a)));
}
