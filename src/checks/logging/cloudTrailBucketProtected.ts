import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { describeError, isAccessDenied, isErrorNamed } from '../../aws/errors';
import { s3Buckets, type BucketInfo } from '../../aws/inventories/s3Buckets';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { evaluateTrails } from './trails';

/** PASS with object lock, or versioning with MFA delete; FAIL naming what is off. */
async function bucketProtection(ctx: CheckContext, bucket: BucketInfo, trailNames: string): Promise<Finding> {
  const s3 = ctx.aws.client(S3Client, bucket.region);
  const resource = bucket.arn;
  try {
    const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: bucket.name }));
    let objectLock = false;
    try {
      const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket.name }));
      objectLock = lock.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
    } catch (err) {
      // Answered for a bucket created without object lock.
      if (!isErrorNamed(err, 'ObjectLockConfigurationNotFoundError')) throw err;
    }
    const versioned = versioning.Status === 'Enabled';
    const mfaDelete = versioning.MFADelete === 'Enabled';
    const of = `Log bucket ${bucket.name} (trail ${trailNames})`;
    if (objectLock) return { resource, status: 'PASS', message: `${of} has S3 Object Lock enabled.` };
    if (versioned && mfaDelete) return { resource, status: 'PASS', message: `${of} has versioning with MFA delete.` };
    const off = [versioned ? undefined : 'versioning', mfaDelete ? undefined : 'MFA delete', 'object lock'].filter(Boolean);
    return { resource, status: 'FAIL', message: `${of} has ${off.join(', ')} off, so its logs can be deleted or overwritten.` };
  } catch (err) {
    const why = describeError(err);
    // Denied reads are a permission boundary a person can attest past; anything else is a failure to evaluate.
    if (isAccessDenied(err)) return { resource, status: 'MANUAL', message: `The protection of log bucket ${bucket.name} could not be read (${why}): record it.` };
    return { resource, status: 'ERROR', message: `The protection of log bucket ${bucket.name} could not be read (${why}).` };
  }
}

export const cloudTrailLogBucketProtected: Check = {
  id: 'cloudtrail_log_bucket_protected',
  refs: ['FTR-6.3'],
  title: 'The CloudTrail log bucket is protected from deletion and change',
  severity: 'high',
  rationale: quote('FTR-6.3'),
  remediation:
    'Protect the trail bucket with S3 Object Lock (compliance or governance mode) or versioning with MFA delete, and limit who may write its policy.',
  scope: 'global',
  kind: 'automated',
  async run(ctx) {
    return evaluateTrails(ctx, async (trails) => {
      const own = new Map((await s3Buckets(ctx)).map((b) => [b.name, b]));
      const trailsByBucket = new Map<string, string[]>();
      for (const t of trails) {
        const name = t.trail.S3BucketName;
        if (name) trailsByBucket.set(name, [...(trailsByBucket.get(name) ?? []), t.name]);
      }
      const limit = pLimit(8);
      return Promise.all(
        [...trailsByBucket].map(([name, trailNames]) =>
          limit(async (): Promise<Finding> => {
            const bucket = own.get(name);
            if (bucket) return bucketProtection(ctx, bucket, trailNames.join(', '));
            return {
              resource: `arn:aws:s3:::${name}`,
              status: 'MANUAL',
              message: `Log bucket ${name} (trail ${trailNames.join(', ')}) is in another account, so its versioning, MFA delete and object lock cannot be read from here: record them from the owning account.`,
            };
          }),
        ),
      );
    });
  },
};
