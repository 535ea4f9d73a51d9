/**
 * EventBridge event pattern matching, as EventBridge evaluates a rule against an event: every
 * field the pattern names must match (nested objects recursively, `$or` as alternatives), a
 * field's list of values matches when any of them does, and a field the event lacks matches only
 * `{ "exists": false }`. A filter this module does not know never matches, so that a rule is
 * never credited with events it may not deliver.
 */

import { matchesWildcard } from '../../aws/inventories/iamPolicyDocument';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type PatternObject = { [key: string]: unknown };

const isObject = (value: unknown): value is PatternObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A string filter given as a plain string or as `{ "equals-ignore-case": "…" }`. */
function stringTest(operand: unknown, compare: (value: string, wanted: string) => boolean): ((value: string) => boolean) | undefined {
  if (typeof operand === 'string') return (value) => compare(value, operand);
  if (isObject(operand) && typeof operand['equals-ignore-case'] === 'string') {
    const wanted = operand['equals-ignore-case'].toLowerCase();
    return (value) => compare(value.toLowerCase(), wanted);
  }
  return undefined;
}

/** `{ "numeric": [">=", 7, "<", 9] }`: every comparison holds. */
function numericMatches(operands: unknown, value: number): boolean {
  if (!Array.isArray(operands) || operands.length === 0 || operands.length % 2 !== 0) return false;
  for (let i = 0; i < operands.length; i += 2) {
    const [op, bound] = [operands[i], operands[i + 1]];
    if (typeof bound !== 'number') return false;
    const holds =
      op === '=' ? value === bound : op === '<' ? value < bound : op === '<=' ? value <= bound : op === '>' ? value > bound : op === '>=' ? value >= bound : false;
    if (!holds) return false;
  }
  return true;
}

/** One content filter (a literal, or an object such as `{ "prefix": "aws." }`) against one present value. */
function filterMatches(filter: unknown, value: Json): boolean {
  if (filter === null || typeof filter !== 'object') return filter === value;
  if (!isObject(filter)) return false;
  const keys = Object.keys(filter);
  if (keys.length !== 1) return false;
  const [key] = keys;
  const operand = filter[key];
  switch (key) {
    case 'prefix':
      return typeof value === 'string' && (stringTest(operand, (v, w) => v.startsWith(w))?.(value) ?? false);
    case 'suffix':
      return typeof value === 'string' && (stringTest(operand, (v, w) => v.endsWith(w))?.(value) ?? false);
    case 'equals-ignore-case':
      return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'wildcard':
      return typeof value === 'string' && typeof operand === 'string' && matchesWildcard(operand, value, { anyCharactersOnly: true });
    case 'numeric':
      return typeof value === 'number' && numericMatches(operand, value);
    case 'anything-but':
      return anythingButMatches(operand, value);
    default:
      return false;
  }
}

/** `anything-but` a literal, a list of literals, or a prefix / suffix / wildcard / case-insensitive filter. */
function anythingButMatches(operand: unknown, value: Json): boolean {
  if (Array.isArray(operand)) return operand.every((excluded) => !filterMatches(excluded, value));
  if (isObject(operand)) {
    const known = ['prefix', 'suffix', 'wildcard', 'equals-ignore-case'];
    if (Object.keys(operand).length !== 1 || !known.includes(Object.keys(operand)[0])) return false;
    return !filterMatches(operand, value);
  }
  return !filterMatches(operand, value);
}

/** A field's list of filters against the event's value there (absent, a value, or a list of values). */
function fieldMatches(filters: unknown[], value: Json | undefined): boolean {
  if (value === undefined) return filters.some((f) => isObject(f) && f.exists === false);
  const values = Array.isArray(value) ? value : [value];
  return filters.some((f) => {
    if (isObject(f) && 'exists' in f) return f.exists === true;
    return values.some((v) => filterMatches(f, v));
  });
}

function objectMatches(pattern: PatternObject, event: { [key: string]: Json }): boolean {
  return Object.entries(pattern).every(([key, sub]) => {
    if (key === '$or') return Array.isArray(sub) && sub.some((alternative) => isObject(alternative) && objectMatches(alternative, event));
    const value = event[key];
    if (Array.isArray(sub)) return fieldMatches(sub, value);
    if (isObject(sub)) return objectMatches(sub, isObject(value) ? (value as { [key: string]: Json }) : {});
    return false;
  });
}

/** The rule's event pattern, parsed; undefined for a scheduled rule or a pattern that is not a JSON object. */
export function parsePattern(eventPattern: string | undefined): PatternObject | undefined {
  if (!eventPattern) return undefined;
  try {
    const parsed: unknown = JSON.parse(eventPattern);
    return isObject(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** True when EventBridge would deliver `event` to a rule with this pattern. */
export function patternMatches(pattern: PatternObject | undefined, event: object): boolean {
  return pattern !== undefined && objectMatches(pattern, event as { [key: string]: Json });
}
