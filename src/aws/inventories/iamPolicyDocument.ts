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

/** The values of condition `key` (case-insensitive, as IAM compares keys) under any operator. */
export function conditionValues(statement: PolicyStatement, key: string): string[] | undefined {
  let found: string[] | undefined;
  for (const keys of Object.values(statement.condition ?? {})) {
    for (const [name, values] of Object.entries(keys)) {
      if (name.toLowerCase() === key.toLowerCase()) found = [...(found ?? []), ...values];
    }
  }
  return found;
}
