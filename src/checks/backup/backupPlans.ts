import { regionalFindingsWithVerdict, unreadableRegions, type RegionFact } from '../../aws/inventories/acrossRegions';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { isCompletePlan, regionBackups, type BackupPlanFacts, type RegionBackups } from './inventory';

function judgePlan(plan: BackupPlanFacts, protectedCount: number, region: string): Finding {
  const resource = plan.arn;
  if (plan.error) return { resource, status: 'ERROR', message: `Backup plan ${plan.name} could not be read (${plan.error}).` };
  const gaps = [plan.rules.length === 0 ? 'no rule' : undefined, plan.selections === 0 ? 'no resource selection' : undefined].filter(Boolean);
  if (gaps.length > 0) return { resource, status: 'FAIL', message: `Backup plan ${plan.name} has ${gaps.join(' and ')}, so it backs nothing up.` };
  const shape = `${plan.rules.length} rule(s) and ${plan.selections} selection(s)`;
  return protectedCount > 0
    ? { resource, status: 'PASS', message: `Backup plan ${plan.name} has ${shape}; ${protectedCount} resource(s) in ${region} have recovery points.` }
    : { resource, status: 'FAIL', message: `Backup plan ${plan.name} has ${shape}, but no resource in ${region} has a recovery point yet, so its selections match nothing or it has not run.` };
}

function judgeRegion(ctx: CheckContext, { plans, protectedCount }: RegionBackups): Finding[] {
  if (plans.length > 0) return plans.map((plan) => judgePlan(plan, protectedCount, ctx.region));
  if (protectedCount > 0) {
    return [{ resource: 'account', status: 'FAIL', message: `${protectedCount} resource(s) in ${ctx.region} have recovery points but no AWS Backup plan schedules their backups.` }];
  }
  // A region with nothing backed up is not a failure by itself: the account verdict weighs it.
  return [{ resource: 'account', status: 'NOT_APPLICABLE', message: `No AWS Backup plan or protected resource exists in ${ctx.region}; nothing is backed up here.` }];
}

function accountVerdict(ctx: CheckContext, perRegion: Array<RegionFact<RegionBackups>>): Finding {
  const covered = perRegion.flatMap(({ region, fact }) => {
    if (!fact.ok || fact.value.protectedCount === 0) return [];
    const complete = fact.value.plans.filter(isCompletePlan).map((p) => p.name);
    return complete.length > 0 ? [`${region} (plan ${complete.join(', ')}; ${fact.value.protectedCount} protected resource(s))`] : [];
  });
  const without = perRegion.filter((r) => r.fact.ok && r.fact.value.plans.length === 0).map((r) => r.region);
  const withoutNote = without.length > 0 ? `; no plan in ${without.join(', ')}, so those regions must hold no data needing backup` : '';
  if (covered.length > 0) return { resource: 'account', status: 'PASS', message: `AWS Backup plans back up resources automatically in ${covered.join(', ')}${withoutNote}.` };
  const unreadable = unreadableRegions(perRegion);
  const unreadablePlans = perRegion.flatMap((r) => (r.fact.ok ? r.fact.value.plans.filter((p) => p.error).map((p) => `${p.name} (${r.region})`) : []));
  if (unreadable || unreadablePlans.length > 0) {
    const what = [unreadable ? `the backups of ${unreadable}` : '', unreadablePlans.length > 0 ? `backup plan ${unreadablePlans.join(', ')}` : ''].filter(Boolean);
    return { resource: 'account', status: 'ERROR', message: `No automatic backup was found, but ${what.join(' and ')} could not be read.` };
  }
  return {
    resource: 'account',
    status: 'FAIL',
    message: `No AWS Backup plan with a rule and a resource selection protects any resource in the ${ctx.regions.length} scanned region(s).`,
  };
}

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
    return regionalFindingsWithVerdict(ctx, regionBackups, {
      what: 'AWS Backup plans',
      evaluate: (backups) => judgeRegion(ctx, backups),
      verdict: (perRegion) => accountVerdict(ctx, perRegion),
    });
  },
};
