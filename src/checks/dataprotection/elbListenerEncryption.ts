import {
  DescribeLoadBalancerPoliciesCommand,
  ElasticLoadBalancingClient,
  type ListenerDescription,
  type LoadBalancerDescription,
  type PolicyDescription,
} from '@aws-sdk/client-elastic-load-balancing';
import {
  ElasticLoadBalancingV2Client,
  paginateDescribeListeners,
  paginateDescribeRules,
  type Action,
  type Listener,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { describeError } from '../../aws/errors';
import { classicLoadBalancerArn, classicLoadBalancers, negotiatedProtocols, SSL_NEGOTIATION_POLICY_TYPE } from '../../aws/inventories/classicLoadBalancers';
import { judgeEachLoadBalancer, LOAD_BALANCER_LIST_ACTIONS, loadBalancers, SSL_POLICY_ACTIONS, sslPolicyProtocols } from '../../aws/inventories/loadBalancers';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import type { Check, CheckContext, Finding, Status } from '../../core/types';
import { quote } from '../define';

/** What one listener does, as a status and the rest of a sentence whose subject is the listener. */
interface ListenerVerdict {
  status: Status;
  text: string;
}

/** Protocol versions with known weaknesses, which FTR and the AWS guidance ask to turn off. */
const OUTDATED_PROTOCOLS = new Set(['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1']);

/** How people name the protocols ELB lists, oldest first. */
const PROTOCOL_LABELS = new Map([
  ['SSLv2', 'SSL 2.0'],
  ['SSLv3', 'SSL 3.0'],
  ['TLSv1', 'TLS 1.0'],
  ['TLSv1.1', 'TLS 1.1'],
  ['TLSv1.2', 'TLS 1.2'],
  ['TLSv1.3', 'TLS 1.3'],
]);
const PROTOCOL_ORDER = [...PROTOCOL_LABELS.keys()];
const protocolRank = (p: string) => (PROTOCOL_ORDER.includes(p) ? PROTOCOL_ORDER.indexOf(p) : PROTOCOL_ORDER.length);

/** "TLS 1.0, TLS 1.1": the protocols, oldest first. */
const protocolList = (protocols: string[]) =>
  [...protocols]
    .sort((a, b) => protocolRank(a) - protocolRank(b))
    .map((p) => PROTOCOL_LABELS.get(p) ?? p)
    .join(', ');

/** A TLS-terminating listener passes only when its security policy allows no outdated protocol version. */
function judgeTlsPolicy(policy: string, protocols: string[]): ListenerVerdict {
  const outdated = protocols.filter((p) => OUTDATED_PROTOCOLS.has(p));
  return outdated.length > 0
    ? { status: 'FAIL', text: `uses security policy ${policy}, which still allows ${protocolList(outdated)}` }
    : { status: 'PASS', text: `terminates TLS with policy ${policy} (${protocolList(protocols) || 'no protocol listed'})` };
}

const PASS_THROUGH: ListenerVerdict = {
  status: 'MANUAL',
  text: 'passes traffic through without TLS at the load balancer; confirm the targets encrypt it end to end',
};

/**
 * What an ALB action does with a plain-HTTP request, when it lets the request go on over plain
 * HTTP; undefined when it redirects to HTTPS or answers by itself with a fixed response.
 */
function plainHttpUse(action: Action): string | undefined {
  switch (action.Type) {
    case 'redirect':
      // A redirect without a protocol keeps the request's own: plain HTTP on an HTTP listener.
      return action.RedirectConfig?.Protocol === 'HTTPS' ? undefined : 'redirects to plain HTTP';
    case 'fixed-response':
      return undefined;
    case 'forward':
      return 'forwards plain HTTP to targets';
    default:
      return `runs a ${action.Type ?? 'unnamed'} action on plain HTTP`;
  }
}

/** The first way a rule's actions, in their order, let plain HTTP through. */
function firstPlainHttpUse(actions: Action[] | undefined): string | undefined {
  if (!actions?.length) return 'has no action';
  return [...actions]
    .sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0))
    .map(plainHttpUse)
    .find((use) => use !== undefined);
}

/**
 * An HTTP listener passes only when its default action and every one of its rules either redirect
 * to HTTPS or answer with a fixed response: a rule that forwards serves its path over plain HTTP.
 */
