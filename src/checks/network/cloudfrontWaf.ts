import { CloudFrontClient, paginateListDistributions, type DistributionSummary } from '@aws-sdk/client-cloudfront';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** CloudFront is a global service whose API lives in us-east-1. */
const CLOUDFRONT_REGION = 'us-east-1';

function judgeDistribution(d: DistributionSummary): Finding {
  const resource = d.ARN!;
  const label = `CloudFront distribution ${d.Id}${d.DomainName ? ` (${d.DomainName})` : ''}`;
  // ListDistributions always carries WebACLId, empty when no web ACL is attached.
  if (d.WebACLId === undefined) return { resource, status: 'ERROR', message: `${label} was listed without its WAF web ACL field.` };
  return d.WebACLId
    ? { resource, status: 'PASS', message: `${label} is protected by WAF web ACL ${d.WebACLId}.` }
    : { resource, status: 'FAIL', message: `${label} has no WAF web ACL.` };
}

export const cloudfrontDistributionWaf: Check = {
  id: 'cloudfront_distributions_using_waf',
  refs: ['WAS-INF-2'],
  title: 'CloudFront distributions are protected by WAF',
  severity: 'medium',
  rationale: quote('WAS-INF-2'),
  remediation:
    'Create a global (CLOUDFRONT scope) AWS WAF web ACL in us-east-1 with the AWS managed core rule set and a rate-based rule, and set it as the distribution’s web ACL.',
  scope: 'global',
  kind: 'automated',
  actions: ['cloudfront:ListDistributions'],
  async run(ctx) {
    const findings: Finding[] = [];
    for await (const page of paginateListDistributions({ client: ctx.aws.client(CloudFrontClient, CLOUDFRONT_REGION) }, {})) {
      for (const d of page.DistributionList?.Items ?? []) if (d.ARN) findings.push(judgeDistribution(d));
    }
    return findings;
  },
};
