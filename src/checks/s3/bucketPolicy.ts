/** Reading S3 bucket policy documents: who they open the bucket to, and whether they demand TLS. */

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  Resource?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function asList(value: unknown): unknown[] {
  if (value === undefined || value === null) return [];
  return Array.isArray(value) ? value : [value];
}

/** The statements of a policy document; throws on a document that is not a policy. */
export function policyStatements(document: string): PolicyStatement[] {
  const parsed = JSON.parse(document) as { Statement?: unknown };
  return asList(parsed.Statement).filter((s): s is PolicyStatement => typeof s === 'object' && s !== null);
}

/** Principal "*", {"AWS": "*"} or any principal list holding "*": everyone. */
function namesEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (typeof principal !== 'object' || principal === null) return false;
  return Object.values(principal).some((v) => asList(v).includes('*'));
}

/**
 * Condition keys that, with fixed values, tie a grant to known callers or networks
 * (the keys S3 itself accepts as making a policy non-public, plus the principal-scoping keys).
 */
const RESTRICTING_KEYS = new Set(
  [
    'aws:SourceArn',
    'aws:SourceVpc',
    'aws:SourceVpce',
    'aws:SourceAccount',
    'aws:SourceOwner',
    'aws:SourceIp',
    'aws:PrincipalOrgID',
    'aws:PrincipalOrgPaths',
    'aws:PrincipalAccount',
    'aws:PrincipalArn',
    'aws:userid',
    's3:x-amz-server-side-encryption-aws-kms-key-id',
  ].map((k) => k.toLowerCase()),
);

/** A source range wider than this is the open internet in all but name (e.g. 0.0.0.0/1). */
const NARROWEST_PUBLIC_PREFIX = { v4: 8, v6: 32 };

function isNarrowCidr(value: string): boolean {
  const [address, bits] = value.split('/');
  const v6 = address.includes(':');
  const prefix = bits === undefined ? (v6 ? 128 : 32) : Number(bits);
  return Number.isInteger(prefix) && prefix >= (v6 ? NARROWEST_PUBLIC_PREFIX.v6 : NARROWEST_PUBLIC_PREFIX.v4);
}

/** True when one condition entry limits a grant to fixed callers: a positive operator on a restricting key with fixed values. */
function restricts(operator: string, key: string, values: unknown): boolean {
  const op = operator.replace(/^For(Any|All)Values:/, '');
  if (/Not|IfExists$|^Null$/.test(op)) return false;
  if (!RESTRICTING_KEYS.has(key.toLowerCase())) return false;
  const list = asList(values).map(String);
  if (list.length === 0 || list.some((v) => v.includes('*') || v.includes('?'))) return false;
  return key.toLowerCase() === 'aws:sourceip' ? list.every(isNarrowCidr) : true;
}

/** The statements that allow anyone on the internet (or any AWS account) in, unrestricted by condition. */
export function publicStatements(statements: PolicyStatement[]): PolicyStatement[] {
  return statements.filter((s) => {
    if (s.Effect !== 'Allow') return false;
    // Allow with NotPrincipal grants everyone but the named principals.
    if (!namesEveryone(s.Principal) && s.NotPrincipal === undefined) return false;
    const conditions = Object.entries(s.Condition ?? {});
    return !conditions.some(([operator, entries]) =>
      Object.entries(entries ?? {}).some(([key, values]) => restricts(operator, key, values)),
    );
  });
}

/** IAM-style wildcard match: `*` any run of characters, `?` one character. */
function matchesPattern(pattern: string, value: string): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`).test(value);
}

/** True for a condition value meaning "false" (`false`, `"false"`, or lists of them). */
function isFalse(values: unknown): boolean {
  const list = asList(values);
  return list.length > 0 && list.every((v) => String(v).toLowerCase() === 'false');
}

/**
 * True when some statement denies every S3 action to everyone over plain HTTP
 * (Bool aws:SecureTransport false) on both the bucket and all of its objects.
 */
export function deniesInsecureTransport(statements: PolicyStatement[], bucketArn: string): boolean {
  return statements.some((s) => {
    if (s.Effect !== 'Deny' || !namesEveryone(s.Principal)) return false;
    const actions = asList(s.Action).map(String);
    if (!actions.some((a) => a === '*' || a.toLowerCase() === 's3:*')) return false;
    const bool = Object.entries(s.Condition ?? {}).filter(([op]) => op === 'Bool' || op === 'BoolIfExists');
    const onPlainHttp = bool.some(([, entries]) =>
      Object.entries(entries ?? {}).some(([key, v]) => key.toLowerCase() === 'aws:securetransport' && isFalse(v)),
    );
    if (!onPlainHttp) return false;
    const resources = asList(s.Resource).map(String);
    const covers = (arn: string) => resources.some((r) => matchesPattern(r, arn));
    return covers(bucketArn) && covers(`${bucketArn}/*`);
  });
}
