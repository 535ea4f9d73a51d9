import { CloudTrailClient, CreateTrailCommand, PutEventSelectorsCommand, StartLoggingCommand } from '@aws-sdk/client-cloudtrail';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  HeadBucketCommand,
  ListBucketsCommand,
  PutObjectLockConfigurationCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { loggingChecks } from '../../../src/checks/logging';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

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
    expect(report.results.map((r) => [r.checkId, r.resource, r.status]).sort()).toEqual(
      loggingChecks.map((c) => [c.id, 'account', 'FAIL']).sort(),
    );
    expect(resultFor(report, 'cloudtrail_multi_region_management_events', 'account').message).toContain('2 scanned region(s)');
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
    // One compliant trail covers the account.
    const account = resultFor(report, 'cloudtrail_multi_region_management_events', 'account');
    expect(account.status).toBe('PASS');
    expect(account.message).toBe('Management events are recorded in all regions by trail org-wide.');

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
    const account = resultFor(report, 'cloudtrail_multi_region_management_events', 'account');
    expect(account.status).toBe('FAIL');
    expect(account.message).toContain('None of the 1 trail(s) recording in the 1 scanned region(s)');
  });

  it('judges advanced event selectors: management events without a readOnly filter pass, write-only fails', async () => {
    await trail('advanced-all', { bucket: 'adv-logs', multiRegion: true, validation: true, logging: true });
    await trail('advanced-write', { bucket: 'adv-logs', multiRegion: true, validation: true, logging: true });
    const ct = aws.client(CloudTrailClient, 'us-east-1');
    const management = { Field: 'eventCategory', Equals: ['Management'] };
    await ct.send(new PutEventSelectorsCommand({ TrailName: 'advanced-all', AdvancedEventSelectors: [{ Name: 'all management', FieldSelectors: [management] }] }));
    await ct.send(
      new PutEventSelectorsCommand({
        TrailName: 'advanced-write',
        AdvancedEventSelectors: [{ Name: 'writes', FieldSelectors: [management, { Field: 'readOnly', Equals: ['false'] }] }],
      }),
    );
    const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
    expect(resultFor(report, 'cloudtrail_multi_region_management_events', trailArn('advanced-all')).status).toBe('PASS');
    const writeOnly = resultFor(report, 'cloudtrail_multi_region_management_events', trailArn('advanced-write'));
    expect(writeOnly.status).toBe('FAIL');
    expect(writeOnly.message).toContain('leave out read or write events');
  });

  it('fails 6.2 and 6.3 for a trail whose bucket does not exist (HeadBucket answers 404)', async () => {
    await trail('to-nowhere', { bucket: 'deleted-trail-logs', multiRegion: true, validation: true, logging: true });
    // moto needs the bucket when the trail is created; deleting it leaves the trail delivering nowhere.
    await aws.client(S3Client, 'us-east-1').send(new DeleteBucketCommand({ Bucket: 'deleted-trail-logs' }));
    const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
    const separate = resultFor(report, 'cloudtrail_logs_in_separate_account', trailArn('to-nowhere'));
    expect(separate.status).toBe('FAIL');
    expect(separate.message).toBe('Trail to-nowhere delivers to bucket deleted-trail-logs, which does not exist, so its logs are not being stored.');
    const protection = resultFor(report, 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::deleted-trail-logs');
    expect(protection.status).toBe('FAIL');
    expect(protection.message).toContain('does not exist');
  });

  it('fails 6.2 for an organization trail whose bucket is in this account', async () => {
    await trail('account-trail', { bucket: 'org-logs', multiRegion: true, validation: true, logging: true });
    const ct = aws.client(CloudTrailClient, 'us-east-1');
    await ct.send(new CreateTrailCommand({ Name: 'org-wide-trail', S3BucketName: 'org-logs', IsMultiRegionTrail: true, IsOrganizationTrail: true }));
    const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
    const org = resultFor(report, 'cloudtrail_logs_in_separate_account', trailArn('org-wide-trail'));
    expect(org.status).toBe('FAIL');
    expect(org.message).toBe(
      'Organization trail org-wide-trail stores its logs in bucket org-logs, which belongs to this account, so anyone with admin rights here can alter them.',
    );
    expect(resultFor(report, 'cloudtrail_logs_in_separate_account', trailArn('account-trail')).status).toBe('FAIL');
    // One finding per log bucket, naming every trail writing to it.
    const protection = report.results.filter((r) => r.checkId === 'cloudtrail_log_bucket_protected');
    expect(protection).toHaveLength(1);
    expect(protection[0].message).toContain('(trail account-trail, org-wide-trail)');
  });

  describe('bucket ownership answers moto cannot give (it ignores ExpectedBucketOwner)', () => {
    let s3Mock: ReturnType<typeof mockClient>;
    beforeEach(() => {
      s3Mock = mockClient(S3Client);
      s3Mock.send.callThrough();
    });
    afterEach(() => s3Mock.restore());

    /** What the SDK throws for S3's bodiless 403 to a HeadBucket whose ExpectedBucketOwner is not the owner. */
    const forbidden = () => new S3ServiceException({ name: 'Unknown', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'UnknownError' });

    it('passes 6.2 and asks for attestation of 6.3 when S3 says another account owns the bucket', async () => {
      await trail('to-archive', { bucket: 'archive-account-logs', multiRegion: true, validation: true, logging: true });
      await aws.client(S3Client, 'us-east-1').send(new DeleteBucketCommand({ Bucket: 'archive-account-logs' }));
      s3Mock.on(HeadBucketCommand, { Bucket: 'archive-account-logs', ExpectedBucketOwner: ACCOUNT_ID }).rejects(forbidden());
      const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
      const separate = resultFor(report, 'cloudtrail_logs_in_separate_account', trailArn('to-archive'));
      expect(separate.status).toBe('PASS');
      expect(separate.message).toBe('Trail to-archive stores its logs in bucket archive-account-logs, which another account owns.');
      const protection = resultFor(report, 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::archive-account-logs');
      expect(protection.status).toBe('MANUAL');
      expect(protection.message).toContain('belongs to another account');
    });

    it('fails 6.2 when HeadBucket is refused but the bucket is among this account’s own', async () => {
      await trail('guarded', { bucket: 'guarded-logs', multiRegion: true, validation: true, logging: true });
      s3Mock.on(HeadBucketCommand, { Bucket: 'guarded-logs' }).rejects(forbidden());
      const separate = resultFor(await scanChecks(loggingChecks, { regions: ['us-east-1'] }), 'cloudtrail_logs_in_separate_account', trailArn('guarded'));
      expect(separate.status).toBe('FAIL');
      expect(separate.message).toContain('belongs to this account');
    });

    it('reports ERROR when HeadBucket is refused and the bucket list cannot be read, or HeadBucket fails otherwise', async () => {
      await trail('unknown', { bucket: 'unknown-logs', multiRegion: true, validation: true, logging: true });
      s3Mock.on(HeadBucketCommand, { Bucket: 'unknown-logs' }).rejects(forbidden());
      s3Mock.on(ListBucketsCommand).rejects(new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'Access Denied' }));
      const refused = resultFor(await scanChecks(loggingChecks, { regions: ['us-east-1'] }), 'cloudtrail_logs_in_separate_account', trailArn('unknown'));
      expect(refused.status).toBe('ERROR');
      expect(refused.message).toMatch(/^Trail unknown delivers to bucket unknown-logs, whose owner could not be told \(S3 refused HeadBucket/);

      s3Mock.reset();
      s3Mock.send.callThrough();
      s3Mock.on(HeadBucketCommand, { Bucket: 'unknown-logs' }).rejects(new S3ServiceException({ name: 'InternalError', $fault: 'server', $metadata: { httpStatusCode: 500 }, message: 'We encountered an internal error' }));
      const broken = resultFor(await scanChecks(loggingChecks, { regions: ['us-east-1'] }), 'cloudtrail_logs_in_separate_account', trailArn('unknown'));
      expect(broken.status).toBe('ERROR');
      expect(broken.message).toContain('InternalError');
    });
  });

  describe('log bucket versioning answers moto cannot give (it drops MFADelete)', () => {
    let s3Mock: ReturnType<typeof mockClient>;
    beforeEach(async () => {
      await trail('main', { bucket: 'main-trail-logs', multiRegion: true, validation: true, logging: true });
      s3Mock = mockClient(S3Client);
      s3Mock.send.callThrough();
    });
    afterEach(() => s3Mock.restore());
    const protectionOf = async () =>
      resultFor(await scanChecks(loggingChecks, { regions: ['us-east-1'] }), 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::main-trail-logs');

    it('passes versioning with MFA delete', async () => {
      s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled', MFADelete: 'Enabled' });
      const result = await protectionOf();
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('versioning with MFA delete');
    });

    it('passes versioning without MFA delete: the requirement names versioning as protection', async () => {
      s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Enabled', MFADelete: 'Disabled' });
      const result = await protectionOf();
      expect(result.status).toBe('PASS');
      expect(result.message).toBe(
        'Log bucket main-trail-logs (trail main) is protected by versioning without MFA delete, so deleted or overwritten logs can be recovered.',
      );
    });

    it('fails suspended versioning in one sentence saying what is missing', async () => {
      s3Mock.on(GetBucketVersioningCommand).resolves({ Status: 'Suspended' });
      const result = await protectionOf();
      expect(result.status).toBe('FAIL');
      expect(result.message).toBe(
        'Log bucket main-trail-logs (trail main) has suspended versioning and no Object Lock default retention, so its logs can be deleted or overwritten.',
      );
    });

    it('does not count Object Lock without a default retention rule', async () => {
      s3Mock.on(GetBucketVersioningCommand).resolves({});
      s3Mock.on(GetObjectLockConfigurationCommand).resolves({ ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled' } });
      const result = await protectionOf();
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('its Object Lock has no default retention rule');
    });

    it('asks for attestation when reading is denied, and reports ERROR for other failures', async () => {
      s3Mock.on(GetBucketVersioningCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
      const denied = await protectionOf();
      expect(denied.status).toBe('MANUAL');
      expect(denied.message).toContain('access denied');

      s3Mock.on(GetBucketVersioningCommand).rejects(Object.assign(new Error('We encountered an internal error'), { name: 'InternalError', $metadata: { httpStatusCode: 500 } }));
      const broken = await protectionOf();
      expect(broken.status).toBe('ERROR');
      expect(broken.message).toContain('InternalError');
    });
  });

  it('passes a log bucket with S3 Object Lock and a default retention rule', async () => {
    const s3 = aws.client(S3Client, 'us-east-1');
    await s3.send(new CreateBucketCommand({ Bucket: 'vault-logs', ObjectLockEnabledForBucket: true }));
    await s3.send(
      new PutObjectLockConfigurationCommand({
        Bucket: 'vault-logs',
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
      }),
    );
    await trail('protected', { bucket: 'vault-logs', multiRegion: true, validation: true, logging: true });
    const report = await scanChecks(loggingChecks, { regions: ['us-east-1'] });
    const result = resultFor(report, 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::vault-logs');
    expect(result.status).toBe('PASS');
    expect(result.message).toBe('Log bucket vault-logs (trail protected) is protected by S3 Object Lock with a default compliance-mode retention of 365 days.');
  });

  it('credits an Object Lock bucket without a default rule to its versioning, saying the lock does not count', async () => {
    await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'lock-no-rule', ObjectLockEnabledForBucket: true }));
    await trail('half-locked', { bucket: 'lock-no-rule', multiRegion: true, validation: true, logging: true });
    const result = resultFor(await scanChecks(loggingChecks, { regions: ['us-east-1'] }), 'cloudtrail_log_bucket_protected', 'arn:aws:s3:::lock-no-rule');
    expect(result.status).toBe('PASS');
    expect(result.message).toBe(
      'Log bucket lock-no-rule (trail half-locked) is protected by versioning without MFA delete, so deleted or overwritten logs can be recovered (its Object Lock has no default retention rule).',
    );
  });

  it('declares every action it calls: trails, HeadBucket, versioning and Object Lock', () => {
    const byId = new Map(loggingChecks.map((c) => [c.id, c.actions]));
    expect(byId.get('cloudtrail_log_bucket_protected')).toEqual([
      'cloudtrail:DescribeTrails',
      'cloudtrail:GetEventSelectors',
      'cloudtrail:GetTrailStatus',
      's3:GetBucketLocation',
      's3:GetBucketObjectLockConfiguration',
      's3:GetBucketVersioning',
      's3:ListAllMyBuckets',
      's3:ListBucket',
    ]);
    expect(byId.get('cloudtrail_multi_region_management_events')).toEqual(['cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus']);
  });
});
