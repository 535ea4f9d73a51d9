import { regionalFindingsWithVerdict, unreadableRegions, type RegionFact } from '../../aws/inventories/acrossRegions';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { factOf, PROTECTED_RESOURCE_ACTIONS, protectedResources, RESTORE_EVIDENCE_ACTIONS, restoreEvidence, type RestoreEvidence } from './inventory';

interface RegionRestores {
  restores: RestoreEvidence;
  /** How many resources of the region have AWS Backup recovery points: what there is to restore. */
  restorable: Fact<number>;
}

/** Both inventories of a region; each is read once per scan and shared with the backup check. */
const regionRestores = async (ctx: CheckContext, region: string): Promise<RegionRestores> => {
  const [restores, restorable] = await Promise.all([restoreEvidence(ctx, region), factOf(protectedResources(ctx, region).then((points) => points.size))]);
  return { restores, restorable };
};

/** Restore testing plans that restore something: a plan with a resource selection, where recovery points exist. */
function workingTestingPlans({ restores, restorable }: RegionRestores): string[] {
  if (!restorable.ok || restorable.value === 0) return [];
  return restores.testingPlans.filter((p) => p.selections > 0).map((p) => p.name);
}

/** "2 restore job(s) completed in the last 365 days (latest 2026-06-02); restore testing plan(s): weekly", or undefined when untested. */
function describeTests(region: RegionRestores, days: number): string | undefined {
  const { completedJobs, latestCompletion } = region.restores;
  const plans = workingTestingPlans(region);
  const parts = [
    completedJobs > 0 ? `${completedJobs} restore job(s) completed in the last ${days} days${latestCompletion ? ` (latest ${latestCompletion.toISOString().slice(0, 10)})` : ''}` : undefined,
    plans.length > 0 ? `restore testing plan(s): ${plans.join(', ')}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function judgeRegion(ctx: CheckContext, region: RegionRestores): Finding {
  const days = ctx.thresholds.restoreTestWindowDays;
  const tests = describeTests(region, days);
  if (tests) return { resource: 'account', status: 'PASS', message: `Restores are tested in ${ctx.region}: ${tests}.` };
  const { restores, restorable } = region;
  if (!restorable.ok) {
    return {
      resource: 'account',
      status: 'ERROR',
      message: `No restore job completed in ${ctx.region} in the last ${days} days, and what there is to restore is unknown: its AWS Backup recovery points could not be read (${restorable.error}).`,
    };
  }
  const planNames = restores.testingPlans.map((p) => p.name).join(', ');
  if (restorable.value === 0) {
    const idle = planNames ? `; restore testing plan(s) ${planNames} have nothing to restore` : '';
    return { resource: 'account', status: 'NOT_APPLICABLE', message: `No resource in ${ctx.region} has an AWS Backup recovery point, so there is nothing to restore-test here${idle}.` };
  }
  const unselected = restores.testingPlans.filter((p) => p.selections === 0).map((p) => p.name);
  const note = unselected.length > 0 ? `; restore testing plan(s) ${unselected.join(', ')} select no resource` : '';
  return {
    resource: 'account',
    status: 'FAIL',
    message: `${restorable.value} resource(s) in ${ctx.region} have AWS Backup recovery points, but no restore job completed in the last ${days} days and no restore testing plan restores them${note}.`,
  };
}

function accountVerdict(ctx: CheckContext, perRegion: Array<RegionFact<RegionRestores>>): Finding {
  const days = ctx.thresholds.restoreTestWindowDays;
  const tested = perRegion.flatMap(({ region, fact }) => {
    const tests = fact.ok ? describeTests(fact.value, days) : undefined;
    return tests ? [`${region} (${tests})`] : [];
  });
  if (tested.length > 0) return { resource: 'account', status: 'PASS', message: `Restores are tested in ${tested.join(', ')}.` };
  const unreadable = [
    unreadableRegions(perRegion),
    ...perRegion.flatMap(({ region, fact }) => (fact.ok && !fact.value.restorable.ok ? [`the recovery points of ${region} (${fact.value.restorable.error})`] : [])),
  ].filter(Boolean);
  if (unreadable.length > 0) return { resource: 'account', status: 'ERROR', message: `No restore test was found, but ${unreadable.join(', ')} could not be read.` };
  return {
    resource: 'account',
    status: 'FAIL',
    message: `No AWS Backup restore job completed in the last ${days} days and no restore testing plan restores a recovery point in the ${ctx.regions.length} scanned region(s); recovery tests run outside AWS Backup need a recorded attestation instead.`,
  };
}

export const backupRestoreTested: Check = {
  id: 'backup_restore_tested',
  refs: ['FTR-8.2'],
  title: 'Backups are restored periodically to prove they work',
  severity: 'medium',
  rationale: quote('FTR-8.2'),
  remediation:
    'Set up an AWS Backup restore testing plan with a resource selection, or restore a recovery point and validate the data at least once per window; record recovery tests done outside AWS Backup (date, scope, result).',
  scope: 'regional',
  kind: 'automated',
  actions: [...PROTECTED_RESOURCE_ACTIONS, ...RESTORE_EVIDENCE_ACTIONS].sort(),
  async run(ctx) {
    return regionalFindingsWithVerdict(ctx, regionRestores, {
      what: 'AWS Backup restore jobs and restore testing plans',
      evaluate: (region) => [judgeRegion(ctx, region)],
      verdict: (perRegion) => accountVerdict(ctx, perRegion),
    });
  },
};
