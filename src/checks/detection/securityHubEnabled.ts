import { DescribeHubCommand, paginateGetEnabledStandards, SecurityHubClient, type StandardsSubscription } from '@aws-sdk/client-securityhub';
import { describeError, errorName } from '../../aws/errors';
import type { Check } from '../../core/types';
import { quote } from '../define';

/** A standard's short name from its ARN, e.g. `aws-foundational-security-best-practices/v/1.0.0`. */
function standardName(subscription: StandardsSubscription): string {
  const arn = subscription.StandardsArn ?? subscription.StandardsSubscriptionArn ?? 'unknown standard';
  return arn.replace(/^arn:[^:]+:securityhub:[^:]*:[^:]*:(standards|ruleset)\//, '');
}

/** What the hub's enabled standards are, as a phrase for the message. */
async function standardsPhrase(securityHub: SecurityHubClient): Promise<string> {
  try {
    const active: string[] = [];
    for await (const page of paginateGetEnabledStandards({ client: securityHub }, {})) {
      for (const s of page.StandardsSubscriptions ?? []) {
        if (s.StandardsStatus === 'READY' || s.StandardsStatus === 'PENDING') active.push(standardName(s));
      }
    }
    return active.length > 0 ? `enabled standards: ${active.join(', ')}` : 'no security standards enabled';
  } catch (err) {
    // The hub answered, so it is on; only which standards it runs is unknown.
    return `its enabled standards are unknown (${describeError(err)})`;
  }
}

export const securityHubEnabled: Check = {
  id: 'securityhub_enabled',
  refs: ['WAS-DET-1'],
  title: 'Security Hub is enabled in every region',
  severity: 'medium',
  rationale: quote('WAS-DET-1'),
  remediation:
    'Enable Security Hub in every region (`aws securityhub enable-security-hub --enable-default-standards`), with at least AWS Foundational Security Best Practices, ideally through the organization’s delegated administrator with cross-region aggregation.',
  scope: 'regional',
  kind: 'automated',
  actions: ['securityhub:DescribeHub', 'securityhub:GetEnabledStandards'],
  async run(ctx) {
    const securityHub = ctx.aws.client(SecurityHubClient, ctx.region);
    let hubArn: string | undefined;
    try {
      hubArn = (await securityHub.send(new DescribeHubCommand({}))).HubArn;
    } catch (err) {
      // Security Hub answers InvalidAccessException "… not subscribed to AWS Security Hub" where it is off.
      if (errorName(err) === 'InvalidAccessException' && /not subscribed/i.test((err as Error).message)) {
        return [{ resource: 'account', status: 'FAIL', message: `Security Hub is not enabled in ${ctx.region}.` }];
      }
      throw err;
    }
    if (!hubArn) throw new Error('DescribeHub answered without a HubArn');
    return [{ resource: hubArn, status: 'PASS', message: `Security Hub is enabled in ${ctx.region}, ${await standardsPhrase(securityHub)}.` }];
  },
};
