import type { LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import type { LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { GetWebACLForResourceCommand, WAFV2Client } from '@aws-sdk/client-wafv2';
import { describeError } from '../../aws/errors';
import { classicLoadBalancerArn, classicLoadBalancers } from '../../aws/inventories/classicLoadBalancers';
import { judgeEachLoadBalancer, LOAD_BALANCER_LIST_ACTIONS, loadBalancers } from '../../aws/inventories/loadBalancers';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

async function judgeV2(ctx: CheckContext, lb: LoadBalancer): Promise<Finding> {
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

/** AWS WAF cannot be associated with a Classic Load Balancer at all, so an internet-facing one has no WAF, as an NLB has none. */
function judgeClassic(ctx: CheckContext, lb: LoadBalancerDescription): Finding {
  const name = lb.LoadBalancerName!;
  return {
    resource: classicLoadBalancerArn(ctx.region, ctx.accountId, name),
    status: 'FAIL',
    message: `Internet-facing classic load balancer ${name} cannot take a WAF web ACL (AWS WAF does not support Classic Load Balancers; migrate it to an Application Load Balancer with WAF, front it with CloudFront and WAF, or consider Shield Advanced).`,
  };
}

/** Internal load balancers are not reachable from the internet; one that does not say which it is cannot be judged. */
async function unlessInternal(lb: { Scheme?: string }, resource: string, name: string, judge: () => Promise<Finding> | Finding): Promise<Finding[]> {
  if (lb.Scheme === 'internal') return [];
  if (lb.Scheme !== 'internet-facing') return [{ resource, status: 'ERROR', message: `Load balancer ${name} did not report whether it is internet-facing.` }];
  return [await judge()];
}

export const elbv2InternetFacingWaf: Check = {
  id: 'elbv2_internet_facing_waf_enabled',
  refs: ['WAS-INF-2'],
  title: 'Internet-facing load balancers are protected by WAF',
  severity: 'medium',
  rationale: quote('WAS-INF-2'),
  remediation:
    'Associate an AWS WAF web ACL (with the AWS managed core rule set and a rate-based rule) with each internet-facing Application Load Balancer; for Network and Classic Load Balancers, which cannot take a web ACL, subscribe to Shield Advanced or put CloudFront with WAF in front, or move a Classic Load Balancer to an Application Load Balancer.',
  scope: 'regional',
  kind: 'automated',
  actions: [...LOAD_BALANCER_LIST_ACTIONS, 'wafv2:GetWebACLForResource'].sort(),
  async run(ctx) {
    const [v2, classic] = await Promise.all([
      judgeEachLoadBalancer(
        ctx,
        'load balancers',
        // Gateway Load Balancers only carry traffic to appliances.
        async (c) => (await loadBalancers(c)).filter((lb) => lb.LoadBalancerArn && lb.Type !== 'gateway'),
        (lb) => unlessInternal(lb, lb.LoadBalancerArn!, lb.LoadBalancerName ?? lb.LoadBalancerArn!, () => judgeV2(ctx, lb)),
      ),
      judgeEachLoadBalancer(ctx, 'classic load balancers', classicLoadBalancers, (lb) =>
        unlessInternal(lb, classicLoadBalancerArn(ctx.region, ctx.accountId, lb.LoadBalancerName!), lb.LoadBalancerName!, () => judgeClassic(ctx, lb)),
      ),
    ]);
    return [...v2, ...classic];
  },
};