async function judgeHttpListener(ctx: CheckContext, listener: Listener): Promise<ListenerVerdict> {
  const byDefault = firstPlainHttpUse(listener.DefaultActions);
  if (byDefault) return { status: 'FAIL', text: `serves plain HTTP instead of redirecting to HTTPS: by default it ${byDefault}` };
  const plainRules: string[] = [];
  try {
    const elb = ctx.aws.client(ElasticLoadBalancingV2Client, ctx.region);
    for await (const page of paginateDescribeRules({ client: elb }, { ListenerArn: listener.ListenerArn })) {
      for (const rule of page.Rules ?? []) {
        const use = rule.IsDefault ? undefined : firstPlainHttpUse(rule.Actions);
        if (use) plainRules.push(`rule ${rule.Priority ?? rule.RuleArn} ${use}`);
      }
    }
  } catch (err) {
    return { status: 'ERROR', text: `redirects to HTTPS by default, but its rules could not be read: ${describeError(err)}` };
  }
  return plainRules.length > 0
    ? { status: 'FAIL', text: `redirects to HTTPS by default, but ${plainRules.join(' and ')}` }
    : { status: 'PASS', text: 'redirects every request to HTTPS or answers it with a fixed response' };
}

async function judgeV2TlsListener(ctx: CheckContext, listener: Listener): Promise<ListenerVerdict> {
  if (!listener.SslPolicy) return { status: 'ERROR', text: 'did not report its security policy' };
  let policies: Map<string, string[]>;
  try {
    policies = await sslPolicyProtocols(ctx);
  } catch (err) {
    return { status: 'ERROR', text: `uses security policy ${listener.SslPolicy}, whose protocols could not be read: ${describeError(err)}` };
  }
  const protocols = policies.get(listener.SslPolicy);
  return protocols
    ? judgeTlsPolicy(listener.SslPolicy, protocols)
    : { status: 'ERROR', text: `uses security policy ${listener.SslPolicy}, which DescribeSSLPolicies does not list` };
}

function judgeV2Listener(ctx: CheckContext, listener: Listener): Promise<ListenerVerdict> | ListenerVerdict | null {
  switch (listener.Protocol) {
    case 'HTTPS':
    case 'TLS':
      return judgeV2TlsListener(ctx, listener);
    case 'HTTP':
      return judgeHttpListener(ctx, listener);
    case 'TCP':
    case 'UDP':
    case 'TCP_UDP':
    case 'QUIC':
    case 'TCP_QUIC':
      return PASS_THROUGH;
    case 'GENEVE':
      // Gateway Load Balancer listeners carry packets to appliances, not application traffic.
      return null;
    default:
      return { status: 'ERROR', text: `has a protocol this check does not know (${listener.Protocol ?? 'none reported'})` };
  }
}

async function judgeV2LoadBalancer(ctx: CheckContext, lb: LoadBalancer): Promise<Finding[]> {
  const name = lb.LoadBalancerName ?? lb.LoadBalancerArn!;
  const listeners: Listener[] = [];
  try {
    const elb = ctx.aws.client(ElasticLoadBalancingV2Client, ctx.region);
    for await (const page of paginateDescribeListeners({ client: elb }, { LoadBalancerArn: lb.LoadBalancerArn })) listeners.push(...(page.Listeners ?? []));
  } catch (err) {
    return [{ resource: lb.LoadBalancerArn!, status: 'ERROR', message: `Could not list the listeners of ${name}: ${describeError(err)}.` }];
  }
  // One listener at a time: load balancers are already judged a few at once, and each HTTP listener reads its rules.
  const findings: Finding[] = [];
  for (const listener of listeners) {
    const verdict = await judgeV2Listener(ctx, listener);
    if (verdict) findings.push({ resource: listener.ListenerArn!, status: verdict.status, message: `Listener ${listener.Protocol}:${listener.Port} of ${name} ${verdict.text}.` });
  }
  return findings;
}

/** A classic HTTPS or SSL listener is judged by the negotiation policy among its policies. */
function judgeClassicTlsListener(listener: ListenerDescription, policies: Map<string, PolicyDescription>): ListenerVerdict {
  const negotiation = (listener.PolicyNames ?? []).map((name) => policies.get(name)).find((p) => p?.PolicyTypeName === SSL_NEGOTIATION_POLICY_TYPE);
  if (!negotiation) return { status: 'ERROR', text: 'reports no SSL negotiation policy, so the TLS versions it accepts are unknown' };
  const { policy, protocols } = negotiatedProtocols(negotiation);
  return protocols
    ? judgeTlsPolicy(policy, protocols)
    : { status: 'ERROR', text: `uses security policy ${policy}, whose protocols it does not list and this check does not know` };
}

