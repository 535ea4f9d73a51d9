import { DescribeSSLPoliciesCommand, ElasticLoadBalancingV2Client, paginateDescribeLoadBalancers, type LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import type { CheckContext, Finding } from '../../core/types';
import { describeError } from '../errors';
import { defineInventory } from '../inventory';

/** What listing load balancers asks: one IAM action names DescribeLoadBalancers of both the classic and the v2 API. */
export const LOAD_BALANCER_LIST_ACTIONS = ['elasticloadbalancing:DescribeLoadBalancers'] as const;

/** The region's Application, Network and Gateway load balancers: one paged walk per region and scan. */
export const loadBalancers = defineInventory<LoadBalancer[]>('elbv2.loadBalancers', 'regional', async (ctx, region) => {
  const all: LoadBalancer[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client: ctx.aws.client(ElasticLoadBalancingV2Client, region) }, {})) {
    all.push(...(page.LoadBalancers ?? []));
  }
  return all;
});

/** What reading the SSL policies asks. */
export const SSL_POLICY_ACTIONS = ['elasticloadbalancing:DescribeSSLPolicies'] as const;

/**
 * The TLS protocol versions (`TLSv1`, `TLSv1.1`, …) of every security policy ELBv2 offers, by name:
 * ALB and NLB listeners take only these predefined policies, so one paged walk per region answers for all.
 */
export const sslPolicyProtocols = defineInventory<Map<string, string[]>>('elbv2.sslPolicies', 'regional', async (ctx, region) => {
  const elb = ctx.aws.client(ElasticLoadBalancingV2Client, region);
  const protocols = new Map<string, string[]>();
  let marker: string | undefined;
  do {
    const page = await elb.send(new DescribeSSLPoliciesCommand({ Marker: marker }));
    for (const policy of page.SslPolicies ?? []) if (policy.Name) protocols.set(policy.Name, policy.SslProtocols ?? []);
    marker = page.NextMarker;
  } while (marker);
  return protocols;
});

/** Per-load-balancer calls in flight at once in one region. */
const PER_LOAD_BALANCER_CONCURRENCY = 8;

/**
 * The findings for each listed load balancer, judged a few at a time; when the list itself cannot
 * be read, one ERROR says so, and the check's other kinds of load balancer are still judged.
 */
export async function judgeEachLoadBalancer<T>(
  ctx: CheckContext,
  kind: string,
  list: (ctx: CheckContext) => Promise<T[]>,
  judge: (lb: T) => Promise<Finding[]>,
): Promise<Finding[]> {
  let listed: T[];
  try {
    listed = await list(ctx);
  } catch (err) {
    return [{ resource: 'account', status: 'ERROR', message: `Could not list the ${kind} of ${ctx.region}: ${describeError(err)}.` }];
  }
  const limit = pLimit(PER_LOAD_BALANCER_CONCURRENCY);
  return (await Promise.all(listed.map((lb) => limit(() => judge(lb))))).flat();
}
