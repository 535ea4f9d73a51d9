import { BackupClient, paginateListRestoreJobs, paginateListRestoreTestingPlans, type RestoreJobsListMember } from '@aws-sdk/client-backup';
import type { Check } from '../../core/types';
import { quote } from '../define';

const DAY_MS = 24 * 60 * 60 * 1000;

export const backupRestoreTested: Check = {
  id: 'backup_restore_tested',
  refs: ['FTR-8.2'],
  title: 'Backups are restored periodically to prove they work',
  severity: 'medium',
  rationale: quote('FTR-8.2'),
  remediation: 'Set up an AWS Backup restore testing plan, or restore a recovery point and validate the data at least once per window.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const client = ctx.aws.client(BackupClient, ctx.region);
    const days = ctx.thresholds.restoreTestWindowDays;
    const since = new Date(ctx.now().getTime() - days * DAY_MS);
    const jobs: RestoreJobsListMember[] = [];
    for await (const page of paginateListRestoreJobs({ client }, { ByStatus: 'COMPLETED', ByCompleteAfter: since })) {
      jobs.push(...(page.RestoreJobs ?? []));
    }
    const recent = jobs.filter((j) => j.CompletionDate && j.CompletionDate >= since);
    const testingPlans: string[] = [];
    for await (const page of paginateListRestoreTestingPlans({ client }, {})) {
      for (const p of page.RestoreTestingPlans ?? []) testingPlans.push(p.RestoreTestingPlanName ?? p.RestoreTestingPlanArn ?? 'unnamed');
    }
    if (recent.length === 0 && testingPlans.length === 0) {
      return [{ resource: 'account', status: 'FAIL', message: `No restore job completed in ${ctx.region} in the last ${days} days and no restore testing plan exists.` }];
    }
    const latest = recent.map((j) => j.CompletionDate!.getTime()).sort((a, b) => b - a)[0];
    const parts = [
      recent.length > 0 ? `${recent.length} restore job(s) completed in the last ${days} days (latest ${new Date(latest).toISOString().slice(0, 10)})` : undefined,
      testingPlans.length > 0 ? `restore testing plan(s): ${testingPlans.join(', ')}` : undefined,
    ].filter(Boolean);
    return [{ resource: 'account', status: 'PASS', message: `Restores are tested in ${ctx.region}: ${parts.join('; ')}.` }];
  },
};
