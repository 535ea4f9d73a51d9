import { BUCKET_FACTS_ACTIONS } from '../../aws/inventories/s3BucketFacts';
import type { Check } from '../../core/types';
import { quote } from '../define';
import { judgeBuckets } from './findings';

const ALGORITHMS: Record<string, string> = {
  AES256: 'SSE-S3 (AES256)',
  'aws:kms': 'SSE-KMS',
  'aws:kms:dsse': 'DSSE-KMS',
};

export const s3BucketDefaultEncryption: Check = {
  id: 's3_bucket_default_encryption',
  refs: ['FTR-12.2', 'WAS-DP-1'],
  title: 'S3 buckets encrypt new objects by default',
  severity: 'medium',
  rationale: quote('FTR-12.2'),
  remediation:
    'Set default encryption on the bucket (`aws s3api put-bucket-encryption`), preferably SSE-KMS with a customer-managed key and S3 Bucket Keys, so that key use is controlled and logged.',
  scope: 'global',
  kind: 'automated',
  actions: BUCKET_FACTS_ACTIONS,
  async run(ctx) {
    return judgeBuckets(ctx, ({ bucket, encryption }) => {
      if (!encryption.ok) return { status: 'ERROR', message: `Could not read default encryption of bucket ${bucket.name}: ${encryption.error}.` };
      const rule = encryption.value?.find((r) => r.ApplyServerSideEncryptionByDefault?.SSEAlgorithm);
      const byDefault = rule?.ApplyServerSideEncryptionByDefault;
      if (!byDefault?.SSEAlgorithm) return { status: 'FAIL', message: `Bucket ${bucket.name} has no default encryption.` };
      const algorithm = ALGORITHMS[byDefault.SSEAlgorithm] ?? byDefault.SSEAlgorithm;
      const key = byDefault.KMSMasterKeyID ? ` with key ${byDefault.KMSMasterKeyID}` : '';
      const advice = byDefault.SSEAlgorithm === 'AES256' ? '; SSE-KMS with a customer-managed key would add key control and audit' : '';
      return { status: 'PASS', message: `Bucket ${bucket.name} encrypts new objects with ${algorithm}${key}${advice}.` };
    });
  },
};
