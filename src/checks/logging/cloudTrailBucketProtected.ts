import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client } from '@aws-sdk/client-s3';
import { describeError, isErrorNamed } from '../../aws/errors';
import { s3Buckets } from '../../aws/inventories/s3Buckets';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { allTrails } from './trails';

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
    const trails = await allTrails(ctx);
    const own = new Map((await s3Buckets(ctx)).map((b) => [b.name, b]));
    const buckets = [...new Set(trails.map((t) => t.trail.S3BucketName).filter((b): b is string => Boolean(b)))];
    return Promise.all(
      buckets.map(async (name): Promise<Finding> => {
        const resource = `arn:aws:s3:::${name}`;
        const bucket = own.get(name);
        if (!bucket) {
          return {
            resource,
            status: 'MANUAL',
            message: `Log bucket ${name} is in another account, so its versioning, MFA delete and object lock cannot be read from here: record them from the owning account.`,
          };
        }
        const s3 = ctx.aws.client(S3Client, bucket.region);
        try {
          const versioning = await s3.send(new GetBucketVersioningCommand({ Bucket: name }));
          let objectLock = false;
          try {
            const lock = await s3.send(new GetObjectLockConfigurationCommand({ Bucket: name }));
            objectLock = lock.ObjectLockConfiguration?.ObjectLockEnabled === 'Enabled';
          } catch (err) {
            if (!isErrorNamed(err, 'ObjectLockConfigurationNotFoundError')) throw err;
          }
          const versioned = versioning.Status === 'Enabled';
          const mfaDelete = versioning.MFADelete === 'Enabled';
          if (objectLock) return { resource, status: 'PASS', message: `Log bucket ${name} has S3 Object Lock enabled.` };
          if (versioned && mfaDelete) return { resource, status: 'PASS', message: `Log bucket ${name} has versioning with MFA delete.` };
          const missing = [versioned ? undefined : 'versioning', mfaDelete ? undefined : 'MFA delete', 'object lock'].filter(Boolean);
          return { resource, status: 'FAIL', message: `Log bucket ${name} lacks ${missing.join(', ')}, so its logs can be deleted or overwritten.` };
        } catch (err) {
          return { resource, status: 'MANUAL', message: `The protection of log bucket ${name} could not be read (${describeError(err)}): record it.` };
        }
      }),
    );
  },
};
