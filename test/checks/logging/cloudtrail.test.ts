import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsAccess } from '../../../src/aws/clients';
import { loggingChecks } from '../../../src/checks/logging';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

const REGIONS = ['us-east-1', 'eu-west-1'];
const trailArn = (name: string, region = 'us-east-1') => `arn:aws:cloudtrail:${region}:123456789012:trail/${name}`;

describe('CloudTrail checks against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function trail(name: string, options: { bucket: string; multiRegion: boolean; validation: boolean; logging: boolean; region?: string }) {
    const region = options.region ?? 'us-east-1';
    const s3 = aws.client(S3Client, 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: options.bucket })).catch(() => undefined);
    const ct = aws.client(CloudTrailClient, region);
    await ct.send(
      new CreateTrailCommand({ Name: name, S3BucketName: options.bucket, IsMultiRegionTrail: options.multiRegion, EnableLogFileValidation: options.validation }),
    );
    // AWS gives a new trail this selector; moto leaves it out.
    await ct.send(new PutEventSelectorsCommand({ TrailName: name, EventSelectors: [{ ReadWriteType: 'All', IncludeManagementEvents: true }] }));
    if (options.logging) await ct.send(new StartLoggingCommand({ Name: name }));
  }

  it('fails every trail check when no trail records events', async () => {
    const report = await scanChecks(loggingChecks, { regions: REGIONS });
    expect(resultFor(report, 'cloudtrail_multi_region_management_events', 'account')).toMatchObject({ status: 'FAIL', region: 'global' });
    expect(report.results.filter((r) => r.status === 'PASS')).toEqual([]);
  });

  it('passes a logging multi-region trail with all management events and validation; fails a single-region, stopped one', async () => {
    await trail('org-wide', { bucket: 'central-trail-logs', multiRegion: true, validation: true, logging: true });
    await trail('local', { bucket: 'local-trail-logs', multiRegion: false, validation: false, logging: false, region: 'eu-west-1' });
    const report = await scanChecks(loggingChecks, { regions: REGIONS });

    const good = resultFor(report, 'cloudtrail_multi_region_management_events', trailArn('org-wide'));
    expect(good.status).toBe('PASS');
    const local = resultFor(report, 'cloudtrail_multi_region_management_events', trailArn('local', 'eu-west-1'));
    expect(local.status).toBe('FAIL');
    expect(local.message).toContain('covers only eu-west-1');
    expect(local.message).toContain('not logging');

    expect(resultFor(report, 'cloudtrail_log_file_validation_enabled', trailArn('org-wide')).status).toBe('PASS');
    expect(resultFor(report, 'cloudtrail_log_file_validation_enabled', trailArn('local', 'eu-west-1')).status).toBe('FAIL');

    // Both buckets belong to the scanned account.
    const separate = resultFor(report, 'cloudtrail_logs_in_separate_account', trailArn('org-wide'));
    expect(separate.status).toBe('FAIL');
    expect(separate.message).toContain('central-trail-logs');

    const protectedBucket = resultFor(report, 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::central-trail-logs');
    expect(protectedBucket.status).toBe('FAIL');
    expect(protectedBucket.message).toContain('versioning');
  });

  it('fails a trail whose selectors record only write events', async () => {
    await trail('write-only', { bucket: 'wo-logs', multiRegion: true, validation: true, logging: true });
    await aws
      .client(CloudTrailClient, 'us-east-1')
      .send(new PutEventSelectorsCommand({ TrailName: 'write-only', EventSelectors: [{ ReadWriteType: 'WriteOnly', IncludeManagementEvents: true }] }));
    const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
    const result = resultFor(report, 'cloudtrail_multi_region_management_events', trailArn('write-only'));
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('do not record all read and write management events');
  });

  it('passes a log bucket in another account for 6.2 and asks for attestation of its protection', async () => {
    await trail('to-archive', { bucket: 'archive-account-logs', multiRegion: true, validation: true, logging: true });
    // moto needs the bucket to exist; the scan below sees an account whose bucket list lacks it.
    const report = await scanChecks(
      loggingChecks.map((check) => ({
        ...check,
        run: (ctx) => {
          // Hide the bucket from the account's own bucket list, as when it lives in a log-archive account.
          const original = ctx.inventory.get.bind(ctx.inventory);
          ctx.inventory.get = ((key: string, load: () => Promise<unknown>) =>
            key.startsWith('s3.buckets@')
              ? original(key, async () => (await load() as Array<{ name: string }>).filter((b) => b.name !== 'archive-account-logs'))
              : original(key, load)) as typeof ctx.inventory.get;
          return check.run(ctx);
        },
      })),
      { regions: ['us-east-1'] },
    );
    expect(resultFor(report, 'cloudtrail_logs_in_separate_account', trailArn('to-archive')).status).toBe('PASS');
    const protection = resultFor(report, 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::archive-account-logs');
    expect(protection.status).toBe('MANUAL');
    expect(protection.message).toContain('another account');
  });

  it('passes a log bucket with S3 Object Lock', async () => {
    await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'vault-logs', ObjectLockEnabledForBucket: true }));
    await trail('protected', { bucket: 'vault-logs', multiRegion: true, validation: true, logging: true });
    const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
    const result = resultFor(report, 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::vault-logs');
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('Object Lock');
  });
});
