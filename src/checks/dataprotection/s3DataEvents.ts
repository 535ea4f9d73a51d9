import type { AdvancedEventSelector, EventSelector } from '@aws-sdk/client-cloudtrail';

/** Which S3 object-level events a trail records for one bucket. */
export interface DataEventCoverage {
  read: boolean;
  write: boolean;
}

const NONE: DataEventCoverage = { read: false, write: false };
const merge = (a: DataEventCoverage, b: DataEventCoverage): DataEventCoverage => ({ read: a.read || b.read, write: a.write || b.write });

/** Basic selectors: an AWS::S3::Object data resource naming all buckets or this whole bucket. */
function basicCoverage(selector: EventSelector, bucket: string): DataEventCoverage {
  const wholeBucket = new Set(['arn:aws:s3', 'arn:aws:s3:::', `arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/`]);
  const covers = (selector.DataResources ?? []).some((r) => r.Type === 'AWS::S3::Object' && (r.Values ?? []).some((v) => wholeBucket.has(v)));
  if (!covers) return NONE;
  const type = selector.ReadWriteType ?? 'All';
  return { read: type !== 'WriteOnly', write: type !== 'ReadOnly' };
}

/**
 * Advanced selectors: data events of AWS::S3::Object, with ARN filters that take in every object
 * of the bucket. Any other narrowing filter (event names, callers, exact ARNs) is taken as
 * partial coverage and does not count, so that the result never claims more than is logged.
 */
function advancedCoverage(selector: AdvancedEventSelector, bucket: string): DataEventCoverage {
  const objects = `arn:aws:s3:::${bucket}/`;
  let isData = false;
  let isS3Object = false;
  let coverage: DataEventCoverage = { read: true, write: true };
  for (const field of selector.FieldSelectors ?? []) {
    switch (field.Field) {
      case 'eventCategory':
        isData = field.Equals?.includes('Data') ?? false;
        break;
      case 'resources.type':
        isS3Object = field.Equals?.includes('AWS::S3::Object') ?? false;
        break;
      case 'readOnly': {
        const only = field.Equals?.[0];
        if (only === 'true') coverage = { read: true, write: false };
        else if (only === 'false') coverage = { read: false, write: true };
        break;
      }
      case 'resources.ARN': {
        const touchesBucket = (v: string) => v.startsWith(objects) || objects.startsWith(v);
        const narrowing = field.Equals ?? field.EndsWith ?? field.NotEndsWith;
        const includes = field.StartsWith === undefined || field.StartsWith.some((v) => objects.startsWith(v));
        const excludes = [...(field.NotStartsWith ?? []), ...(field.NotEquals ?? [])].some(touchesBucket);
        if (narrowing || !includes || excludes) return NONE;
        break;
      }
      case 'eventSource':
        if (field.Equals && !field.Equals.includes('s3.amazonaws.com')) return NONE;
        break;
      default:
        if (field.Equals || field.StartsWith || field.EndsWith) return NONE;
    }
  }
  return isData && isS3Object ? coverage : NONE;
}

/** The S3 data events a trail's selectors record for `bucket`. */
export function dataEventCoverage(selectors: { basic: EventSelector[]; advanced: AdvancedEventSelector[] }, bucket: string): DataEventCoverage {
  return [...selectors.basic.map((s) => basicCoverage(s, bucket)), ...selectors.advanced.map((s) => advancedCoverage(s, bucket))].reduce(merge, NONE);
}
