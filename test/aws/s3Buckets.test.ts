import { CreateBucketCommand, DeleteBucketCommand, GetBucketLocationCommand, ListBucketsCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { s3Buckets } from '../../src/aws/inventories/s3Buckets';
import type { Check } from '../../src/core/types';
import { resetMoto, scanChecks, testAccess } from '../support/aws';

const listing: Check = {
  id: 'bucket_listing_probe',
  refs: ['FTR-10.1'],
  title: 'bucket listing',
  severity: 'info',
  rationale: 'test',
  remediation: 'none',
  scope: 'global',
  kind: 'automated',
  run: async (ctx) => (await s3Buckets(ctx)).map((b) => ({ resource: b.arn, status: 'PASS', message: b.region })),
};

describe('s3Buckets inventory', () => {
  beforeEach(resetMoto);

  it('lists buckets with their regions from moto', async () => {
    const aws = testAccess();
    await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'in-virginia' }));
    await aws.client(S3Client, 'us-east-1').send(
      new CreateBucketCommand({ Bucket: 'in-ireland', CreateBucketConfiguration: { LocationConstraint: 'eu-west-1' } }),
    );
    const report = await scanChecks([listing], { aws });
    aws.destroy();
    expect(Object.fromEntries(report.results.map((r) => [r.resource, r.message]))).toEqual({
      'arn:aws:s3:::in-virginia': 'us-east-1',
      'arn:aws:s3:::in-ireland': 'eu-west-1',
    });
  });

  it('drops a bucket deleted mid-scan and keeps one whose location is unreadable', async () => {
    const aws = testAccess();
    const s3 = aws.client(S3Client, 'us-east-1');
    for (const Bucket of ['kept', 'gone', 'locked']) await s3.send(new CreateBucketCommand({ Bucket }));
    const listed = await s3.send(new ListBucketsCommand({}));
    await s3.send(new DeleteBucketCommand({ Bucket: 'gone' }));
    const mock = mockClient(S3Client);
    try {
      mock.on(ListBucketsCommand).resolves({ Buckets: listed.Buckets });
      mock.on(GetBucketLocationCommand, { Bucket: 'kept' }).resolves({ LocationConstraint: 'eu-west-1' });
      mock.on(GetBucketLocationCommand, { Bucket: 'gone' }).rejects(Object.assign(new Error('gone'), { name: 'NoSuchBucket' }));
      mock.on(GetBucketLocationCommand, { Bucket: 'locked' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDenied' }));
      const report = await scanChecks([listing], { aws });
      expect(Object.fromEntries(report.results.map((r) => [r.resource, r.message]))).toEqual({
        'arn:aws:s3:::kept': 'eu-west-1',
        'arn:aws:s3:::locked': 'us-east-1',
      });
    } finally {
      mock.restore();
      aws.destroy();
    }
  });
});
