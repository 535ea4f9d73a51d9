import { ElasticLoadBalancingV2Client, paginateDescribeListeners, type Listener } from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import { loadBalancers } from '../../aws/inventories/loadBalancers';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** DescribeListeners calls in flight at once in one region. */
const LISTENER_CALL_CONCURRENCY = 8;

function judgeListener(lbName: string, listener: Listener): Finding | null {
  const resource = listener.ListenerArn!;
  const where = `Listener ${listener.Protocol}:${listener.Port} of ${lbName}`;
  switch (listener.Protocol) {
    case 'HTTPS':
    case 'TLS':
      return { resource, status: 'PASS', message: `${where} terminates TLS with policy ${listener.SslPolicy ?? 'unknown'}.` };
    case 'HTTP': {
      const redirect = listener.DefaultActions?.find((a) => a.Type === 'redirect')?.RedirectConfig;
      return redirect?.Protocol === 'HTTPS'
        ? { resource, status: 'PASS', message: `${where} only redirects to HTTPS.` }
        : { resource, status: 'FAIL', message: `${where} serves plain HTTP instead of redirecting to HTTPS.` };
    }
    case 'TCP':
    case 'UDP':
    case 'TCP_UDP':
      return {
        resource,
        status: 'MANUAL',
        message: `${where} passes traffic through without TLS at the load balancer; confirm the targets encrypt it end to end.`,
      };
    default:
      // Gateway Load Balancer (GENEVE) listeners carry packets to appliances, not application traffic.
      return null;
  }
}

export const elbv2ListenerEncrypted: Check = {
  id: 'elbv2_listener_encrypted',
  refs: ['FTR-12.3', 'WAS-DP-2'],
  title: 'Load balancer listeners use TLS or redirect to HTTPS',
  severity: 'high',
  rationale: quote('FTR-12.3'),
  remediation:
    'Replace the plain-HTTP listener’s default action with a redirect to HTTPS (HTTP 301), and serve traffic from an HTTPS listener with an ACM certificate and a current TLS security policy.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const elb = ctx.aws.client(ElasticLoadBalancingV2Client, ctx.region);
    const limit = pLimit(LISTENER_CALL_CONCURRENCY);
    const perLb = await Promise.all(
      (await loadBalancers(ctx)).map((lb) =>
        limit(async (): Promise<Finding[]> => {
          const findings: Finding[] = [];
          try {
            for await (const page of paginateDescribeListeners({ client: elb }, { LoadBalancerArn: lb.LoadBalancerArn })) {
              for (const listener of page.Listeners ?? []) {
                const finding = judgeListener(lb.LoadBalancerName ?? lb.LoadBalancerArn!, listener);
                if (finding) findings.push(finding);
              }
            }
          } catch (err) {
            return [{ resource: lb.LoadBalancerArn!, status: 'ERROR', message: `Could not list the listeners of ${lb.LoadBalancerName}: ${describeError(err)}.` }];
          }
          return findings;
        }),
      ),
    );
    return perLb.flat();
  },
};
