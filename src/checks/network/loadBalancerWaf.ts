import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetWebACLForResourceCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import { loadBalancers } from '../../aws/inventories/loadBalancers';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

/** GetWebACLForResource calls in flight at once in one region. */
const WAF_CALL_CONCURRENCY = 8;

async function judgeLoadBalancer(ctx: CheckContext, lb: LoadBalancer): Promise<Finding> {
  const resource = lb.LoadBalancerArn!;
  const name = lb.LoadBalancerName ?? resource;
  if (lb.Type === 'network') {
    return {
      resource,
      status: 'FAIL',
      message: `Internet-facing network load balancer ${name} cannot take a WAF web ACL (no WAF possible on NLB; consider Shield Advanced, or front it with CloudFront and WAF).`,
    };
  }
  if (lb.Type !== 'application') return { resource, status: 'ERROR', message: `Internet-facing load balancer ${name} is of unknown type ${lb.Type ?? '(none reported)'}.` };
  try {
    const out = await ctx.aws.client(WAFV2Client, ctx.region).send(new GetWebACLForResourceCommand({ ResourceArn: resource }));
    return out.WebACL
      ? { resource, status: 'PASS', message: `Internet-facing application load balancer ${name} is protected by WAF web ACL ${out.WebACL.Name ?? out.WebACL.ARN}.` }
      : { resource, status: 'FAIL', message: `Internet-facing application load balancer ${name} has no WAF web ACL.` };
  } catch (err) {
    return { resource, status: 'ERROR', message: `Could not read the WAF web ACL of ${name}: ${describeError(err)}.` };
  }
}

export const elbv2InternetFacingWaf: Check = {
  id: 'elbv2_internet_facing_waf_enabled',
  refs: ['WAS-INF-2'],
  title: 'Internet-facing load balancers are protected by WAF',
  severity: 'medium',
  rationale: quote('WAS-INF-2'),
  remediation:
    'Associate an AWS WAF web ACL (with the AWS managed core rule set and a rate-based rule) with each internet-facing Application Load Balancer; for Network Load Balancers subscribe to Shield Advanced or put CloudFront with WAF in front.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const limit = pLimit(WAF_CALL_CONCURRENCY);
    // Internal load balancers are not reachable from the internet; Gateway Load Balancers only carry traffic to appliances.
    const evaluated = (await loadBalancers(ctx)).filter((lb) => lb.LoadBalancerArn && lb.Scheme !== 'internal' && lb.Type !== 'gateway');
    return Promise.all(
      evaluated.map((lb) =>
        lb.Scheme === 'internet-facing'
          ? limit(() => judgeLoadBalancer(ctx, lb))
          : Promise.resolve<Finding>({ resource: lb.LoadBalancerArn!, status: 'ERROR', message: `Load balancer ${lb.LoadBalancerName} did not report whether it is internet-facing.` }),
      ),
    );
  },
};
