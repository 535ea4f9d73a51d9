import { GetBucketVersioningCommand, GetObjectLockConfigurationCommand, S3Client, type GetBucketVersioningOutput, type ObjectLockConfiguration } from '@aws-sdk/client-s3';
import pLimit from 'p-limit';
import { describeError, isAccessDenied, isErrorNamed } from '../../aws/errors';
import { BUCKET_OWNERSHIP_ACTIONS, bucketOwnership } from '../../aws/inventories/bucketOwnership';
import { TRAIL_ACTIONS } from '../../aws/inventories/trailEventSelectors';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { evaluateTrails } from './trails';

/** Log buckets whose protection is read at once. */
const BUCKET_CONCURRENCY = 8;

/** "governance-mode retention of 365 days" for a lock whose rule retains every new object; undefined without one. */
function defaultRetention(lock: ObjectLockConfiguration | undefined): string | undefined {
  const retention = lock?.ObjectLockEnabled === 'Enabled' ? lock.Rule?.DefaultRetention : undefined;
  if (!retention?.Mode || !(retention.Days || retention.Years)) return undefined;
  const period = retention.Days ? `${retention.Days} day${retention.Days === 1 ? '' : 's'}` : `${retention.Years} year${retention.Years === 1 ? '' : 's'}`;
  return `${retention.Mode.toLowerCase()}-mode retention of ${period}`;
}

/** Object Lock with a default retention rule, or versioning (with or without MFA delete), protects the logs. */
function judgeProtection(label: string, resource: string, versioning: GetBucketVersioningOutput, lock: ObjectLockConfiguration | undefined): Finding {
  const retention = defaultRetention(lock);
  if (retention) return { resource, status: 'PASS', message: `Log bucket ${label} is protected by S3 Object Lock with a default ${retention}.` };
  // Object Lock without a default rule retains only objects a writer chose to lock, so it protects nothing by itself.
  const lockWithoutRule = lock?.ObjectLockEnabled === 'Enabled' ? ' (its Object Lock has no default retention rule)' : '';
  if (versioning.Status === 'Enabled') {
    const mfa = versioning.MFADelete === 'Enabled' ? ' with MFA delete' : ' without MFA delete';
    return { resource, status: 'PASS', message: `Log bucket ${label} is protected by versioning${mfa}, so deleted or overwritten logs can be recovered${lockWithoutRule}.` };
  }
  const versioningState = versioning.Status === 'Suspended' ? 'suspended versioning' : 'no versioning';
  return {
    resource,
    status: 'FAIL',
    message: `Log bucket ${label} has ${versioningState} and no Object Lock default retention, so its logs can be deleted or overwritten${lockWithoutRule}.`,
  };
}

async function readProtection(ctx: CheckContext, bucket: string, region: string, label: string): Promise<Finding> {
  const resource = `arn:aws:s3:::${bucket}`;
  const s3 = ctx.aws.client(S3Client, region);
  try {
    const [versioning, lock] = await Promise.all([
      s3.send(new GetBucketVersioningCommand({ Bucket: bucket })),
      s3.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })).then(
        (out) => out.ObjectLockConfiguration,
        (err) => {
          // Answered for a bucket created without Object Lock.
          if (isErrorNamed(err, 'ObjectLockConfigurationNotFoundError')) return undefined;
          throw err;
        },
      ),
    ]);
    return judgeProtection(label, resource, versioning, lock);
  } catch (err) {
    const why = describeError(err);
    // Denied reads are a permission boundary a person can attest past; anything else is a failure to evaluate.
    if (isAccessDenied(err)) return { resource, status: 'MANUAL', message: `The protection of log bucket ${label} could not be read (${why}): record it.` };
    return { resource, status: 'ERROR', message: `The protection of log bucket ${label} could not be read (${why}).` };
  }
}

async function judgeLogBucket(ctx: CheckContext, bucket: string, trailNames: string[], homeRegion: string): Promise<Finding> {
  const resource = `arn:aws:s3:::${bucket}`;
  const label = `${bucket} (trail ${trailNames.join(', ')})`;
  const owner = await bucketOwnership(ctx, bucket, homeRegion);
  if (!owner.ok) return { resource, status: 'ERROR', message: `Could not tell which account owns log bucket ${label} (${owner.error}).` };
  switch (owner.value.owner) {
    case 'this-account':
      return readProtection(ctx, bucket, owner.value.region, label);
    case 'other-account':
      return {
        resource,
        status: 'MANUAL',
        message: `Log bucket ${label} belongs to another account, so its versioning, MFA delete and Object Lock cannot be read from here: record them from the owning account.`,
      };
    case 'missing':
      return { resource, status: 'FAIL', message: `Log bucket ${label} does not exist, so no logs are stored, let alone protected.` };
  }
}

export const cloudTrailLogBucketProtected: Check = {
  id: 'cloudtrail_log_bucket_protected',
  refs: ['FTR-6.3'],
  title: 'The CloudTrail log bucket is protected from deletion and change',
  severity: 'high',
  rationale: quote('FTR-6.3'),
  remediation:
    'Turn on versioning for the trail bucket (with MFA delete where you can), or S3 Object Lock with a default retention rule, and limit who may write its policy.',
  scope: 'global',
  kind: 'automated',
  actions: [...BUCKET_OWNERSHIP_ACTIONS, ...TRAIL_ACTIONS, 's3:GetBucketObjectLockConfiguration', 's3:GetBucketVersioning'].sort(),
  async run(ctx) {
    return evaluateTrails(ctx, async (trails) => {
      const byBucket = new Map<string, { trailNames: string[]; homeRegion: string }>();
      for (const t of trails) {
        const name = t.trail.S3BucketName;
        if (!name) continue;
        const entry = byBucket.get(name) ?? { trailNames: [], homeRegion: t.homeRegion };
        entry.trailNames.push(t.name);
        byBucket.set(name, entry);
      }
      const limit = pLimit(BUCKET_CONCURRENCY);
      return Promise.all([...byBucket].map(([bucket, { trailNames, homeRegion }]) => limit(() => judgeLogBucket(ctx, bucket, trailNames, homeRegion))));
    });
  },
};
