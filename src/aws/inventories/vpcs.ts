import { EC2Client, paginateDescribeVpcs, type Vpc } from '@aws-sdk/client-ec2';
import { defineInventory } from '../inventory';

/** The region's VPCs, the default VPC included: one paged DescribeVpcs walk per region. */
export const vpcs = defineInventory<Vpc[]>('ec2.vpcs', 'regional', async (ctx, region) => {
  const all: Vpc[] = [];
  for await (const page of paginateDescribeVpcs({ client: ctx.aws.client(EC2Client, region) }, { MaxResults: 1000 })) all.push(...(page.Vpcs ?? []));
  return all;
});

/** A VPC's ARN. */
export function vpcArn(region: string, accountId: string, vpcId: string): string {
  return `arn:aws:ec2:${region}:${accountId}:vpc/${vpcId}`;
}
