import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand, type AdvancedFieldSelector } from '@aws-sdk/client-cloudtrail';
import type { AwsAccess } from '../../../src/aws/clients';
import { s3BucketAccessLogged } from '../../../src/checks/dataprotection/s3AccessLogging';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createBucket } from '../s3/support';

const ID = 's3_bucket_access_logged';
const s3Objects: AdvancedFieldSelector[] = [
  { Field: 'eventCategory', Equals: ['Data'] },
  { Field: 'resources.type', Equals: ['AWS::S3::Object'] },
];

describe('s3_bucket_access_logged (FTR-12.4) judges trail data events per bucket, against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function trailWith(name: string, ...selectors: AdvancedFieldSelector[][]) {
    const cloudTrail = aws.client(CloudTrailClient, 'us-east-1');
    await createBucket(aws, `${name}-logs`);
    await cloudTrail.send(new CreateTrailCommand({ Name: name, S3BucketName: `${name}-logs`, IsMultiRegionTrail: true }));
    await cloudTrail.send(new PutEventSelectorsCommand({ TrailName: name, AdvancedEventSelectors: selectors.map((FieldSelectors) => ({ FieldSelectors })) }));
    await cloudTrail.send(new StartLoggingCommand({ Name: name }));
  }

  it('does not credit an all-bucket selector to a bucket its NotStartsWith excludes', async () => {
    const data = await createBucket(aws, 'customer-data');
    const scratch = await createBucket(aws, 'scratch');
    await trailWith('data-events', [...s3Objects, { Field: 'resources.ARN', NotStartsWith: ['arn:aws:s3:::scratch/'] }]);
    const report = await scanChecks([s3BucketAccessLogged], { aws });
    expect(resultFor(report, ID, data).status).toBe('PASS');
    expect(resultFor(report, ID, scratch).status).toBe('FAIL');
  });

  it('does not credit a selector that leaves out some events or callers with a negative operator', async () => {
    const bucket = await createBucket(aws, 'customer-data');
    await trailWith('quiet', [...s3Objects, { Field: 'eventName', NotEquals: ['GetObject'] }], [...s3Objects, { Field: 'userIdentity.arn', NotStartsWith: ['arn:aws:sts::123456789012:assumed-role/etl/'] }]);
    const result = resultFor(await scanChecks([s3BucketAccessLogged], { aws }), ID, bucket);
    expect(result.status).toBe('FAIL');
  });

  it('does not count reads alone, or writes alone, as logging access', async () => {
    const reads = await createBucket(aws, 'read-logged');
    const writes = await createBucket(aws, 'write-logged');
    await trailWith(
      'split',
      [...s3Objects, { Field: 'readOnly', Equals: ['true'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::read-logged/'] }],
      [...s3Objects, { Field: 'readOnly', Equals: ['false'] }, { Field: 'resources.ARN', StartsWith: ['arn:aws:s3:::write-logged/'] }],
    );
    const report = await scanChecks([s3BucketAccessLogged], { aws });
    for (const [bucket, only] of [
      [reads, 'reads only'],
      [writes, 'writes only'],
    ]) {
      const result = resultFor(report, ID, bucket);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain(only);
    }
  });
});
