import type { AdvancedEventSelector, AdvancedFieldSelector, EventSelector } from '@aws-sdk/client-cloudtrail';

/** Which S3 object-level events a trail records for one bucket. */
export interface DataEventCoverage {
  /** Every read of every object of the bucket is recorded. */
  read: boolean;
  /** Every write of every object of the bucket is recorded. */
  write: boolean;
  /**
   * When read or write falls short: what the selectors that reach the bucket leave out, e.g.
   * "reads only" or "objects under arn:aws:s3:::data/tmp/ excluded (NotStartsWith)".
   */
  shortfalls: string[];
}

/** What one selector records of one bucket's object events. */
interface SelectorReach {
  read: boolean;
  write: boolean;
  /** Filters that keep the selector from some of the bucket's objects or events. */
  limits: string[];
}

const BOTH = { read: true, write: true };
const ALL_BUCKETS = new Set(['arn:aws:s3', 'arn:aws:s3:::']);

const objectsOf = (bucket: string) => `arn:aws:s3:::${bucket}/`;

/** True when some object ARN of the bucket starts with `prefix`: it names the bucket (or all) or a key prefix inside it. */
const touches = (prefix: string, objects: string) => objects.startsWith(prefix) || prefix.startsWith(objects);

function readWriteOf(type: EventSelector['ReadWriteType']): { read: boolean; write: boolean } {
  return { read: type !== 'WriteOnly', write: type !== 'ReadOnly' };
}

/** Basic selectors: AWS::S3::Object data resources naming all buckets, this bucket, or a key prefix in it. */
function basicReach(selector: EventSelector, bucket: string): SelectorReach | undefined {
  const objects = objectsOf(bucket);
  const values = (selector.DataResources ?? []).filter((r) => r.Type === 'AWS::S3::Object').flatMap((r) => r.Values ?? []);
  const rw = readWriteOf(selector.ReadWriteType);
  if (values.some((v) => ALL_BUCKETS.has(v) || v === objects || v === objects.slice(0, -1))) return { ...rw, limits: [] };
  const prefixes = values.filter((v) => v.startsWith(objects));
  return prefixes.length > 0 ? { ...rw, limits: [`only objects under ${prefixes.join(', ')}`] } : undefined;
}

/**
 * What one `resources.ARN` field selector leaves out of the bucket's objects: undefined when it
 * never names the bucket, `excluded` when a negative operator takes the whole bucket out.
 */
function arnLimits(field: AdvancedFieldSelector, objects: string): { limits: string[]; excluded?: string } | undefined {
  const limits: string[] = [];
  if (field.StartsWith) {
    if (!field.StartsWith.some((v) => touches(v, objects))) return undefined;
    if (!field.StartsWith.some((v) => objects.startsWith(v))) limits.push(`only objects under ${field.StartsWith.filter((v) => v.startsWith(objects)).join(', ')}`);
  }
  if (field.Equals) {
    const named = field.Equals.filter((v) => v.startsWith(objects));
    if (named.length === 0) return undefined;
    limits.push(`only the objects ${named.join(', ')}`);
  }
  // Any key can end with any text, so an ARN suffix filter always narrows the bucket.
  if (field.EndsWith) limits.push(`only objects ending with ${field.EndsWith.join(', ')}`);
  for (const v of field.NotStartsWith ?? []) {
    if (objects.startsWith(v)) return { limits, excluded: `all its objects excluded by resources.ARN NotStartsWith ${v}` };
    if (v.startsWith(objects)) limits.push(`objects under ${v} excluded (NotStartsWith)`);
  }
  for (const v of field.NotEquals ?? []) if (v.startsWith(objects)) limits.push(`object ${v} excluded (NotEquals)`);
  for (const v of field.NotEndsWith ?? []) limits.push(`objects ending with ${v} excluded (NotEndsWith)`);
  return { limits };
}

/** True when a field selector lets an event whose field holds `value` through. */
function admits(field: AdvancedFieldSelector, value: string): boolean {
  // Positive operators name what may pass (any of them); negative ones what may not (none of them).
  const included = [field.Equals?.includes(value), field.StartsWith?.some((v) => value.startsWith(v)), field.EndsWith?.some((v) => value.endsWith(v))].filter(
    (answer) => answer !== undefined,
  );
  const excluded =
    (field.NotEquals ?? []).includes(value) || (field.NotStartsWith ?? []).some((v) => value.startsWith(v)) || (field.NotEndsWith ?? []).some((v) => value.endsWith(v));
  return (included.length === 0 || included.includes(true)) && !excluded;
}

/** "eventName NotEquals GetObject" for a field selector that narrows which events or callers are recorded. */
function describeFilter(field: AdvancedFieldSelector): string {
  const operators = ['Equals', 'StartsWith', 'EndsWith', 'NotEquals', 'NotStartsWith', 'NotEndsWith'] as const;
  return operators.flatMap((op) => (field[op] ? [`${field.Field} ${op} ${field[op]!.join(', ')}`] : [])).join(' and ');
}

/**
 * Advanced selectors: data events of AWS::S3::Object. Every field selector must admit the event
 * (they are ANDed); a negative operator excludes what it names. A filter on event names or
 * callers narrows the selector to some events, so it is a limit, never full coverage.
 */
function advancedReach(selector: AdvancedEventSelector, bucket: string): SelectorReach | undefined {
  const objects = objectsOf(bucket);
  const fields = selector.FieldSelectors ?? [];
  const equals = (name: string, value: string) => fields.some((f) => f.Field === name && (f.Equals ?? []).includes(value));
  if (!equals('eventCategory', 'Data') || !equals('resources.type', 'AWS::S3::Object')) return undefined;
  let rw = BOTH;
  const limits: string[] = [];
  for (const field of fields) {
    switch (field.Field) {
      case 'eventCategory':
      case 'resources.type':
        break;
      case 'readOnly':
        rw = { read: rw.read && admits(field, 'true'), write: rw.write && admits(field, 'false') };
        break;
      case 'eventSource':
        if (!admits(field, 's3.amazonaws.com')) return undefined;
        break;
      case 'resources.ARN': {
        const left = arnLimits(field, objects);
        if (!left) return undefined;
        if (left.excluded) return { read: false, write: false, limits: [left.excluded] };
        limits.push(...left.limits);
        break;
      }
      default:
        limits.push(describeFilter(field));
    }
  }
  return { ...rw, limits };
}

/** The S3 data events a trail's selectors record for `bucket`, and what they leave out when not all. */
export function dataEventCoverage(selectors: { basic: EventSelector[]; advanced: AdvancedEventSelector[] }, bucket: string): DataEventCoverage {
  const reaching = [...selectors.basic.map((s) => basicReach(s, bucket)), ...selectors.advanced.map((s) => advancedReach(s, bucket))].filter(
    (r): r is SelectorReach => r !== undefined,
  );
  const complete = reaching.filter((r) => r.limits.length === 0);
  const read = complete.some((r) => r.read);
  const write = complete.some((r) => r.write);
  if (read && write) return { read, write, shortfalls: [] };
  const shortfalls = reaching.flatMap((r) => {
    const only = r.read === r.write ? [] : [r.read ? 'reads only' : 'writes only'];
    const parts = [...only, ...r.limits];
    return parts.length > 0 ? [parts.join(', ')] : [];
  });
  return { read, write, shortfalls: [...new Set(shortfalls)] };
}
