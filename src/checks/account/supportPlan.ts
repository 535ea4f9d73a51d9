import { DescribeSeverityLevelsCommand, SupportClient } from '@aws-sdk/client-support';
import { isErrorNamed } from '../../aws/errors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** The AWS Support API has a single endpoint, in us-east-1. */
const SUPPORT_API_REGION = 'us-east-1';

export const supportPlanBusinessOrHigher: Check = {
  id: 'support_plan_business_or_higher',
  refs: ['FTR-1.1'],
  title: 'The account has Business Support or higher',
  severity: 'medium',
  rationale: quote('FTR-1.1'),
  remediation: 'Subscribe the production accounts to Business, Enterprise On-Ramp or Enterprise Support (Support Center → Change plan).',
  scope: 'global',
  kind: 'automated',
  actions: ['support:DescribeSeverityLevels'],
  async run(ctx): Promise<Finding[]> {
    let codes: Set<string>;
    try {
      const out = await ctx.aws.client(SupportClient, SUPPORT_API_REGION).send(new DescribeSeverityLevelsCommand({ language: 'en' }));
      if (!out.severityLevels) throw new Error('DescribeSeverityLevels answered without severity levels');
      codes = new Set(out.severityLevels.map((level) => level.code ?? ''));
    } catch (err) {
      // Basic Support has no access to the Support API at all.
      if (isErrorNamed(err, 'SubscriptionRequiredException')) {
        return [{ resource: 'account', status: 'FAIL', message: 'The account has Basic Support (the Support API requires a subscription), so production incidents get no technical support case response time.' }];
      }
      throw err;
    }
    const listed = [...codes].filter(Boolean).join(', ') || 'none';
    // Developer Support offers only low and normal; "Production system impaired/down" (high/urgent) start at Business.
    if (!codes.has('high') || !codes.has('urgent')) {
      return [{ resource: 'account', status: 'FAIL', message: `The account has Developer Support or lower: its support case severities are ${listed}, without high and urgent.` }];
    }
    const plan = codes.has('critical') ? 'Enterprise (or Enterprise On-Ramp) Support' : 'Business Support';
    return [{ resource: 'account', status: 'PASS', message: `The account has ${plan}: its support case severities are ${listed}.` }];
  },
};
