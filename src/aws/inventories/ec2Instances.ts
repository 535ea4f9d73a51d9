import { EC2Client, paginateDescribeInstances, type Instance } from '@aws-sdk/client-ec2';
import { defineInventory } from '../inventory';

/** The region's running EC2 instances: one paged DescribeInstances walk per region. */
export const runningInstances = defineInventory<Instance[]>('ec2.runningInstances', 'regional', async (ctx, region) => {
  const all: Instance[] = [];
  const pages = paginateDescribeInstances(
    { client: ctx.aws.client(EC2Client, region) },
    { Filters: [{ Name: 'instance-state-name', Values: ['running'] }], MaxResults: 1000 },
  );
  for await (const page of pages) for (const reservation of page.Reservations ?? []) all.push(...(reservation.Instances ?? []));
  return all;
});

/** An EC2 instance's ARN. */
export function instanceArn(region: string, accountId: string, instanceId: string): string {
  return `arn:aws:ec2:${region}:${accountId}:instance/${instanceId}`;
}
