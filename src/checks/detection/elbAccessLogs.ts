import { DescribeLoadBalancerAttributesCommand as DescribeClassicAttributesCommand, ElasticLoadBalancingClient, type LoadBalancerDescription } from '@aws-sdk/client-elastic-load-balancing';
import { DescribeLoadBalancerAttributesCommand, ElasticLoadBalancingV2Client, type LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeError } from '../../aws/errors';
import { classicLoadBalancerArn, classicLoadBalancers } from '../../aws/inventories/classicLoadBalancers';
import { judgeEachLoadBalancer, LOAD_BALANCER_LIST_ACTIONS, loadBalancers } from '../../aws/inventories/loadBalancers';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

interface AccessLogSettings {
  /** Undefined when the load balancer did not say. */
  enabled: boolean | undefined;
  bucket?: string;
  prefix?: string;
}

/** The verdict on one load balancer's access logs (`what`: "load balancer shop"), or ERROR when its attributes could not be read. */
async function accessLogFinding(resource: string, what: string, read: () => Promise<AccessLogSettings>): Promise<Finding> {
  let settings: AccessLogSettings;
  try {
    settings = await read();
  } catch (err) {
    return { resource, status: 'ERROR', message: `Could not read the attributes of ${what}: ${describeError(err)}.` };
  }
  const label = what[0].toUpperCase() + what.slice(1);
  if (settings.enabled === undefined) return { resource, status: 'ERROR', message: `${label} did not report whether access logging is on.` };
  if (!settings.enabled) return { resource, status: 'FAIL', message: `${label} does not write access logs.` };
  const { bucket, prefix } = settings;
  return { resource, status: 'PASS', message: `${label} writes access logs to s3://${bucket || 'unknown bucket'}${prefix ? `/${prefix}` : ''}.` };
}

function judgeV2(ctx: CheckContext, lb: LoadBalancer): Promise<Finding> {
  return accessLogFinding(lb.LoadBalancerArn!, `load balancer ${lb.LoadBalancerName ?? lb.LoadBalancerArn}`, async () => {
    const out = await ctx.aws.client(ElasticLoadBalancingV2Client, ctx.region).send(new DescribeLoadBalancerAttributesCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    const attributes = new Map((out.Attributes ?? []).map((a) => [a.Key ?? '', a.Value]));
    const enabled = attributes.get('access_logs.s3.enabled');
    return { enabled: enabled === undefined ? undefined : enabled === 'true', bucket: attributes.get('access_logs.s3.bucket'), prefix: attributes.get('access_logs.s3.prefix') };
  });
}

function judgeClassic(ctx: CheckContext, lb: LoadBalancerDescription): Promise<Finding> {
  const name = lb.LoadBalancerName!;
  return accessLogFinding(classicLoadBalancerArn(ctx.region, ctx.accountId, name), `classic load balancer ${name}`, async () => {
    const out = await ctx.aws.client(ElasticLoadBalancingClient, ctx.region).send(new DescribeClassicAttributesCommand({ LoadBalancerName: name }));
    const log = out.LoadBalancerAttributes?.AccessLog;
    return { enabled: log?.Enabled, bucket: log?.S3BucketName, prefix: log?.S3BucketPrefix };
  });
}

export const elbv2AccessLogsEnabled: Check = {
  id: 'elbv2_logging_enabled',
  refs: ['WAS-DET-2'],
  title: 'Load balancers write access logs',
  severity: 'medium',
  rationale: quote('WAS-DET-2'),
  remediation:
    'Turn on access logs for the load balancer (attributes `access_logs.s3.enabled=true` and `access_logs.s3.bucket`; `AccessLog.Enabled` and `AccessLog.S3BucketName` on a Classic Load Balancer) into a central S3 bucket whose policy lets Elastic Load Balancing write and restricts everyone else.',
  scope: 'regional',
  kind: 'automated',
  actions: [...LOAD_BALANCER_LIST_ACTIONS, 'elasticloadbalancing:DescribeLoadBalancerAttributes'].sort(),
  async run(ctx) {
    const [v2, classic] = await Promise.all([
      // Gateway Load Balancers forward packets to appliances and have no access logs to turn on.
      judgeEachLoadBalancer(
        ctx,
        'load balancers',
        async (c) => (await loadBalancers(c)).filter((lb) => lb.LoadBalancerArn && lb.Type !== 'gateway'),
        async (lb) => [await judgeV2(ctx, lb)],
      ),
      judgeEachLoadBalancer(ctx, 'classic load balancers', classicLoadBalancers, async (lb) => [await judgeClassic(ctx, lb)]),
    ]);
    return [...v2, ...classic];
  },
};
