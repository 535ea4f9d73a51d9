import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand, type PutEventSelectorsCommandInput } from '@aws-sdk/client-cloudtrail';
import { PutBucketEncryptionCommand, PutBucketLoggingCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsAccess } from '../../../src/aws/clients';
import { s3BucketAccessLogged } from '../../../src/checks/dataprotection/s3AccessLogging';
import { s3BucketDefaultEncryption } from '../../../src/checks/dataprotection/s3DefaultEncryption';
import { s3BucketSecureTransport } from '../../../src/checks/dataprotection/s3SecureTransport';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createBucket, putBucketPolicy } from '../s3/support';

describe('per-bucket data protection checks against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());
  const s3 = (region = 'us-east-1') => aws.client(S3Client, region);

  describe('s3_bucket_default_encryption (FTR-12.2, WAS-DP-1)', () => {
    it('reports the algorithm: SSE-KMS with its key, SSE-S3 passing with advice, none failing', async () => {
      const kmsArn = await createBucket(aws, 'kms-bucket', 'eu-west-1');
      const sseS3Arn = await createBucket(aws, 'sse-s3-bucket');
      const plainArn = await createBucket(aws, 'plain-bucket');
      await s3('eu-west-1').send(
        new PutBucketEncryptionCommand({
          Bucket: 'kms-bucket',
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: 'alias/data' } }] },
        }),
      );
      await s3().send(
        new PutBucketEncryptionCommand({ Bucket: 'sse-s3-bucket', ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } }),
      );
      const report = await scanChecks([s3BucketDefaultEncryption], { aws });
      const kms = resultFor(report, 's3_bucket_default_encryption', kmsArn);
      expect(kms).toMatchObject({ status: 'PASS', region: 'eu-west-1' });
      expect(kms.message).toContain('SSE-KMS with key alias/data');
      const sseS3 = resultFor(report, 's3_bucket_default_encryption', sseS3Arn);
      expect(sseS3.status).toBe('PASS');
      expect(sseS3.message).toContain('SSE-S3 (AES256)');
      expect(sseS3.message).toContain('SSE-KMS with a customer-managed key would add');
      const plain = resultFor(report, 's3_bucket_default_encryption', plainArn);
      expect(plain.status).toBe('FAIL');
      expect(plain.message).toContain('plain-bucket has no default encryption');
    });
  });

  describe('s3_bucket_secure_transport_policy (FTR-12.3, WAS-DP-2)', () => {
    const denyHttp = (bucket: string, resources = [`arn:aws:s3:::${bucket}`, `arn:aws:s3:::${bucket}/*`]) => ({
      Sid: 'DenyPlainHttp',
      Effect: 'Deny',
      Principal: '*',
      Action: 's3:*',
      Resource: resources,
      Condition: { Bool: { 'aws:SecureTransport': 'false' } },
    });

    it('passes a bucket whose policy denies non-TLS requests and fails the others', async () => {
      const tlsArn = await createBucket(aws, 'tls-only');
      const objectsOnlyArn = await createBucket(aws, 'objects-only');
      const noPolicyArn = await createBucket(aws, 'no-policy');
      await putBucketPolicy(aws, 'tls-only', [denyHttp('tls-only')]);
      await putBucketPolicy(aws, 'objects-only', [denyHttp('objects-only', ['arn:aws:s3:::objects-only/*'])]);
      const report = await scanChecks([s3BucketSecureTransport], { aws });
      expect(resultFor(report, 's3_bucket_secure_transport_policy', tlsArn).status).toBe('PASS');
      const partial = resultFor(report, 's3_bucket_secure_transport_policy', objectsOnlyArn);
      expect(partial.status).toBe('FAIL');
      expect(partial.message).toContain('does not deny plain-HTTP requests');
      const none = resultFor(report, 's3_bucket_secure_transport_policy', noPolicyArn);
      expect(none.status).toBe('FAIL');
      expect(none.message).toContain('has no bucket policy');
    });
  });

  describe('s3_bucket_access_logged (FTR-12.4)', () => {
    const ID = 's3_bucket_access_logged';

    async function trail(name: string, selectors: Omit<PutEventSelectorsCommandInput, 'TrailName'>, options: { multiRegion?: boolean; logging?: boolean } = {}) {
      const cloudTrail = aws.client(CloudTrailClient, 'us-east-1');
      await createBucket(aws, `${name}-logs`);
      await cloudTrail.send(new CreateTrailCommand({ Name: name, S3BucketName: `${name}-logs`, IsMultiRegionTrail: options.multiRegion ?? true }));
      await cloudTrail.send(new PutEventSelectorsCommand({ ...selectors, TrailName: name }));
      if (options.logging ?? true) await cloudTrail.send(new StartLoggingCommand({ Name: name }));
    }

    it('passes a bucket with server access logging and fails one with none', async () => {
      const loggedArn = await createBucket(aws, 'logged-bucket');
      const silentArn = await createBucket(aws, 'silent-bucket');
      await createBucket(aws, 'access-logs');
      await putBucketPolicy(aws, 'access-logs', [
        { Effect: 'Allow', Principal: { Service: 'logging.s3.amazonaws.com' }, Action: 's3:PutObject', Resource: 'arn:aws:s3:::access-logs/*' },
      ]);
      await s3().send(new PutBucketLoggingCommand({ Bucket: 'logged-bucket', BucketLoggingStatus: { LoggingEnabled: { TargetBucket: 'access-logs', TargetPrefix: 'logged/' } } }));
      const report = await scanChecks([s3BucketAccessLogged], { aws });
      const logged = resultFor(report, ID, loggedArn);
      expect(logged.status).toBe('PASS');
      expect(logged.message).toContain('server access logging to access-logs/logged/');
      const silent = resultFor(report, ID, silentArn);
      expect(silent.status).toBe('FAIL');
      expect(silent.message).toContain('no server access logging and no trail');
    });

    it('passes buckets covered by a logging multi-region trail with S3 data events, in any region', async () => {
      const euArn = await createBucket(aws, 'eu-data', 'eu-west-1');
      const otherArn = await createBucket(aws, 'other-data');
      await trail('data-events', { EventSelectors: [{ ReadWriteType: 'All', DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3:::eu-data/'] }] }] });
      const report = await scanChecks([s3BucketAccessLogged], { aws, regions: ['us-east-1'] });
      const eu = resultFor(report, ID, euArn);
      expect(eu).toMatchObject({ status: 'PASS', region: 'eu-west-1' });
      expect(eu.message).toContain('CloudTrail data events in data-events');
      expect(resultFor(report, ID, otherArn).status).toBe('FAIL');
    });

    it('reads advanced event selectors and treats write-only coverage as partial', async () => {
      const bucketArn = await createBucket(aws, 'advanced-data');
      await trail('write-only', {
        AdvancedEventSelectors: [
          {
            Name: 'S3 writes',
            FieldSelectors: [
              { Field: 'eventCategory', Equals: ['Data'] },
              { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
              { Field: 'readOnly', Equals: ['false'] },
            ],
          },
        ],
      });
      const result = resultFor(await scanChecks([s3BucketAccessLogged], { aws }), ID, bucketArn);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('write-only (writes only)');
    });

    it('does not count a trail that is not logging', async () => {
      const bucketArn = await createBucket(aws, 'stopped-trail-data');
      await trail('stopped', { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] }, { logging: false });
      expect(resultFor(await scanChecks([s3BucketAccessLogged], { aws }), ID, bucketArn).status).toBe('FAIL');
    });

    it('passes all buckets under an advanced selector for every S3 object', async () => {
      const bucketArn = await createBucket(aws, 'everything-logged');
      await trail('all-s3', { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::S3::Object'] }] }] });
      const result = resultFor(await scanChecks([s3BucketAccessLogged], { aws }), ID, bucketArn);
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('all-s3');
    });
  });
});
