import {
  ConfigServiceClient,
  PutConfigurationRecorderCommand,
  PutDeliveryChannelCommand,
  StartConfigurationRecorderCommand,
  type RecordingGroup,
} from '@aws-sdk/client-config-service';
import { CreateDetectorCommand, GuardDutyClient, UpdateDetectorCommand } from '@aws-sdk/client-guardduty';
import {
  DescribeHubCommand,
  EnableSecurityHubCommand,
  GetEnabledStandardsCommand,
  SecurityHubClient,
  SecurityHubServiceException,
} from '@aws-sdk/client-securityhub';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { configRecorderEnabled } from '../../../src/checks/detection/configRecorder';
import { guardDutyEnabled } from '../../../src/checks/detection/guardDutyEnabled';
import { securityHubEnabled } from '../../../src/checks/detection/securityHubEnabled';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

describe('detection services (WAS-DET-1, WAS-DET-3) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  describe('guardduty_is_enabled', () => {
    it('passes an enabled detector and fails a region without one', async () => {
      const id = (await aws.client(GuardDutyClient, 'us-east-1').send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
      const report = await scanChecks([guardDutyEnabled], { aws, regions: ['us-east-1', 'eu-west-1'] });
      const enabled = resultFor(report, 'guardduty_is_enabled', `arn:aws:guardduty:us-east-1:123456789012:detector/${id}`, 'us-east-1');
      expect(enabled.status).toBe('PASS');
      expect(enabled.message).toBe(`GuardDuty detector ${id} is enabled in us-east-1.`);
      const missing = resultFor(report, 'guardduty_is_enabled', 'account', 'eu-west-1');
      expect(missing.status).toBe('FAIL');
      expect(missing.message).toContain('no detector in eu-west-1');
    });

    it('fails a suspended detector', async () => {
      const guardDuty = aws.client(GuardDutyClient, 'us-east-1');
      const id = (await guardDuty.send(new CreateDetectorCommand({ Enable: true }))).DetectorId!;
      await guardDuty.send(new UpdateDetectorCommand({ DetectorId: id, Enable: false }));
      const result = resultFor(await scanChecks([guardDutyEnabled], { aws }), 'guardduty_is_enabled', `arn:aws:guardduty:us-east-1:123456789012:detector/${id}`);
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('suspended');
    });
  });

  describe('securityhub_enabled', () => {
    const hubArn = `arn:aws:securityhub:us-east-1:${ACCOUNT_ID}:hub/default`;

    it('fails a region where Security Hub is not enabled', async () => {
      const result = resultFor(await scanChecks([securityHubEnabled], { aws }), 'securityhub_enabled', 'account', 'us-east-1');
      expect(result.status).toBe('FAIL');
      expect(result.message).toBe('Security Hub is not enabled in us-east-1.');
    });

    it('passes an enabled hub and says its standards are unknown when only GetEnabledStandards fails', async () => {
      // moto answers GetEnabledStandards with a 404 HTML page: exactly the "standards unreadable" case.
      await aws.client(SecurityHubClient, 'us-east-1').send(new EnableSecurityHubCommand({}));
      const result = resultFor(await scanChecks([securityHubEnabled], { aws }), 'securityhub_enabled', hubArn);
      expect(result.status).toBe('PASS');
      expect(result.message).toMatch(/^Security Hub is enabled in us-east-1, its enabled standards are unknown \(/);
    });

    describe('with GetEnabledStandards answered in the API reference shape', () => {
      // DescribeHub still goes to moto through an unmocked client; only GetEnabledStandards is stubbed.
      const motoAccess = testAccess();
      afterAll(() => motoAccess.destroy());

      function stubStandards(subscriptions: object[]) {
        const hub = mockClient(aws.client(SecurityHubClient, 'us-east-1'));
        hub.on(DescribeHubCommand).callsFake((input) => motoAccess.client(SecurityHubClient, 'us-east-1').send(new DescribeHubCommand(input)));
        hub.on(GetEnabledStandardsCommand).resolves({ StandardsSubscriptions: subscriptions as never });
        return hub;
      }

      it('names the enabled standards and leaves out ones being removed', async () => {
        await aws.client(SecurityHubClient, 'us-east-1').send(new EnableSecurityHubCommand({}));
        const hub = stubStandards([
          {
            StandardsSubscriptionArn: `arn:aws:securityhub:us-east-1:${ACCOUNT_ID}:subscription/aws-foundational-security-best-practices/v/1.0.0`,
            StandardsArn: 'arn:aws:securityhub:us-east-1::standards/aws-foundational-security-best-practices/v/1.0.0',
            StandardsInput: {},
            StandardsStatus: 'READY',
          },
          {
            StandardsSubscriptionArn: `arn:aws:securityhub:us-east-1:${ACCOUNT_ID}:subscription/cis-aws-foundations-benchmark/v/1.2.0`,
            StandardsArn: 'arn:aws:securityhub:::ruleset/cis-aws-foundations-benchmark/v/1.2.0',
            StandardsInput: {},
            StandardsStatus: 'READY',
          },
          {
            StandardsSubscriptionArn: `arn:aws:securityhub:us-east-1:${ACCOUNT_ID}:subscription/pci-dss/v/3.2.1`,
            StandardsArn: 'arn:aws:securityhub:us-east-1::standards/pci-dss/v/3.2.1',
            StandardsInput: {},
            StandardsStatus: 'DELETING',
          },
        ]);
        try {
          const result = resultFor(await scanChecks([securityHubEnabled], { aws }), 'securityhub_enabled', hubArn);
          expect(result.status).toBe('PASS');
          expect(result.message).toBe(
            'Security Hub is enabled in us-east-1, enabled standards: aws-foundational-security-best-practices/v/1.0.0, cis-aws-foundations-benchmark/v/1.2.0.',
          );
        } finally {
          hub.restore();
        }
      });

      it('says so when the hub runs no standard', async () => {
        await aws.client(SecurityHubClient, 'us-east-1').send(new EnableSecurityHubCommand({}));
        const hub = stubStandards([]);
        try {
          const result = resultFor(await scanChecks([securityHubEnabled], { aws }), 'securityhub_enabled', hubArn);
          expect(result.message).toContain('no security standards enabled');
        } finally {
          hub.restore();
        }
      });
    });

    it('reports ERROR, not FAIL, when DescribeHub is denied', async () => {
      const hub = mockClient(aws.client(SecurityHubClient, 'us-east-1'));
      hub.on(DescribeHubCommand).rejects(
        new SecurityHubServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform securityhub:DescribeHub' }),
      );
      try {
        const result = resultFor(await scanChecks([securityHubEnabled], { aws }), 'securityhub_enabled', 'account');
        expect(result.status).toBe('ERROR');
        expect(result.message).toContain('access denied');
      } finally {
        hub.restore();
      }
    });
  });

  describe('config_recorder_all_regions_enabled', () => {
    async function record(recordingGroup: RecordingGroup, start: boolean) {
      const config = aws.client(ConfigServiceClient, 'us-east-1');
      await config.send(
        new PutConfigurationRecorderCommand({ ConfigurationRecorder: { name: 'default', roleARN: `arn:aws:iam::${ACCOUNT_ID}:role/config`, recordingGroup } }),
      );
      await config.send(new PutDeliveryChannelCommand({ DeliveryChannel: { name: 'default', s3BucketName: 'config-bucket' } }));
      if (start) await config.send(new StartConfigurationRecorderCommand({ ConfigurationRecorderName: 'default' }));
    }

    it('passes a recorder recording all supported types and fails a region without one', async () => {
      await record({ allSupported: true, includeGlobalResourceTypes: true }, true);
      const report = await scanChecks([configRecorderEnabled], { aws, regions: ['us-east-1', 'eu-west-1'] });
      const recording = resultFor(report, 'config_recorder_all_regions_enabled', 'default', 'us-east-1');
      expect(recording.status).toBe('PASS');
      expect(recording.message).toBe('AWS Config recorder default in us-east-1 is recording all supported resource types, global ones included.');
      const missing = resultFor(report, 'config_recorder_all_regions_enabled', 'account', 'eu-west-1');
      expect(missing.status).toBe('FAIL');
      expect(missing.message).toBe('AWS Config has no configuration recorder in eu-west-1.');
    });

    it('fails a stopped recorder', async () => {
      await record({ allSupported: true, includeGlobalResourceTypes: true }, false);
      const result = resultFor(await scanChecks([configRecorderEnabled], { aws }), 'config_recorder_all_regions_enabled', 'default');
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('is stopped');
    });

    it('fails a recorder that excludes resource types, naming them', async () => {
      await record(
        {
          allSupported: false,
          includeGlobalResourceTypes: false,
          exclusionByResourceTypes: { resourceTypes: ['AWS::S3::Bucket', 'AWS::IAM::Role'] },
          recordingStrategy: { useOnly: 'EXCLUSION_BY_RESOURCE_TYPES' },
        },
        true,
      );
      const result = resultFor(await scanChecks([configRecorderEnabled], { aws }), 'config_recorder_all_regions_enabled', 'default');
      expect(result.status).toBe('FAIL');
      expect(result.message).toBe(
        'AWS Config recorder default in us-east-1 is recording all supported resource types except AWS::S3::Bucket, AWS::IAM::Role, so changes to those are not tracked.',
      );
    });

    it('fails a recorder that records only selected resource types', async () => {
      await record(
        { allSupported: false, includeGlobalResourceTypes: false, resourceTypes: ['AWS::EC2::Instance', 'AWS::S3::Bucket'], recordingStrategy: { useOnly: 'INCLUSION_BY_RESOURCE_TYPES' } },
        true,
      );
      const result = resultFor(await scanChecks([configRecorderEnabled], { aws }), 'config_recorder_all_regions_enabled', 'default');
      expect(result.status).toBe('FAIL');
      expect(result.message).toContain('only 2 selected resource types (AWS::EC2::Instance, AWS::S3::Bucket)');
    });
  });
});
