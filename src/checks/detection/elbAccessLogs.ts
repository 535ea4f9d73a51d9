import { DescribeLoadBalancerAttributesCommand, ElasticLoadBalancingV2Client, type LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import { loadBalancers } from '../../aws/inventories/loadBalancers';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

/** DescribeLoadBalancerAttributes calls in flight at once in one region. */
const ATTRIBUTE_CALL_CONCURRENCY = 8;

async function judgeAccessLogs(ctx: CheckContext, lb: LoadBalancer): Promise<Finding> {
  const resource = lb.LoadBalancerArn!;
  const name = lb.LoadBalancerName ?? resource;
  const label = `Load balancer ${name}`;
  let attributes: Map<string, string | undefined>;
  try {
    const out = await ctx.aws.client(ElasticLoadBalancingV2Client, ctx.region).send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: resource }));
    attributes = new Map((out.Attributes ?? []).map((a) => [a.Key ?? '', a.Value]));
  } catch (err) {
    return { resource, status: 'ERROR', message: `Could not read the attributes of load balancer ${name}: ${describeError(err)}.` };
  }
  const enabled = attributes.get('access_logs.s3.enabled');
  if (enabled === undefined) return { resource, status: 'ERROR', message: `${label} did not report whether access logging is on.` };
  if (enabled !== 'true') return { resource, status: 'FAIL', message: `${label} does not write access logs.` };
  const bucket = attributes.get('access_logs.s3.bucket');
  const prefix = attributes.get('access_logs.s3.prefix');
  return { resource, status: 'PASS', message: `${label} writes access logs to s3://${bucket || 'unknown bucket'}${prefix ? `/${prefix}` : ''}.` };
}

export const elbv2AccessLogsEnabled: Check = {
  id: 'elbv2_logging_enabled',
  refs: ['WAS-DET-2'],
  title: 'Load balancers write access logs',
  severity: 'medium',
  rationale: quote('WAS-DET-2'),
  remediation:
    'Turn on access logs for the load balancer (attributes `access_logs.s3.enabled=true` and `access_logs.s3.bucket`) into a central S3 bucket whose policy lets Elastic Load Balancing write and restricts everyone else.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    // Gateway Load Balancers forward packets to appliances and have no access logs to turn on.
    const logging = (await loadBalancers(ctx)).filter((lb) => lb.LoadBalancerArn && lb.Type !== 'gateway');
    const limit = pLimit(ATTRIBUTE_CALL_CONCURRENCY);
    return Promise.all(logging.map((lb) => limit(() => judgeAccessLogs(ctx, lb))));
  },
};
