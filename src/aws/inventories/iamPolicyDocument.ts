/**
 * IAM policy documents in one normal form: every field that may be a string or a list
 * is a list, `Principal: "*"` is `{ AWS: ["*"] }`, condition values are strings.
 */
export interface PolicyStatement {
  sid?: string;
  effect: 'Allow' | 'Deny';
  action?: string[];
  notAction?: string[];
  resource?: string[];
  notResource?: string[];
  principal?: Record<string, string[]>;
  notPrincipal?: Record<string, string[]>;
  /** operator (e.g. `StringEquals`) → condition key (as written) → values */
  condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  statements: PolicyStatement[];
}

function asList(value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => String(v));
}

function asPrincipal(value: unknown): Record<string, string[]> | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === '*') return { AWS: ['*'] };
  if (typeof value !== 'object') throw new Error(`unexpected principal ${JSON.stringify(value)}`);
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([kind, ids]) => [kind, asList(ids) ?? []]));
}

function asCondition(value: unknown): PolicyStatement['condition'] {
  if (value === undefined || value === null) return undefined;
  return Object.fromEntries(
    Object.entries(value as Record<string, Record<string, unknown>>).map(([operator, keys]) => [
      operator,
      Object.fromEntries(Object.entries(keys ?? {}).map(([key, values]) => [key, asList(values) ?? []])),
    ]),
  );
}

function asStatement(raw: Record<string, unknown>): PolicyStatement {
  const effect = raw.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new Error(`unexpected statement effect ${JSON.stringify(effect)}`);
  return {
    sid: typeof raw.Sid === 'string' ? raw.Sid : undefined,
    effect,
    action: asList(raw.Action),
    notAction: asList(raw.NotAction),
    resource: asList(raw.Resource),
    notResource: asList(raw.NotResource),
    principal: asPrincipal(raw.Principal),
    notPrincipal: asPrincipal(raw.NotPrincipal),
    condition: asCondition(raw.Condition),
  };
}

/**
 * Parses a policy document as IAM returns it: URL-encoded JSON from the IAM API
 * (GetAccountAuthorizationDetails, GetRole), plain JSON elsewhere. Throws on a document
 * that is not a policy, so that a caller can report it as unreadable rather than harmless.
 */
export function parsePolicyDocument(text: string): PolicyDocument {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = JSON.parse(decodeURIComponent(text));
  }
  if (!json || typeof json !== 'object') throw new Error('policy document is not a JSON object');
  const statement = (json as { Statement?: unknown }).Statement;
  if (statement === undefined) throw new Error('policy document has no Statement');
  const raw = Array.isArray(statement) ? statement : [statement];
  return { statements: raw.map((s) => asStatement(s as Record<string, unknown>)) };
}

/** One test of a statement's Condition block: `{ operator: { key: values } }` flattened. */
export interface ConditionClause {
  operator: string;
  key: string;
  values: string[];
}

/** Every clause of the statement's conditions; with `key`, only those on it (IAM compares keys case-insensitively). */
export function conditionClauses(statement: PolicyStatement, key?: string): ConditionClause[] {
  const clauses: ConditionClause[] = [];
  for (const [operator, keys] of Object.entries(statement.condition ?? {})) {
    for (const [name, values] of Object.entries(keys)) {
      if (key === undefined || name.toLowerCase() === key.toLowerCase()) clauses.push({ operator, key: name, values });
    }
  }
  return clauses;
}

/** A condition operator in its parts: `ForAnyValue:StringEqualsIfExists` is set `ForAnyValue`, test `StringEquals`, ifExists. */
interface ConditionOperator {
  set?: 'ForAnyValue' | 'ForAllValues';
  test: string;
  ifExists: boolean;
}

function conditionOperator(operator: string): ConditionOperator {
  const [, set, test, ifExists] = /^(?:(ForAnyValue|ForAllValues):)?(.*?)(IfExists)?$/i.exec(operator)!;
  const normalizedSet = set?.toLowerCase() === 'foranyvalue' ? 'ForAnyValue' : set ? 'ForAllValues' : undefined;
  return { set: normalizedSet, test: test.toLowerCase(), ifExists: ifExists !== undefined };
}

/** Tests a request passes only with one of the listed values (when the values hold no wildcard). */
const MATCHING_TESTS = new Set(['stringequals', 'stringequalsignorecase', 'stringlike']);
/** The same tests negated: true for every value but the listed ones, and when the key is absent. */
const EXCLUDING_TESTS = new Set(['stringnotequals', 'stringnotequalsignorecase', 'stringnotlike']);

