import { s3BucketFacts, type BucketFacts } from '../../aws/inventories/s3BucketFacts';
import type { CheckContext, Finding } from '../../core/types';

export type Verdict = Pick<Finding, 'status' | 'message'>;

/** One finding per bucket, in the bucket's own region, from the bucket's facts. */
export async function judgeBuckets(ctx: CheckContext, judge: (facts: BucketFacts) => Verdict): Promise<Finding[]> {
  return (await s3BucketFacts(ctx)).map((facts) => ({ resource: facts.bucket.arn, region: facts.bucket.region, ...judge(facts) }));
}

/**
 * The at-rest verdict for one resource: PASS when encrypted (naming the key when known),
 * FAIL when not, ERROR when the service did not say.
 */
export function atRestFinding(resource: string, label: string, encrypted: boolean | undefined, kmsKeyId?: string): Finding {
  if (encrypted === undefined) return { resource, status: 'ERROR', message: `${label} did not report whether it is encrypted at rest.` };
  return encrypted
    ? { resource, status: 'PASS', message: `${label} is encrypted at rest${kmsKeyId ? ` with ${kmsKeyId}` : ''}.` }
    : { resource, status: 'FAIL', message: `${label} is not encrypted at rest.` };
}
