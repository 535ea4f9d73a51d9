import { vpcArn } from '../../../src/aws/inventories/vpcs';
import { CreateFlowLogsCommand, CreateSubnetCommand, CreateVpcCommand, DescribeVpcsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { ElasticLoadBalancingClient, ModifyLoadBalancerAttributesCommand as ModifyClassicAttributesCommand } from '@aws-sdk/client-elastic-load-balancing';
import { ElasticLoadBalancingV2Client, ModifyLoadBalancerAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { CreateBucketCommand, S3Client } from '@aws-sdk/client-s3';
import type { AwsAccess } from '../../../src/aws/clients';
import { elbv2AccessLogsEnabled } from '../../../src/checks/detection/elbAccessLogs';
import { vpcFlowLogsEnabled } from '../../../src/checks/detection/vpcFlowLogs';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { createClassicLoadBalancer, createLoadBalancer, createSubnets, denyCalls, expectDeclaredActions } from '../network/loadBalancerFixtures';

describe('service-level logging (WAS-DET-2) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  describe('vpc_flow_logs_enabled', () => {
    it('passes a VPC with an active flow log and fails every VPC without one, the default VPC included', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'central-flow-logs' }));
      const logged = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
      const unlogged = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.1.0.0/16' }))).Vpc!.VpcId!;
      const defaultVpc = (await ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }))).Vpcs![0].VpcId!;
      const created = await ec2.send(
        new CreateFlowLogsCommand({ ResourceIds: [logged], ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::central-flow-logs' }),
      );
      expect(created.Unsuccessful).toEqual([]);

      const report = await scanChecks([vpcFlowLogsEnabled], { aws });
      const pass = resultFor(report, 'vpc_flow_logs_enabled', vpcArn('us-east-1', ACCOUNT_ID, logged));
      expect(pass.status).toBe('PASS');
      expect(pass.message).toBe(`VPC ${logged} has active flow log ${created.FlowLogIds![0]} (ALL traffic to s3 arn:aws:s3:::central-flow-logs).`);
      for (const vpc of [unlogged, defaultVpc]) {
        const fail = resultFor(report, 'vpc_flow_logs_enabled', vpcArn('us-east-1', ACCOUNT_ID, vpc));
        expect(fail.status).toBe('FAIL');
        expect(fail.message).toBe(`VPC ${vpc} has no flow log, so its network traffic is not recorded.`);
      }
    });

    it('does not count a subnet flow log for its VPC and reads flow logs in one walk per region', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      await aws.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'central-flow-logs' }));
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
      const subnet = (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: '10.0.1.0/24' }))).Subnet!.SubnetId!;
      await ec2.send(
        new CreateFlowLogsCommand({ ResourceIds: [subnet], ResourceType: 'Subnet', TrafficType: 'ALL', LogDestinationType: 's3', LogDestination: 'arn:aws:s3:::central-flow-logs' }),
      );
      const report = await scanChecks([vpcFlowLogsEnabled], { aws });
      expect(resultFor(report, 'vpc_flow_logs_enabled', vpcArn('us-east-1', ACCOUNT_ID, vpc)).status).toBe('FAIL');
      expect(report.summary.awsRequests.byOperation['ec2:DescribeFlowLogs']).toBe(1);
    });

    it('fails a VPC whose only flow log cannot deliver', async () => {
      const ec2 = aws.client(EC2Client, 'us-east-1');
      const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
      // moto marks a CloudWatch Logs delivery whose role it cannot use as FAILED, as AWS does.
      await ec2.send(
        new CreateFlowLogsCommand({ ResourceIds: [vpc], ResourceType: 'VPC', TrafficType: 'REJECT', LogGroupName: 'flow', DeliverLogsPermissionArn: `arn:aws:iam::${ACCOUNT_ID}:role/missing` }),
      );
      const result = resultFor(await scanChecks([vpcFlowLogsEnabled], { aws }), 'vpc_flow_logs_enabled', vpcArn('us-east-1', ACCOUNT_ID, vpc));
      expect(result.status).toBe('FAIL');
      expect(result.message).toMatch(/has no working flow log: fl-\w+ is ACTIVE, delivery FAILED/);
    });
  });

  describe('elbv2_logging_enabled', () => {
    async function setAccessLogs(lbArn: string, enabled: boolean) {
      await aws.client(ElasticLoadBalancingV2Client, 'us-east-1').send(
        new ModifyLoadBalancerAttributesCommand({
          LoadBalancerArn: lbArn,
          Attributes: [
            { Key: 'access_logs.s3.enabled', Value: String(enabled) },
            { Key: 'access_logs.s3.bucket', Value: enabled ? 'central-elb-logs' : '' },
            { Key: 'access_logs.s3.prefix', Value: enabled ? 'shop' : '' },
          ],
        }),
      );
    }

    it('passes a load balancer writing access logs, fails one that does not, and skips Gateway Load Balancers', async () => {
      const subnets = await createSubnets(aws);
      const logged = await createLoadBalancer(aws, subnets, { Name: 'shop', Type: 'application' });
      const unlogged = await createLoadBalancer(aws, subnets, { Name: 'api', Type: 'network' });
      const gateway = await createLoadBalancer(aws, subnets, { Name: 'inspection', Type: 'gateway' });
      await setAccessLogs(logged.LoadBalancerArn!, true);
      await setAccessLogs(unlogged.LoadBalancerArn!, false);

      const report = await scanChecks([elbv2AccessLogsEnabled], { aws });
      const pass = resultFor(report, 'elbv2_logging_enabled', logged.LoadBalancerArn!);
      expect(pass.status).toBe('PASS');
      expect(pass.message).toBe('Load balancer shop writes access logs to s3://central-elb-logs/shop.');
      const fail = resultFor(report, 'elbv2_logging_enabled', unlogged.LoadBalancerArn!);
      expect(fail.status).toBe('FAIL');
      expect(fail.message).toBe('Load balancer api does not write access logs.');
      expect(report.results.some((r) => r.resource === gateway.LoadBalancerArn)).toBe(false);
      await expectDeclaredActions(elbv2AccessLogsEnabled);
    });

    it('reports ERROR for a load balancer whose attributes are denied and still judges the others', async () => {
      const subnets = await createSubnets(aws);
      const denied = await createLoadBalancer(aws, subnets, { Name: 'secret', Type: 'application' });
      const logged = await createLoadBalancer(aws, subnets, { Name: 'shop', Type: 'application' });
      await setAccessLogs(logged.LoadBalancerArn!, true);
      denyCalls(aws, ElasticLoadBalancingV2Client, 'DescribeLoadBalancerAttributesCommand', (input) => input.LoadBalancerArn === denied.LoadBalancerArn);
      const report = await scanChecks([elbv2AccessLogsEnabled], { aws });
      const error = resultFor(report, 'elbv2_logging_enabled', denied.LoadBalancerArn!);
      expect(error.status).toBe('ERROR');
      expect(error.message).toMatch(/^Could not read the attributes of load balancer secret: access denied/);
      expect(resultFor(report, 'elbv2_logging_enabled', logged.LoadBalancerArn!).status).toBe('PASS');
    });

    describe('classic load balancers', () => {
      const setClassicAccessLogs = (name: string, enabled: boolean) =>
        aws.client(ElasticLoadBalancingClient, 'us-east-1').send(
          new ModifyClassicAttributesCommand({
            LoadBalancerName: name,
            LoadBalancerAttributes: { AccessLog: enabled ? { Enabled: true, S3BucketName: 'central-elb-logs', S3BucketPrefix: 'legacy', EmitInterval: 60 } : { Enabled: false } },
          }),
        );
      const http = [{ Protocol: 'HTTP', LoadBalancerPort: 80, InstancePort: 80 }];

      it('passes a classic load balancer writing access logs and fails one that does not, under their ARNs', async () => {
        const logged = await createClassicLoadBalancer(aws, 'legacy', http);
        const unlogged = await createClassicLoadBalancer(aws, 'forgotten', http, 'internal');
        await setClassicAccessLogs('legacy', true);
        await setClassicAccessLogs('forgotten', false);

        const report = await scanChecks([elbv2AccessLogsEnabled], { aws });
        expect(resultFor(report, 'elbv2_logging_enabled', logged)).toMatchObject({
          status: 'PASS',
          message: 'Classic load balancer legacy writes access logs to s3://central-elb-logs/legacy.',
        });
        expect(resultFor(report, 'elbv2_logging_enabled', unlogged)).toMatchObject({ status: 'FAIL', message: 'Classic load balancer forgotten does not write access logs.' });
        await expectDeclaredActions(elbv2AccessLogsEnabled);
      });

      it('reports ERROR for a classic load balancer whose attributes are denied', async () => {
        const denied = await createClassicLoadBalancer(aws, 'secret', http);
        denyCalls(aws, ElasticLoadBalancingClient, 'DescribeLoadBalancerAttributesCommand');
        const error = resultFor(await scanChecks([elbv2AccessLogsEnabled], { aws }), 'elbv2_logging_enabled', denied);
        expect(error.status).toBe('ERROR');
        expect(error.message).toMatch(/^Could not read the attributes of classic load balancer secret: access denied/);
      });
    });

    it('reports ERROR, not PASS, when the access log attribute is missing', async () => {
      // moto omits access_logs.s3.enabled until it is set; AWS always returns it.
      const lb = await createLoadBalancer(aws, await createSubnets(aws), { Name: 'fresh', Type: 'application' });
      const result = resultFor(await scanChecks([elbv2AccessLogsEnabled], { aws }), 'elbv2_logging_enabled', lb.LoadBalancerArn!);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('did not report whether access logging is on');
    });
  });
});
