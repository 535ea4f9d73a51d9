import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { BUCKET_EXPOSURE_ACTIONS, bucketExposures, type BucketExposure } from './exposure';

function inventoryEntry(exposure: BucketExposure): Finding {
  const { bucket } = exposure;
  const base = { resource: bucket.arn, region: bucket.region };
  if (exposure.isPublic === undefined) {
    return { ...base, status: 'ERROR', message: `Access level of bucket ${bucket.name} unknown: ${exposure.errors.join('; ')}.` };
  }
  if (exposure.isPublic) {
    return {
      ...base,
      status: 'FAIL',
      message: `Bucket ${bucket.name}: ${exposure.accessLevel}; review it, and if it is intentionally public record it as reviewed with the reason.`,
    };
  }
  return { ...base, status: 'PASS', message: `Bucket ${bucket.name}: ${exposure.accessLevel}.` };
}

export const s3BucketAccessLevelInventory: Check = {
  id: 's3_bucket_access_level_inventory',
  refs: ['FTR-10.1'],
  title: 'Every S3 bucket’s access level is known and reviewed',
  severity: 'medium',
  rationale: quote('FTR-10.1'),
  remediation:
    'Review each public bucket: if it must be public, record it as reviewed (owner, reason, date) and keep only read access to the objects that need it; otherwise remove the public policy statements and ACL grants and turn on Block Public Access.',
  scope: 'global',
  kind: 'automated',
  actions: BUCKET_EXPOSURE_ACTIONS,
  async run(ctx) {
    return (await bucketExposures(ctx)).map(inventoryEntry);
  },
};
