/** Reading S3 bucket policy documents: who they open the bucket to, and whether they demand TLS. */

export interface PolicyStatement {
  Sid?: string;
  Effect?: string;
  Principal?: unknown;
  NotPrincipal?: unknown;
  Action?: unknown;
  NotAction?: unknown;
  Resource?: unknown;
  NotResource?: unknown;
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
  // ForAllValues holds when the key is absent, as it is for an anonymous caller: it restricts nobody.
  if (operator.startsWith('ForAllValues:')) return false;
  const op = operator.replace(/^ForAnyValue:/, '');
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

/**
 * The positions in an IAM wildcard pattern (`*` any run of characters, `?` one character)
 * that can be reached after reading all of `text`; empty when the pattern cannot match it.
 */
function positionsAfter(pattern: string, text: string): Set<number> {
  const skipStars = (positions: Iterable<number>) => {
    const out = new Set<number>();
    for (let p of positions) {
      out.add(p);
      while (pattern[p] === '*') out.add(++p);
    }
    return out;
  };
  let positions = skipStars([0]);
  for (let i = 0; i < text.length && positions.size > 0; i++) {
    const next: number[] = [];
    for (const p of positions) {
      if (pattern[p] === '*') next.push(p);
      else if (p < pattern.length && (pattern[p] === '?' || pattern[p] === text[i])) next.push(p + 1);
    }
    positions = skipStars(next);
  }
  return positions;
}

/** True when the wildcard pattern matches `text`. */
function matches(pattern: string, text: string): boolean {
  return positionsAfter(pattern, text).has(pattern.length);
}

/** True when the wildcard pattern matches every string that starts with `prefix` (e.g. every key of a bucket). */
function matchesEvery(pattern: string, prefix: string): boolean {
  return [...positionsAfter(pattern, prefix)].some((p) => p < pattern.length && /^\*+$/.test(pattern.slice(p)));
}

/** True when the wildcard pattern matches some non-empty continuation of `prefix`. */
function matchesSome(pattern: string, prefix: string): boolean {
  return [...positionsAfter(pattern, prefix)].some((p) => p < pattern.length);
}

interface ConditionEntry {
  operator: string;
  key: string;
  values: unknown[];
}

function conditionEntries(s: PolicyStatement): ConditionEntry[] {
  return Object.entries(s.Condition ?? {}).flatMap(([operator, entries]) =>
    Object.entries(entries ?? {}).map(([key, values]) => ({ operator, key, values: asList(values) })),
  );
}

const hasValue = (entry: ConditionEntry, value: string) => entry.values.some((v) => String(v).toLowerCase() === value);
const isKey = (entry: ConditionEntry, key: string) => entry.key.toLowerCase() === key;

/**
 * The condition entries that make a Deny match plain-HTTP requests: `Bool` or `BoolIfExists`
 * on aws:SecureTransport with "false" (S3 sets the key on every request, false without TLS).
 */
function matchesPlainHttp(entry: ConditionEntry): boolean {
  return (entry.operator === 'Bool' || entry.operator === 'BoolIfExists') && isKey(entry, 'aws:securetransport') && hasValue(entry, 'false');
}

/** Principal "*" or {"AWS": "*"}: the two forms AWS reads as every caller, anonymous ones included. */
function namesEveryCaller(principal: unknown): boolean {
  if (principal === '*') return true;
  return typeof principal === 'object' && principal !== null && asList((principal as { AWS?: unknown }).AWS).includes('*');
}

function statementLabel(s: PolicyStatement, index: number): string {
  return s.Sid ? `statement "${s.Sid}"` : `statement #${index + 1}`;
}

/** How a Deny on plain HTTP falls short of every caller and every S3 action, regardless of resources. */
function callerAndActionGaps(s: PolicyStatement, extraConditions: ConditionEntry[]): string[] {
  const gaps: string[] = [];
  if (s.NotPrincipal !== undefined) gaps.push('exempts the principals in its NotPrincipal');
  else if (!namesEveryCaller(s.Principal)) gaps.push('applies only to the principals it names instead of "*"');
  const notActions = asList(s.NotAction).map(String);
  const actions = asList(s.Action).map(String);
  if (s.NotAction !== undefined) {
    const exempt = notActions.filter((a) => matchesSome(a.toLowerCase(), 's3:'));
    if (exempt.length > 0) gaps.push(`exempts ${exempt.join(', ')}`);
  } else if (!actions.some((a) => matchesEvery(a.toLowerCase(), 's3:'))) {
    gaps.push(`covers only ${actions.join(', ') || 'no action'} instead of s3:*`);
  }
  for (const c of extraConditions) gaps.push(`applies only when ${c.operator} ${c.key} also matches`);
  return gaps;
}

/** Whether a statement's resources take in the bucket itself and every one of its objects. */
function resourceCoverage(s: PolicyStatement, bucketArn: string): { bucket: boolean; objects: boolean } {
  if (s.Resource === undefined && s.NotResource !== undefined) {
    const excluded = asList(s.NotResource).map(String);
    return {
      bucket: !excluded.some((r) => matches(r, bucketArn)),
      objects: !excluded.some((r) => matchesSome(r, `${bucketArn}/`)),
    };
  }
  const resources = asList(s.Resource).map(String);
  return {
    bucket: resources.some((r) => matches(r, bucketArn)),
    objects: resources.some((r) => matchesEvery(r, `${bucketArn}/`)),
  };
}

/** Whether a bucket policy refuses plain HTTP: the statements that do it, or why none does. */
export type TransportVerdict = { denies: true; statements: string[] } | { denies: false; reason: string };

/**
 * Reads a bucket policy as S3 evaluates it: plain HTTP is refused only when Deny statements
 * on `aws:SecureTransport` false, narrowed by no other condition, apply to every caller and
 * every S3 action on the bucket and all of its objects. Allows conditioned on TLS do not
 * refuse anything, and a deny on `s3:TlsVersion` sets a minimum version rather than
 * refusing plain HTTP (a request without TLS has no TLS version to compare).
 */
export function secureTransportVerdict(statements: PolicyStatement[], bucketArn: string): TransportVerdict {
  const gaps: string[] = [];
  const covering: Array<{ label: string; bucket: boolean; objects: boolean }> = [];
  statements.forEach((s, index) => {
    if (s.Effect !== 'Deny') return;
    const entries = conditionEntries(s);
    if (!entries.some(matchesPlainHttp)) return;
    const label = statementLabel(s, index);
    const callerGaps = callerAndActionGaps(s, entries.filter((c) => !matchesPlainHttp(c)));
    const coverage = resourceCoverage(s, bucketArn);
    const resourceGaps = [...(coverage.bucket ? [] : ['does not cover the bucket itself']), ...(coverage.objects ? [] : ['does not cover every object'])];
    if (callerGaps.length === 0 && (coverage.bucket || coverage.objects)) covering.push({ label, ...coverage });
    gaps.push(`${label} ${[...callerGaps, ...resourceGaps].join(', ')}`);
  });
  if (covering.some((c) => c.bucket) && covering.some((c) => c.objects)) {
    return { denies: true, statements: covering.map((c) => c.label) };
  }
  if (gaps.length > 0) return { denies: false, reason: gaps.join('; ') };
  const all = statements.flatMap((s) => conditionEntries(s).map((c) => ({ effect: s.Effect, c })));
  if (all.some(({ effect, c }) => effect === 'Allow' && isKey(c, 'aws:securetransport') && hasValue(c, 'true'))) {
    return { denies: false, reason: 'an Allow conditioned on aws:SecureTransport true is no refusal, since other grants can still allow plain HTTP' };
  }
  if (all.some(({ effect, c }) => effect === 'Deny' && isKey(c, 's3:tlsversion'))) {
    return { denies: false, reason: 'its s3:TlsVersion condition sets a minimum TLS version but does not refuse requests sent without TLS' };
  }
  return { denies: false, reason: 'no Deny statement applies to aws:SecureTransport false' };
}
