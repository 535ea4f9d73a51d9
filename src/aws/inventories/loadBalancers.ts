import { ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers, type LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { defineInventory } from '../inventory';

/** The region's Application, Network and Gateway load balancers: one paged walk per region and scan. */
export const loadBalancers = defineInventory<LoadBalancer[]>('elbv2.loadBalancers', 'regional', async (ctx, region) => {
  const all: LoadBalancer[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client: ctx.aws.client(ElasticLoadBalancingV2Client, region) }, {})) {
    all.push(...(page.LoadBalancers ?? []));
  }
  return all;
});
