import { PutBucketAclCommand, PutPublicAccessBlockCommand, S3Client } from '@aws-sdk/client-s3';
import { PutPublicAccessBlockCommand as PutAccountPublicAccessBlockCommand, S3ControlClient } from '@aws-sdk/client-s3-control';
import type { AwsAccess } from '../../../src/aws/clients';
import { s3AccountPublicAccessBlock } from '../../../src/checks/s3/accountPublicAccessBlock';
import { s3BucketAccessLevelInventory } from '../../../src/checks/s3/bucketAccessLevelInventory';
import { s3BucketPublicAccessRestricted } from '../../../src/checks/s3/bucketPublicAccess';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { awsError, createBucket, overrideBucketCall, publicRead, putBucketPolicy } from './support';

const ALL_ON = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const checks = [s3AccountPublicAccessBlock, s3BucketPublicAccessRestricted, s3BucketAccessLevelInventory];

describe('S3 exposure checks (FTR-10.1, FTR-10.2) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  const setAccountBlock = (config: typeof ALL_ON) =>
    aws.client(S3ControlClient, 'us-east-1').send(new PutAccountPublicAccessBlockCommand({ AccountId: ACCOUNT_ID, PublicAccessBlockConfiguration: config }));

  describe('s3_account_public_access_block', () => {
    it('fails when the account has no Block Public Access configuration', async () => {
      const result = resultFor(await scanChecks([s3AccountPublicAccessBlock], { aws }), 's3_account_public_access_block', 'account');
      expect(result.status).toBe('FAIL');
      expect(result.message).toMatch(/not set/);
      expect(result.region).toBe('global');
    });

    it('names the settings that are off', async () => {
      await setAccountBlock({ ...ALL_ON, BlockPublicPolicy: false, IgnorePublicAcls: false });
      const result = resultFor(await scanChecks([s3AccountPublicAccessBlock], { aws }), 's3_account_public_access_block', 'account');
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('IgnorePublicAcls, BlockPublicPolicy off');
    });

    it('passes with all four settings on', async () => {
      await setAccountBlock(ALL_ON);
      const result = resultFor(await scanChecks([s3AccountPublicAccessBlock], { aws }), 's3_account_public_access_block', 'account');
      expect(result.status).toBe('PASS');
    });
  });

  describe('per bucket', () => {
    it('reports a bucket public through its policy, in its own region', async () => {
      const arn = await createBucket(aws, 'public-site', 'eu-west-1');
      await putBucketPolicy(aws, 'public-site', [publicRead('public-site')], 'eu-west-1');
      const report = await scanChecks(checks, { aws });
      const restricted = resultFor(report, 's3_bucket_public_access_restricted', arn);
      expect(restricted).toMatchObject({ status: 'FAIL', region: 'eu-west-1' });
      expect(restricted.message).toContain('public through its policy');
      const inventory = resultFor(report, 's3_bucket_access_level_inventory', arn);
      expect(inventory.status).toBe('FAIL');
      expect(inventory.message).toContain('public-site: public through its policy');
      expect(inventory.message).toMatch(/record it as reviewed/);
    });

    it('reports a bucket public through an ACL grant, naming the grantee and permission', async () => {
      const arn = await createBucket(aws, 'acl-bucket');
      await aws.client(S3Client, 'us-east-1').send(new PutBucketAclCommand({ Bucket: 'acl-bucket', ACL: 'public-read' }));
      const report = await scanChecks(checks, { aws });
      expect(resultFor(report, 's3_bucket_public_access_restricted', arn).status).toBe('FAIL');
      expect(resultFor(report, 's3_bucket_access_level_inventory', arn).message).toContain('public through ACL grant to AllUsers (READ)');
    });

    it('treats a public policy as neutralised by account-level RestrictPublicBuckets', async () => {
      const arn = await createBucket(aws, 'blocked-site');
      await putBucketPolicy(aws, 'blocked-site', [publicRead('blocked-site')]);
      await setAccountBlock(ALL_ON);
      const report = await scanChecks(checks, { aws });
      const restricted = resultFor(report, 's3_bucket_public_access_restricted', arn);
      expect(restricted.status).toBe('PASS');
      expect(restricted.message).toContain('not public: Block Public Access on (account level)');
      expect(resultFor(report, 's3_bucket_access_level_inventory', arn).status).toBe('PASS');
    });

    it('does not count BlockPublicPolicy alone against an existing public policy', async () => {
      const arn = await createBucket(aws, 'still-public');
      await putBucketPolicy(aws, 'still-public', [publicRead('still-public')]);
      await setAccountBlock({ ...ALL_ON, RestrictPublicBuckets: false });
      const report = await scanChecks(checks, { aws });
      expect(resultFor(report, 's3_bucket_access_level_inventory', arn).message).toContain('public through its policy');
      expect(resultFor(report, 's3_bucket_public_access_restricted', arn).status).toBe('FAIL');
    });

    it('passes a private bucket with bucket-level Block Public Access and inventories it as not public', async () => {
      const arn = await createBucket(aws, 'private-data');
      await aws.client(S3Client, 'us-east-1').send(new PutPublicAccessBlockCommand({ Bucket: 'private-data', PublicAccessBlockConfiguration: ALL_ON }));
      const report = await scanChecks(checks, { aws });
      const restricted = resultFor(report, 's3_bucket_public_access_restricted', arn);
      expect(restricted.status).toBe('PASS');
      expect(restricted.message).toContain('Block Public Access on (bucket level)');
    });

    it('fails a private bucket that nothing blocks from becoming public, while the inventory says not public', async () => {
      const arn = await createBucket(aws, 'unblocked-data');
      const report = await scanChecks(checks, { aws });
      const restricted = resultFor(report, 's3_bucket_public_access_restricted', arn);
      expect(restricted.status).toBe('FAIL');
      expect(restricted.message).toMatch(/not public now, but Block Public Access leaves BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets off/);
      const inventory = resultFor(report, 's3_bucket_access_level_inventory', arn);
      expect(inventory.status).toBe('PASS');
      expect(inventory.message).toContain('not public: no public grants');
    });

    it('falls back to reading the policy when S3 answers without IsPublic', async () => {
      const openArn = await createBucket(aws, 'status-less-open');
      const vpcArn = await createBucket(aws, 'status-less-vpc');
      await putBucketPolicy(aws, 'status-less-open', [{ ...publicRead('status-less-open'), Principal: { AWS: '*' } }]);
      await putBucketPolicy(aws, 'status-less-vpc', [{ ...publicRead('status-less-vpc'), Condition: { StringEquals: { 'aws:SourceVpce': 'vpce-0abc' } } }]);
      for (const bucket of ['status-less-open', 'status-less-vpc']) overrideBucketCall(aws, 'us-east-1', 'GetBucketPolicyStatus', bucket, {});
      const report = await scanChecks([s3BucketAccessLevelInventory], { aws });
      expect(resultFor(report, 's3_bucket_access_level_inventory', openArn)).toMatchObject({ status: 'FAIL' });
      expect(resultFor(report, 's3_bucket_access_level_inventory', vpcArn)).toMatchObject({ status: 'PASS' });
    });

    it('reports ERROR for a bucket it may not read, and still judges the others', async () => {
      const deniedArn = await createBucket(aws, 'denied-bucket');
      const okArn = await createBucket(aws, 'readable-bucket');
      await aws.client(S3Client, 'us-east-1').send(new PutBucketAclCommand({ Bucket: 'denied-bucket', ACL: 'public-read' }));
      overrideBucketCall(aws, 'us-east-1', 'GetBucketAcl', 'denied-bucket', awsError('AccessDenied', 'Access Denied', 403));
      const report = await scanChecks(checks, { aws });
      const denied = resultFor(report, 's3_bucket_access_level_inventory', deniedArn);
      expect(denied.status).toBe('ERROR');
      expect(denied.message).toMatch(/bucket ACL: access denied/);
      expect(resultFor(report, 's3_bucket_public_access_restricted', deniedArn).status).toBe('ERROR');
      expect(resultFor(report, 's3_bucket_access_level_inventory', okArn).status).toBe('PASS');
    });

    it('reports ERROR for a bucket deleted during the scan', async () => {
      const goneArn = await createBucket(aws, 'gone-bucket');
      for (const op of ['GetPublicAccessBlock', 'GetBucketPolicyStatus', 'GetBucketPolicy', 'GetBucketAcl']) {
        overrideBucketCall(aws, 'us-east-1', op, 'gone-bucket', awsError('NoSuchBucket', 'The specified bucket does not exist', 404));
      }
      const result = resultFor(await scanChecks([s3BucketAccessLevelInventory], { aws }), 's3_bucket_access_level_inventory', goneArn);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('NoSuchBucket');
    });
  });
});
