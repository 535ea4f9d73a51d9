import { s3Buckets } from '../../aws/inventories/s3Buckets';
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
  async run(ctx) {
    return evaluateTrails(ctx, async (trails) => {
      const own = new Set((await s3Buckets(ctx)).map((b) => b.name));
      return trails.map((t): Finding => {
        const bucket = t.trail.S3BucketName;
        if (t.trail.IsOrganizationTrail) {
          return { resource: t.arn, status: 'PASS', message: `Trail ${t.name} is an organization trail delivering to bucket ${bucket ?? '(none named)'}.` };
        }
        if (!bucket) return { resource: t.arn, status: 'FAIL', message: `Trail ${t.name} delivers to no S3 bucket.` };
        if (own.has(bucket)) {
          return {
            resource: t.arn,
            status: 'FAIL',
            message: `Trail ${t.name} stores its logs in bucket ${bucket}, which belongs to this account, so anyone with admin rights here can alter them.`,
          };
        }
        return { resource: t.arn, status: 'PASS', message: `Trail ${t.name} stores its logs in bucket ${bucket}, owned by another account.` };
      });
    });
  },
};
