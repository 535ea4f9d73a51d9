import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CreateLoadBalancerCommand as CreateClassicLoadBalancerCommand, ElasticLoadBalancingClient, type Listener as ClassicListener } from '@aws-sdk/client-elastic-load-balancing';
import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
  type CreateLoadBalancerCommandInput,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsAccess, SdkClient, SdkClientConstructor } from '../../../src/aws/clients';
import type { Check } from '../../../src/core/types';
import { ACCOUNT_ID, scanChecks } from '../../support/aws';
import { undeclaredActions } from '../../support/iamActions';

/** A VPC with two subnets in us-east-1, enough for moto to create load balancers. */
export async function createSubnets(aws: AwsAccess): Promise<string[]> {
  const ec2 = aws.client(EC2Client, 'us-east-1');
  const vpc = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.0.0.0/16' }))).Vpc!.VpcId!;
  return Promise.all(
    ['us-east-1a', 'us-east-1b'].map(async (az, i) => (await ec2.send(new CreateSubnetCommand({ VpcId: vpc, CidrBlock: `10.0.${i}.0/24`, AvailabilityZone: az }))).Subnet!.SubnetId!),
  );
}

/** Creates one load balancer in the given subnets and returns it as ELB describes it. */
export async function createLoadBalancer(aws: AwsAccess, subnets: string[], input: Omit<CreateLoadBalancerCommandInput, 'Subnets'>): Promise<LoadBalancer> {
  const out = await aws.client(ElasticLoadBalancingV2Client, 'us-east-1').send(new CreateLoadBalancerCommand({ ...input, Subnets: subnets }));
  return out.LoadBalancers![0];
}

/** Creates one Classic Load Balancer in us-east-1 and returns the ARN the checks report it under. */
export async function createClassicLoadBalancer(aws: AwsAccess, name: string, listeners: ClassicListener[], scheme: 'internet-facing' | 'internal' = 'internet-facing'): Promise<string> {
  await aws.client(ElasticLoadBalancingClient, 'us-east-1').send(
    new CreateClassicLoadBalancerCommand({ LoadBalancerName: name, Listeners: listeners, AvailabilityZones: ['us-east-1a'], Scheme: scheme }),
  );
  return `arn:aws:elasticloadbalancing:us-east-1:${ACCOUNT_ID}:loadbalancer/${name}`;
}

/** Makes every `command` call of the client of `Ctor` (in us-east-1) that `applies` selects fail with AccessDenied. */
export function denyCalls(aws: AwsAccess, Ctor: SdkClientConstructor<SdkClient>, command: string, applies: (input: any) => boolean = () => true): void {
  aws.client(Ctor, 'us-east-1').middlewareStack.add(
    (next: any, context: any) => async (args: any) => {
      if (context.commandName !== command || !applies(args.input)) return next(args);
      throw Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } });
    },
    { step: 'initialize', name: `deny${command}` },
  );
}

/** Scans again with a fresh access layer and asserts that every request the check made is one of the IAM actions it declares. */
export async function expectDeclaredActions(check: Check): Promise<void> {
  const report = await scanChecks([check]);
  expect(undeclaredActions(check, report.summary.awsRequests.byOperation)).toEqual([]);
}
