import { ElasticLoadBalancingClient, paginateDescribeLoadBalancers, type LoadBalancerDescription, type PolicyDescription } from '@aws-sdk/client-elastic-load-balancing';
import { defineInventory } from '../inventory';

/** The region's Classic Load Balancers: one paged DescribeLoadBalancers walk per region and scan. */
export const classicLoadBalancers = defineInventory<LoadBalancerDescription[]>('elb.classicLoadBalancers', 'regional', async (ctx, region) => {
  const all: LoadBalancerDescription[] = [];
  for await (const page of paginateDescribeLoadBalancers({ client: ctx.aws.client(ElasticLoadBalancingClient, region) }, {})) {
    all.push(...(page.LoadBalancerDescriptions ?? []));
  }
  return all;
});

/** A Classic Load Balancer's ARN: the API names it only by its name, which is unique in the region. */
export function classicLoadBalancerArn(region: string, accountId: string, name: string): string {
  return `arn:aws:elasticloadbalancing:${region}:${accountId}:loadbalancer/${name}`;
}

/** The policy type of a Classic Load Balancer's TLS settings (protocols, ciphers) on HTTPS and SSL listeners. */
export const SSL_NEGOTIATION_POLICY_TYPE = 'SSLNegotiationPolicyType';

/**
 * The protocols of the predefined Classic Load Balancer security policies that AWS documents as current
 * ("Predefined SSL security policies for Classic Load Balancers"), for a negotiation policy that only
 * names the predefined policy it was made from instead of listing its `Protocol-*` attributes.
 */
const PREDEFINED_CLASSIC_POLICY_PROTOCOLS: Readonly<Record<string, readonly string[]>> = {
  'ELBSecurityPolicy-TLS-1-2-2017-01': ['TLSv1.2'],
  'ELBSecurityPolicy-TLS-1-1-2017-01': ['TLSv1.1', 'TLSv1.2'],
  'ELBSecurityPolicy-2016-08': ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
  'ELBSecurityPolicy-2015-05': ['TLSv1', 'TLSv1.1', 'TLSv1.2'],
};

/** What a negotiation policy allows: its name as a person knows it (the predefined policy it copies) and its protocols. */
export interface NegotiatedProtocols {
  policy: string;
  /** Protocol names as ELB writes them: `SSLv3`, `TLSv1`, `TLSv1.1`, `TLSv1.2`; undefined when neither listed nor known. */
  protocols?: string[];
}

/**
 * The protocols a Classic Load Balancer negotiation policy enables: its `Protocol-<name>` attributes
 * set to "true" (AWS lists every protocol, on or off), or else those of the predefined policy named by
 * its `Reference-Security-Policy` attribute.
 */
export function negotiatedProtocols(policy: PolicyDescription): NegotiatedProtocols {
  const attributes = policy.PolicyAttributeDescriptions ?? [];
  const reference = attributes.find((a) => a.AttributeName === 'Reference-Security-Policy')?.AttributeValue;
  const name = reference ?? policy.PolicyName ?? 'unnamed policy';
  const protocolAttributes = attributes.filter((a) => a.AttributeName?.startsWith('Protocol-'));
  if (protocolAttributes.length > 0) {
    return {
      policy: name,
      protocols: protocolAttributes.filter((a) => a.AttributeValue?.toLowerCase() === 'true').map((a) => a.AttributeName!.slice('Protocol-'.length)),
    };
  }
  const known = reference === undefined ? undefined : PREDEFINED_CLASSIC_POLICY_PROTOCOLS[reference];
  return { policy: name, protocols: known && [...known] };
}