/** A value a caller cannot match without knowing it: not empty, no `*`/`?` wildcard, no `${…}` policy variable. */
const isConcreteValue = (value: string): boolean => value.length > 0 && !/[*?]|\$\{/.test(value);

const hasConcreteValues = (clause: ConditionClause): boolean => clause.values.length > 0 && clause.values.every(isConcreteValue);

/**
 * Whether the clause fails for every request without the key and no wildcard or policy
 * variable widens its values. `IfExists` and `ForAllValues:` (for a single-valued key) hold
 * when the key is absent; negated tests and `Null` hold for every value but a few.
 */
export function isStrictClause(clause: ConditionClause): boolean {
  const operator = conditionOperator(clause.operator);
  return !operator.ifExists && operator.set !== 'ForAllValues' && operator.test !== 'null' && !operator.test.includes('not') && hasConcreteValues(clause);
}

/** Whether the clause holds only for a request that carries one of its values in the key: a strict matching string test. */
function requiresListedValue(clause: ConditionClause): boolean {
  return isStrictClause(clause) && MATCHING_TESTS.has(conditionOperator(clause.operator).test);
}

function accepts(clause: ConditionClause, value: string): boolean {
  const ignoreCase = conditionOperator(clause.operator).test.endsWith('ignorecase');
  return clause.values.some((v) => (ignoreCase ? v.toLowerCase() === value.toLowerCase() : v === value));
}

/**
 * The values a request must carry in `key` for the statement's conditions to hold, when they
 * guard it (see `requiresListedValue`); undefined when a caller who knows no such value can
 * satisfy them. Clauses are ANDed, so only values every guarding clause accepts are returned.
 */
export function guardingValues(statement: PolicyStatement, key: string): string[] | undefined {
  const guards = conditionClauses(statement, key).filter(requiresListedValue);
  if (guards.length === 0) return undefined;
  return [...new Set(guards[0].values.filter((value) => guards.every((guard) => accepts(guard, value))))];
}

/**
 * For a Deny statement whose only condition is a plain negated string test on `key` with
 * concrete values ("deny unless the key is one of these"), those values: a request without
 * one of them is denied. Undefined for any other statement: with other clauses, a set
 * prefix or `IfExists`, whether the Deny covers every request without the value is not
 * judged here, so it is not taken as a guard.
 */
export function exemptingValues(statement: PolicyStatement, key: string): string[] | undefined {
  const clauses = conditionClauses(statement);
  if (statement.effect !== 'Deny' || clauses.length !== 1) return undefined;
  const [clause] = clauses;
  const operator = conditionOperator(clause.operator);
  const plainExclusion = EXCLUDING_TESTS.has(operator.test) && !operator.set && !operator.ifExists;
  return clause.key.toLowerCase() === key.toLowerCase() && plainExclusion && hasConcreteValues(clause) ? clause.values : undefined;
}

/**
 * Whether a wildcard pattern matches `value`: `*` any characters and, as IAM reads policies,
 * `?` one character (`anyCharactersOnly` leaves `?` literal, for patterns that define only `*`).
 */
export function matchesWildcard(pattern: string, value: string, options: { ignoreCase?: boolean; anyCharactersOnly?: boolean } = {}): boolean {
  const escaped = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*');
  const source = options.anyCharactersOnly ? escaped.replace(/\?/g, '\\?') : escaped.replace(/\?/g, '.');
  return new RegExp(`^${source}$`, options.ignoreCase ? 'is' : 's').test(value);
}

/** Whether an Allow or Deny statement covers `action` (IAM compares action names case-insensitively). */
export function coversAction(statement: PolicyStatement, action: string): boolean {
  const matches = (patterns: string[]) => patterns.some((pattern) => matchesWildcard(pattern, action, { ignoreCase: true }));
  if (statement.notAction) return !matches(statement.notAction);
  return matches(statement.action ?? []);
}

/** Whether the statement's Resource (or NotResource) covers the resource `arn`. */
export function coversResource(statement: PolicyStatement, arn: string): boolean {
  if (statement.notResource) return !statement.notResource.some((pattern) => matchesWildcard(pattern, arn));
  return (statement.resource ?? []).some((pattern) => matchesWildcard(pattern, arn));
}
