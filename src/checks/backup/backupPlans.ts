import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { backupPlans, protectedResourceCount } from './inventory';

export const backupPlansProtectResources: Check = {
  id: 'backup_plans_protect_resources',
  refs: ['FTR-8.1'],
  title: 'AWS Backup plans back up resources automatically',
  severity: 'high',
  rationale: quote('FTR-8.1'),
  remediation:
    'Create an AWS Backup plan with a scheduled rule and a resource selection (by tag or ARN) covering production data stores, in every region that holds them.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const plans = await backupPlans(ctx);
    if (plans.length === 0) {
      return [{ resource: 'account', status: 'FAIL', message: `No AWS Backup plan exists in ${ctx.region}.` }];
    }
    const protectedCount = await protectedResourceCount(ctx);
    return plans.map((plan): Finding => {
      if (plan.error) return { resource: plan.arn, status: 'ERROR', message: `Backup plan ${plan.name} could not be read (${plan.error}).` };
      const gaps = [plan.rules.length === 0 ? 'no rule' : undefined, plan.selections === 0 ? 'no resource selection' : undefined].filter(Boolean);
      if (gaps.length > 0) return { resource: plan.arn, status: 'FAIL', message: `Backup plan ${plan.name} has ${gaps.join(' and ')}, so it backs nothing up.` };
      return {
        resource: plan.arn,
        status: 'PASS',
        message: `Backup plan ${plan.name} has ${plan.rules.length} rule(s) and ${plan.selections} selection(s); ${protectedCount} resource(s) in ${ctx.region} have recovery points.`,
      };
    });
  },
};
