import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { BUCKET_EXPOSURE_ACTIONS, bucketExposures, type BucketExposure } from './exposure';

function verdict(exposure: BucketExposure): Finding {
  const { bucket } = exposure;
  const base = { resource: bucket.arn, region: bucket.region };
  if (exposure.isPublic === true) {
    return { ...base, status: 'FAIL', message: `Bucket ${bucket.name} is ${exposure.accessLevel}, not neutralised by Block Public Access.` };
  }
  if (exposure.isPublic === undefined || exposure.unblocked === undefined) {
    return { ...base, status: 'ERROR', message: `Could not judge whether bucket ${bucket.name} is restricted: ${exposure.errors.join('; ')}.` };
  }
  if (exposure.unblocked.length > 0) {
    return {
      ...base,
      status: 'FAIL',
      message: `Bucket ${bucket.name} is not public now, but Block Public Access leaves ${exposure.unblocked.join(', ')} off at both account and bucket level, so a new policy or ACL could expose it.`,
    };
  }
  return { ...base, status: 'PASS', message: `Bucket ${bucket.name} is restricted: ${exposure.accessLevel}.` };
}

export const s3BucketPublicAccessRestricted: Check = {
  id: 's3_bucket_public_access_restricted',
  refs: ['FTR-10.2'],
  title: 'S3 buckets are not public and Block Public Access covers them',
  severity: 'high',
  rationale: quote('FTR-10.2'),
  remediation:
    'Remove public statements from the bucket policy and AllUsers/AuthenticatedUsers ACL grants (or set Object Ownership to "Bucket owner enforced"), then turn on all four Block Public Access settings on the bucket or the account. Serve intentionally public content through CloudFront with origin access control.',
  scope: 'global',
  kind: 'automated',
  actions: BUCKET_EXPOSURE_ACTIONS,
  async run(ctx) {
    return (await bucketExposures(ctx)).map(verdict);
  },
};
