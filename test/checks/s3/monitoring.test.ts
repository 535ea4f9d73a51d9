import {
  ConfigServiceClient,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand } from '@aws-sdk/client-eventbridge';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { AwsAccess } from '../../../src/aws/clients';
import { matchesExposureChanges, s3PublicBucketMonitoring } from '../../../src/checks/s3/publicBucketMonitoring';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createBucket } from './support';

const ID = 's3_public_bucket_monitoring';

describe('s3_public_bucket_monitoring (FTR-10.3) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  const scan = () => scanChecks([s3PublicBucketMonitoring], { aws, regions: ['us-east-1', 'eu-west-1'] });

  async function addConfigRule(region: string, sourceIdentifier: string, recording: boolean) {
    const config = aws.client(ConfigServiceClient, region);
    await config.send(new PutConfigRuleCommand({ ConfigRule: { ConfigRuleName: 'public-buckets', Source: { Owner: 'AWS', SourceIdentifier: sourceIdentifier } } }));
    if (!recording) return;
    await createBucket(aws, `config-${region}`, region);
    await config.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'default', roleARN: 'arn:aws:iam::123456789012:role/config' } }));
    await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: `config-${region}` } }));
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  }

  async function addEventRule(region: string, pattern: object, withTarget: boolean) {
    const events = aws.client(EventBridgeClient, region);
    await events.send(new PutRuleCommand({ Name: 'bucket-exposure', EventPattern: JSON.stringify(pattern) }));
    if (withTarget) {
      await events.send(new PutTargetsCommand({ Rule: 'bucket-exposure', Targets: [{ Id: 'alerts', Arn: `arn:aws:sqs:${region}:123456789012:ftr-alerts` }] }));
    }
  }

  it('fails each region with no monitoring at all', async () => {
    const report = await scan();
    for (const region of ['us-east-1', 'eu-west-1']) {
      const result = resultFor(report, ID, 'account', region);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain(`Nothing in ${region} detects a bucket becoming public`);
    }
  });

  it('passes the region where GuardDuty S3 protection is on, and only that one', async () => {
    await aws.client(GuardDutyClient, 'eu-west-1').send(new CreateDetectorCommand({ Enable: true, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] }));
    await aws.client(GuardDutyClient, 'us-east-1').send(new CreateDetectorCommand({ Enable: true }));
    const report = await scan();
    const eu = resultFor(report, ID, 'account', 'eu-west-1');
    expect(eu.status).toBe('PASS');
    expect(eu.message).toMatch(/GuardDuty detector \w+ \(S3 protection\)/);
    expect(resultFor(report, ID, 'account', 'us-east-1').status).toBe('FAIL');
  });

  it('accepts the legacy S3Logs data source as S3 protection', async () => {
    await aws.client(GuardDutyClient, 'us-east-1').send(new CreateDetectorCommand({ Enable: true, DataSources: { S3Logs: { Enable: true } } }));
    expect(resultFor(await scan(), ID, 'account', 'us-east-1').status).toBe('PASS');
  });

  it('passes a public-bucket Config rule with the recorder on, but not without it', async () => {
    await addConfigRule('us-east-1', 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', true);
    await addConfigRule('eu-west-1', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', false);
    const report = await scan();
    const us = resultFor(report, ID, 'account', 'us-east-1');
    expect(us.status).toBe('PASS');
    expect(us.message).toContain('Config rule public-buckets (S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED)');
    expect(resultFor(report, ID, 'account', 'eu-west-1').status).toBe('FAIL');
  });

  it('passes an EventBridge rule for bucket policy changes with a target, but not one without', async () => {
    const pattern = { source: ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['PutBucketPolicy', 'PutBucketAcl'] } };
    await addEventRule('us-east-1', pattern, true);
    await addEventRule('eu-west-1', pattern, false);
    const report = await scan();
    const us = resultFor(report, ID, 'account', 'us-east-1');
    expect(us.status).toBe('PASS');
    expect(us.message).toContain('EventBridge rule bucket-exposure');
    expect(resultFor(report, ID, 'account', 'eu-west-1').status).toBe('FAIL');
  });

  it('reports ERROR, not FAIL, when a source cannot be read and no other source is found', async () => {
    aws.client(GuardDutyClient, 'us-east-1').middlewareStack.add(
      () => async () => {
        throw Object.assign(new Error('not authorized'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
      },
      { step: 'initialize', name: 'denyGuardDuty' },
    );
    const result = resultFor(await scanChecks([s3PublicBucketMonitoring], { aws }), ID, 'account', 'us-east-1');
    expect(result.status).toBe('ERROR');
    expect(result.message).toMatch(/could not read GuardDuty \(access denied/);
  });
});

describe('matchesExposureChanges', () => {
  it.each([
    [{ source: ['aws.s3'] }, true],
    [{ source: ['aws.s3'], 'detail-type': ['AWS API Call via CloudTrail'], detail: { eventName: ['DeletePublicAccessBlock'] } }, true],
    [{ source: ['aws.s3'], 'detail-type': ['Object Created'] }, false],
    [{ source: ['aws.s3'], detail: { eventName: ['PutObject'] } }, false],
    [{ source: ['aws.ec2'] }, false],
  ])('%j → %s', (pattern, expected) => {
    expect(matchesExposureChanges(JSON.stringify(pattern))).toBe(expected);
  });

  it('does not match a missing or malformed pattern', () => {
    expect(matchesExposureChanges(undefined)).toBe(false);
    expect(matchesExposureChanges('{not json')).toBe(false);
  });
});
