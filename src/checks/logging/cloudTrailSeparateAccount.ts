import { BUCKET_OWNERSHIP_ACTIONS, bucketOwnership } from '../../aws/inventories/bucketOwnership';
import { TRAIL_ACTIONS } from '../../aws/inventories/trailEventSelectors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { evaluateTrails } from './trails';

export const cloudTrailLogsInSeparateAccount: Check = {
  id: 'cloudtrail_logs_in_separate_account',
  refs: ['FTR-6.2'],
  title: 'CloudTrail logs are stored in a separate account',
  severity: 'high',
  rationale: quote('FTR-6.2'),
  remediation:
    'Deliver trail logs to a bucket in a dedicated log-archive account with limited access (for example an organization trail to the log archive account of AWS Control Tower).',
  scope: 'global',
  kind: 'automated',
  actions: [...BUCKET_OWNERSHIP_ACTIONS, ...TRAIL_ACTIONS].sort(),
  async run(ctx) {
    return evaluateTrails(ctx, (trails) =>
      Promise.all(
        trails.map(async (t): Promise<Finding> => {
          // An organization trail is judged by its bucket too: one delivering into this account is not stored elsewhere.
          const trail = `${t.trail.IsOrganizationTrail ? 'Organization trail' : 'Trail'} ${t.name}`;
          const bucket = t.trail.S3BucketName;
          if (!bucket) return { resource: t.arn, status: 'FAIL', message: `${trail} delivers to no S3 bucket.` };
          const owner = await bucketOwnership(ctx, bucket, t.homeRegion);
          if (!owner.ok) return { resource: t.arn, status: 'ERROR', message: `${trail} delivers to bucket ${bucket}, whose owner could not be told (${owner.error}).` };
          switch (owner.value.owner) {
            case 'other-account':
              return { resource: t.arn, status: 'PASS', message: `${trail} stores its logs in bucket ${bucket}, which another account owns.` };
            case 'this-account':
              return {
                resource: t.arn,
                status: 'FAIL',
                message: `${trail} stores its logs in bucket ${bucket}, which belongs to this account, so anyone with admin rights here can alter them.`,
              };
            case 'missing':
              return { resource: t.arn, status: 'FAIL', message: `${trail} delivers to bucket ${bucket}, which does not exist, so its logs are not being stored.` };
          }
        }),
      ),
    );
  },
};
