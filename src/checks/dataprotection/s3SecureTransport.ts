import { describeError } from '../../aws/errors';
import { BUCKET_FACTS_ACTIONS } from '../../aws/inventories/s3BucketFacts';
import type { Check } from '../../core/types';
import { policyStatements, secureTransportVerdict, type TransportVerdict } from '../s3/bucketPolicy';
import { quote } from '../define';
import { judgeBuckets, type Verdict } from './findings';

function judgePolicy(bucketName: string, bucketArn: string, policy: string | null): Verdict {
  if (policy === null) return { status: 'FAIL', message: `Bucket ${bucketName} has no bucket policy, so it accepts plain-HTTP requests.` };
  let verdict: TransportVerdict;
  try {
    verdict = secureTransportVerdict(policyStatements(policy), bucketArn);
  } catch (err) {
    return { status: 'ERROR', message: `Bucket ${bucketName} has a policy that could not be read: ${describeError(err)}.` };
  }
  return verdict.denies
    ? { status: 'PASS', message: `Bucket ${bucketName} denies every request not sent over TLS (aws:SecureTransport false, ${verdict.statements.join(' and ')}).` }
    : { status: 'FAIL', message: `Bucket ${bucketName}'s policy does not deny plain-HTTP requests to the bucket and all of its objects: ${verdict.reason}.` };
}

export const s3BucketSecureTransport: Check = {
  id: 's3_bucket_secure_transport_policy',
  refs: ['FTR-12.3', 'WAS-DP-2'],
  title: 'S3 buckets refuse requests that are not encrypted in transit',
  severity: 'medium',
  rationale: quote('FTR-12.3'),
  remediation:
    'Add a bucket policy statement: Effect Deny, Principal "*", Action "s3:*", Resource the bucket ARN and "<bucket ARN>/*", Condition {"Bool": {"aws:SecureTransport": "false"}} and no other condition (a minimum TLS version is a separate Deny on "NumericLessThan": {"s3:TlsVersion": "1.2"}).',
  scope: 'global',
  kind: 'automated',
  actions: [...BUCKET_FACTS_ACTIONS].sort(),
  async run(ctx) {
    return judgeBuckets(ctx, ({ bucket, policy }) =>
      policy.ok
        ? judgePolicy(bucket.name, bucket.arn, policy.value)
        : { status: 'ERROR', message: `Could not read the policy of bucket ${bucket.name}: ${policy.error}.` },
    );
  },
};
