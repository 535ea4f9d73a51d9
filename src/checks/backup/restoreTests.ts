import { regionalFindingsWithVerdict, unreadableRegions, type RegionFact } from '../../aws/inventories/acrossRegions';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { backsUpAnything, regionBackups, restoreEvidence, type RegionBackups, type RestoreEvidence } from './inventory';

interface RegionRestores {
  backups: RegionBackups;
  restores: RestoreEvidence;
}

/** Both inventories of a region; each is read once per scan. */
const regionRestores = async (ctx: CheckContext, region: string): Promise<RegionRestores> => {
  const [backups, restores] = await Promise.all([regionBackups(ctx, region), restoreEvidence(ctx, region)]);
  return { backups, restores };
};

/** "2 restore job(s) completed in the last 365 days (latest 2026-06-02); restore testing plan(s): weekly", or undefined when untested. */
function describeTests({ completedJobs, latestCompletion, testingPlans }: RestoreEvidence, days: number): string | undefined {
  const parts = [
    completedJobs > 0 ? `${completedJobs} restore job(s) completed in the last ${days} days${latestCompletion ? ` (latest ${latestCompletion.toISOString().slice(0, 10)})` : ''}` : undefined,
    testingPlans.length > 0 ? `restore testing plan(s): ${testingPlans.join(', ')}` : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? parts.join('; ') : undefined;
}

function judgeRegion(ctx: CheckContext, { backups, restores }: RegionRestores): Finding {
  const days = ctx.thresholds.restoreTestWindowDays;
  const tests = describeTests(restores, days);
  if (tests) return { resource: 'account', status: 'PASS', message: `Restores are tested in ${ctx.region}: ${tests}.` };
  if (backsUpAnything(backups)) {
    return { resource: 'account', status: 'FAIL', message: `${ctx.region} has backups but no restore job completed in the last ${days} days and no restore testing plan exists.` };
  }
  return { resource: 'account', status: 'NOT_APPLICABLE', message: `Nothing is backed up in ${ctx.region}, so there is nothing to restore-test here.` };
}

function accountVerdict(ctx: CheckContext, perRegion: Array<RegionFact<RegionRestores>>): Finding {
  const days = ctx.thresholds.restoreTestWindowDays;
  const tested = perRegion.flatMap(({ region, fact }) => {
    const tests = fact.ok ? describeTests(fact.value.restores, days) : undefined;
    return tests ? [`${region} (${tests})`] : [];
  });
  if (tested.length > 0) return { resource: 'account', status: 'PASS', message: `Restores are tested in ${tested.join(', ')}.` };
  const unreadable = unreadableRegions(perRegion);
  if (unreadable) return { resource: 'account', status: 'ERROR', message: `No restore test was found, but the restores of ${unreadable} could not be read.` };
  return {
    resource: 'account',
    status: 'FAIL',
    message: `No AWS Backup restore job completed in the last ${days} days and no restore testing plan exists in the ${ctx.regions.length} scanned region(s); recovery tests run outside AWS Backup need a recorded attestation instead.`,
  };
}

export const backupRestoreTested: Check = {
  id: 'backup_restore_tested',
  refs: ['FTR-8.2'],
  title: 'Backups are restored periodically to prove they work',
  severity: 'medium',
  rationale: quote('FTR-8.2'),
  remediation:
    'Set up an AWS Backup restore testing plan, or restore a recovery point and validate the data at least once per window; record recovery tests done outside AWS Backup (date, scope, result).',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    return regionalFindingsWithVerdict(ctx, regionRestores, {
      what: 'AWS Backup restore jobs and restore testing plans',
      evaluate: (region) => [judgeRegion(ctx, region)],
      verdict: (perRegion) => accountVerdict(ctx, perRegion),
    });
  },
};
