import { s3Buckets } from '../../aws/inventories/s3Buckets';
import type { Check } from '../../core/types';
import { quote } from '../define';
import { allTrails } from './trails';

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
  async run(ctx) {
    const trails = await allTrails(ctx);
    if (trails.length === 0) return [];
    const own = new Set((await s3Buckets(ctx)).map((b) => b.name));
    return trails.map((t) => {
      const bucket = t.trail.S3BucketName;
      if (!bucket) return { resource: t.arn, status: 'FAIL', message: `Trail ${t.name} delivers to no S3 bucket.` };
      if (own.has(bucket)) {
        return {
          resource: t.arn,
          status: 'FAIL',
          message: `Trail ${t.name} stores its logs in bucket ${bucket}, which belongs to this account, so anyone with admin rights here can alter them.`,
        };
      }
      return {
        resource: t.arn,
        status: 'PASS',
        message: `Trail ${t.name} stores its logs in bucket ${bucket}, owned by another account${t.trail.IsOrganizationTrail ? ' (organization trail)' : ''}.`,
      };
    });
  },
};
