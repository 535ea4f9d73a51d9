import { dataprotectionChecks } from '../../../src/checks/dataprotection';
import { s3Checks } from '../../../src/checks/s3';
import { resetMoto, scanChecks, testAccess } from '../../support/aws';
import { createBucket, publicRead, putBucketPolicy } from './support';

describe('per-bucket configuration is read once per scan', () => {
  beforeEach(resetMoto);

  it('asks each bucket each question once, however many checks use the answer', async () => {
    const aws = testAccess();
    const buckets = Array.from({ length: 40 }, (_, i) => `scale-bucket-${i}`);
    try {
      await Promise.all(buckets.map((name, i) => createBucket(aws, name, i % 2 === 0 ? 'us-east-1' : 'eu-west-1')));
      // Every fourth bucket has a policy (all of them in us-east-1).
      await Promise.all(buckets.filter((_, i) => i % 4 === 0).map((name) => putBucketPolicy(aws, name, [publicRead(name)])));
    } finally {
      aws.destroy();
    }
    // Macie is left out: moto's Macie answers cannot be parsed by the SDK (see the Macie test).
    const checks = [...s3Checks, ...dataprotectionChecks].filter((c) => c.id !== 'macie_enabled');
    const report = await scanChecks(checks, { regions: ['us-east-1', 'eu-west-1'] });
    const requests = report.summary.awsRequests.byOperation;
    for (const operation of ['GetPublicAccessBlock', 'GetBucketPolicy', 'GetBucketAcl', 'GetBucketEncryption', 'GetBucketLogging']) {
      expect(requests[`s3:${operation}`]).toBe(buckets.length);
    }
    // The policy status only where there is a policy to judge.
    expect(requests['s3:GetBucketPolicyStatus']).toBe(buckets.length / 4);
    expect(requests['s3control:GetPublicAccessBlock']).toBe(1);
    expect(requests['cloudtrail:DescribeTrails']).toBe(2);
    for (const checkId of ['s3_bucket_access_level_inventory', 's3_bucket_default_encryption', 's3_bucket_access_logged']) {
      expect(report.results.filter((r) => r.checkId === checkId)).toHaveLength(buckets.length);
    }
    expect(report.results.filter((r) => r.status === 'ERROR').map((r) => `${r.checkId} ${r.region}: ${r.message}`)).toEqual([]);
  });
});