/** Classic listeners that terminate TLS, and so carry a negotiation policy. */
const terminatesTls = (listener: ListenerDescription) => ['HTTPS', 'SSL'].includes(listener.Listener?.Protocol?.toUpperCase() ?? '');

function judgeClassicListener(listener: ListenerDescription, policies: Fact<Map<string, PolicyDescription>>): ListenerVerdict {
  if (terminatesTls(listener)) {
    return policies.ok ? judgeClassicTlsListener(listener, policies.value) : { status: 'ERROR', text: `has policies that could not be read: ${policies.error}` };
  }
  switch (listener.Listener?.Protocol?.toUpperCase()) {
    case 'HTTP':
      return { status: 'FAIL', text: 'serves plain HTTP, which a Classic Load Balancer cannot redirect to HTTPS' };
    case 'TCP':
      return PASS_THROUGH;
    default:
      return { status: 'ERROR', text: `has a protocol this check does not know (${listener.Listener?.Protocol ?? 'none reported'})` };
  }
}

/** The order in which one classic load balancer's listener verdicts decide its own. */
const STATUS_PRECEDENCE: Status[] = ['FAIL', 'ERROR', 'MANUAL', 'PASS'];

/**
 * One finding per Classic Load Balancer (its listeners have no ARN of their own), as bad as its
 * worst listener, naming every listener.
 */
async function judgeClassicLoadBalancer(ctx: CheckContext, lb: LoadBalancerDescription): Promise<Finding[]> {
  const name = lb.LoadBalancerName!;
  const listeners = lb.ListenerDescriptions ?? [];
  if (listeners.length === 0) return [];
  let policies: Fact<Map<string, PolicyDescription>> = { ok: true, value: new Map() };
  if (listeners.some(terminatesTls)) {
    try {
      const out = await ctx.aws.client(ElasticLoadBalancingClient, ctx.region).send(new DescribeLoadBalancerPoliciesCommand({ LoadBalancerName: name }));
      policies = { ok: true, value: new Map((out.PolicyDescriptions ?? []).map((p) => [p.PolicyName ?? '', p])) };
    } catch (err) {
      policies = { ok: false, error: describeError(err) };
    }
  }
  const verdicts = listeners.map((l) => ({ ...judgeClassicListener(l, policies), listener: `${l.Listener?.Protocol}:${l.Listener?.LoadBalancerPort}` }));
  const status = STATUS_PRECEDENCE.find((s) => verdicts.some((v) => v.status === s))!;
  return [
    {
      resource: classicLoadBalancerArn(ctx.region, ctx.accountId, name),
      status,
      message: `Classic load balancer ${name}: ${verdicts.map((v) => `listener ${v.listener} ${v.text}`).join('; ')}.`,
    },
  ];
}

export const elbv2ListenerEncrypted: Check = {
  id: 'elbv2_listener_encrypted',
  refs: ['FTR-12.3', 'WAS-DP-2'],
  title: 'Load balancer listeners use TLS or redirect to HTTPS',
  severity: 'high',
  rationale: quote('FTR-12.3'),
  remediation:
    'Replace the plain-HTTP listener’s default action and every forwarding rule with a redirect to HTTPS (HTTP 301), and serve traffic from an HTTPS or TLS listener with an ACM certificate and a security policy that allows only TLS 1.2 and later (e.g. ELBSecurityPolicy-TLS13-1-2-2021-06; ELBSecurityPolicy-TLS-1-2-2017-01 on a Classic Load Balancer, or migrate it to an Application Load Balancer).',
  scope: 'regional',
  kind: 'automated',
  actions: [
    ...LOAD_BALANCER_LIST_ACTIONS,
    ...SSL_POLICY_ACTIONS,
    'elasticloadbalancing:DescribeListeners',
    'elasticloadbalancing:DescribeLoadBalancerPolicies',
    'elasticloadbalancing:DescribeRules',
  ].sort(),
  async run(ctx) {
    const [v2, classic] = await Promise.all([
      judgeEachLoadBalancer(ctx, 'load balancers', loadBalancers, (lb) => judgeV2LoadBalancer(ctx, lb)),
      judgeEachLoadBalancer(ctx, 'classic load balancers', classicLoadBalancers, (lb) => judgeClassicLoadBalancer(ctx, lb)),
    ]);
    return [...v2, ...classic];
  },
};
