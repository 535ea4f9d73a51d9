import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  CreateLoadBalancerCommand,
  ElasticLoadBalancingV2Client,
  type CreateLoadBalancerCommandInput,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsAccess } from '../../../src/aws/clients';

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
