import {
  ConfigServiceClient,
  PutConfigRuleCommand,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
} from '@aws-sdk/client-config-service';
import { EventBridgeClient, PutRuleCommand, PutTargetsCommand, type RuleState } from '@aws-sdk/client-eventbridge';
import { CreateDetectorCommand, GuardDutyClient } from '@aws-sdk/client-guardduty';
import type { AwsAccess } from '../../../src/aws/clients';
import { configRecorderEnabled } from '../../../src/checks/detection/configRecorder';
import { guardDutyEnabled } from '../../../src/checks/detection/guardDutyEnabled';
import { guardDutyFindingsRouted } from '../../../src/checks/detection/guardDutyFindingAlerts';
import { s3PublicBucketMonitoring } from '../../../src/checks/s3/publicBucketMonitoring';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createBucket } from './support';

const ID = 's3_public_bucket_monitoring';
const REGIONS = ['us-east-1', 'eu-west-1'];
const topic = (region: string) => `arn:aws:sns:${region}:${ACCOUNT_ID}:security-alerts`;

const EXPOSURE_CALLS = ['PutBucketPolicy', 'PutBucketAcl', 'DeletePublicAccessBlock', 'PutPublicAccessBlock'];
const apiCalls = (eventName: string[] = EXPOSURE_CALLS, extra: object = {}) => ({
  source: ['aws.s3'],
  'detail-type': ['AWS API Call via CloudTrail'],
  detail: { eventSource: ['s3.amazonaws.com'], eventName, ...extra },
});
const guardDutyFindings = { source: ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'] };

describe('s3_public_bucket_monitoring (FTR-10.3) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  const scan = () => scanChecks([s3PublicBucketMonitoring], { aws, regions: REGIONS });

  async function addConfigRule(region: string, sourceIdentifier: string, recording: boolean) {
    const config = aws.client(ConfigServiceClient, region);
    await config.send(new PutConfigRuleCommand({ ConfigRule: { ConfigRuleName: 'public-buckets', Source: { Owner: 'AWS', SourceIdentifier: sourceIdentifier } } }));
    if (!recording) return;
    await createBucket(aws, `config-${region}`, region);
    await config.send(new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${ACCOUNT_ID}:role/config` } }));
    await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: `config-${region}` } }));
    await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
  }

  async function addEventRule(region: string, name: string, pattern: object, targets: string[], state: RuleState = 'ENABLED') {
    const events = aws.client(EventBridgeClient, region);
    await events.send(new PutRuleCommand({ Name: name, EventPattern: JSON.stringify(pattern), State: state }));
    if (targets.length > 0) await events.send(new PutTargetsCommand({ Rule: name, Targets: targets.map((Arn, i) => ({ Id: `t${i}`, Arn })) }));
  }

  const s3Protection = (region: string) =>
    aws.client(GuardDutyClient, region).send(new CreateDetectorCommand({ Enable: true, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] }));

  it('judges only regions with buckets, and fails one with no monitoring at all', async () => {
    await createBucket(aws, 'us-data');
    const report = await scan();
    const us = resultFor(report, ID, 'account', 'us-east-1');
    expect(us.status).toBe('FAIL');
    expect(us.message).toBe(
      'Nothing alerts people when bucket us-data in us-east-1 becomes public: GuardDuty is off; no public-bucket AWS Config rule is active; no enabled EventBridge rule delivers CloudTrail records of S3 access changes to people.',
    );
    const eu = resultFor(report, ID, 'account', 'eu-west-1');
    expect(eu.status).toBe('NOT_APPLICABLE');
    expect(eu.message).toBe('No S3 bucket is in eu-west-1, so none can become public here.');
  });

  it('does not count GuardDuty S3 protection whose findings no rule delivers to people', async () => {
    await createBucket(aws, 'eu-data', 'eu-west-1');
    const { DetectorId } = await s3Protection('eu-west-1');
    const result = resultFor(await scan(), ID, 'account', 'eu-west-1');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain(`no enabled EventBridge rule delivers GuardDuty detector ${DetectorId} (S3 protection) findings to people`);
  });

  it('passes GuardDuty S3 protection whose findings a rule delivers to a topic, in that region only', async () => {
    await createBucket(aws, 'us-data');
    await createBucket(aws, 'eu-data', 'eu-west-1');
    const { DetectorId } = await s3Protection('eu-west-1');
    await aws.client(GuardDutyClient, 'us-east-1').send(new CreateDetectorCommand({ Enable: true }));
    await addEventRule('eu-west-1', 'gd-alerts', guardDutyFindings, [topic('eu-west-1')]);
    await addEventRule('us-east-1', 'gd-alerts', guardDutyFindings, [topic('us-east-1')]);
    const report = await scan();
    const eu = resultFor(report, ID, 'account', 'eu-west-1');
    expect(eu.status).toBe('PASS');
    expect(eu.message).toBe(
      `A bucket becoming public in eu-west-1 is alerted on: GuardDuty detector ${DetectorId} (S3 protection) findings through EventBridge rule gd-alerts to ${topic('eu-west-1')}.`,
    );
    const us = resultFor(report, ID, 'account', 'us-east-1');
    expect(us.status).toBe('FAIL');
    expect(us.message).toContain('GuardDuty S3 protection is off');
  });

  it('does not count a GuardDuty rule filtered to low severities, which leaves out public-bucket findings', async () => {
    await createBucket(aws, 'us-data');
    await s3Protection('us-east-1');
    await addEventRule('us-east-1', 'gd-low', { ...guardDutyFindings, detail: { severity: [{ numeric: ['<', 4] }] } }, [topic('us-east-1')]);
    expect(resultFor(await scan(), ID, 'account', 'us-east-1').status).toBe('FAIL');
  });

  it('accepts the legacy S3Logs data source as S3 protection', async () => {
    await createBucket(aws, 'us-data');
    await aws.client(GuardDutyClient, 'us-east-1').send(new CreateDetectorCommand({ Enable: true, DataSources: { S3Logs: { Enable: true } } }));
    await addEventRule('us-east-1', 'gd-alerts', guardDutyFindings, [topic('us-east-1')]);
    expect(resultFor(await scan(), ID, 'account', 'us-east-1').status).toBe('PASS');
  });

  it('passes a public-bucket Config rule with the recorder on and its results routed, but not without the recorder or the route', async () => {
    await createBucket(aws, 'us-data');
    await createBucket(aws, 'eu-data', 'eu-west-1');
    await addConfigRule('us-east-1', 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', true);
    await addConfigRule('eu-west-1', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', false);
    const compliance = {
      source: ['aws.config'],
      'detail-type': ['Config Rules Compliance Change'],
      detail: { configRuleName: ['public-buckets'], newEvaluationResult: { complianceType: ['NON_COMPLIANT'] } },
    };
    await addEventRule('eu-west-1', 'config-alerts', compliance, [topic('eu-west-1')]);
    const unrouted = resultFor(await scan(), ID, 'account', 'us-east-1');
    expect(unrouted.status).toBe('FAIL');
    expect(unrouted.message).toContain('no enabled EventBridge rule delivers Config rule public-buckets (S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED) results to people');

    await addEventRule('us-east-1', 'config-alerts', compliance, [`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:ftr-alerts`]);
    const report = await scan();
    const us = resultFor(report, ID, 'account', 'us-east-1');
    expect(us.status).toBe('PASS');
    expect(us.message).toContain('Config rule public-buckets (S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED) results through EventBridge rule config-alerts');
    const eu = resultFor(report, ID, 'account', 'eu-west-1');
    expect(eu.status).toBe('FAIL');
    expect(eu.message).toContain('Config rule public-buckets does not evaluate because no configuration recorder is recording S3 buckets');
  });

  it('passes a rule routing every access-changing S3 call to a target that reaches people', async () => {
    await createBucket(aws, 'us-data');
    await addEventRule('us-east-1', 'bucket-exposure', apiCalls(), [`arn:aws:sqs:us-east-1:${ACCOUNT_ID}:ftr-alerts`]);
    const result = resultFor(await scan(), ID, 'account', 'us-east-1');
    expect(result.status).toBe('PASS');
    expect(result.message).toBe(
      `A bucket becoming public in us-east-1 is alerted on: CloudTrail records of S3 access changes through EventBridge rule bucket-exposure to arn:aws:sqs:us-east-1:${ACCOUNT_ID}:ftr-alerts.`,
    );
  });

  it('fails a rule that leaves out lifting Block Public Access, naming the calls nobody hears of', async () => {
    await createBucket(aws, 'us-data');
    await addEventRule('us-east-1', 'policy-and-acl', apiCalls(['PutBucketPolicy', 'PutBucketAcl']), [topic('us-east-1')]);
    const result = resultFor(await scan(), ID, 'account', 'us-east-1');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain(
      'no enabled EventBridge rule delivers CloudTrail records of S3 access changes for DeletePublicAccessBlock, PutPublicAccessBlock to people',
    );
  });

  it('fails rules that are disabled, have no targets, or only target a log group', async () => {
    await createBucket(aws, 'us-data');
    await addEventRule('us-east-1', 'off', apiCalls(), [topic('us-east-1')], 'DISABLED');
    await addEventRule('us-east-1', 'nowhere', apiCalls(), []);
    await addEventRule('us-east-1', 'to-logs', apiCalls(), [`arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/s3-changes`]);
    const result = resultFor(await scan(), ID, 'account', 'us-east-1');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('rule off is disabled');
    expect(result.message).toContain('rule nowhere has no targets');
    expect(result.message).toContain(`rule to-logs only targets arn:aws:logs:us-east-1:${ACCOUNT_ID}:log-group:/s3-changes, so nobody is notified`);
  });

  it('judges every bucket of the region: a rule scoped to one bucket leaves the others unwatched', async () => {
    await createBucket(aws, 'watched');
    await createBucket(aws, 'unwatched');
    await addEventRule('us-east-1', 'one-bucket', apiCalls(EXPOSURE_CALLS, { requestParameters: { bucketName: ['watched'] } }), [topic('us-east-1')]);
    const result = resultFor(await scan(), ID, 'account', 'us-east-1');
    expect(result.status).toBe('FAIL');
    expect(result.message).toMatch(/^Nothing alerts people when bucket unwatched in us-east-1 becomes public: /);

    await createBucket(aws, 'also-unwatched');
    const two = resultFor(await scan(), ID, 'account', 'us-east-1').message;
    expect(two).toMatch(/^Nothing alerts people when any of 2 of the 3 buckets \(.*\) in us-east-1 becomes public: /);
    expect(two).toContain('also-unwatched');
    expect(two).not.toMatch(/[ (]watched/);
  });

  it('reports ERROR, not FAIL, when a source cannot be read and no alert is found', async () => {
    await createBucket(aws, 'us-data');
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

  it('reads detectors, recorders and rules once per region, shared with the detection checks', async () => {
    await createBucket(aws, 'us-data');
    await createBucket(aws, 'eu-data', 'eu-west-1');
    await s3Protection('us-east-1');
    await addConfigRule('us-east-1', 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', true);
    await addEventRule('us-east-1', 'gd-alerts', guardDutyFindings, [topic('us-east-1')]);
    const report = await scanChecks([s3PublicBucketMonitoring, guardDutyEnabled, configRecorderEnabled, guardDutyFindingsRouted], { aws, regions: REGIONS });
    const calls = report.summary.awsRequests.byOperation;
    expect(calls['guardduty:ListDetectors']).toBe(2);
    expect(calls['guardduty:GetDetector']).toBe(1);
    expect(calls['eventbridge:ListRules']).toBe(2);
    expect(calls['eventbridge:ListTargetsByRule']).toBe(1);
    expect(calls['configservice:DescribeConfigurationRecorders']).toBe(2);
    expect(calls['configservice:DescribeConfigurationRecorderStatus']).toBe(2);
  });
});
