import { EC2Client, paginateDescribeSecurityGroups, type SecurityGroup } from '@aws-sdk/client-ec2';
import { defineInventory } from '../inventory';

/** The region's security groups with their rules: one paged DescribeSecurityGroups walk per region. */
export const securityGroups = defineInventory<SecurityGroup[]>('ec2.securityGroups', 'regional', async (ctx, region) => {
  const all: SecurityGroup[] = [];
  for await (const page of paginateDescribeSecurityGroups({ client: ctx.aws.client(EC2Client, region) }, { MaxResults: 1000 })) {
    all.push(...(page.SecurityGroups ?? []));
  }
  return all;
});
