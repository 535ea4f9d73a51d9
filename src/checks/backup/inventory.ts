import {
  BackupClient,
  GetBackupPlanCommand,
  paginateListBackupPlans,
  paginateListBackupSelections,
  paginateListProtectedResources,
  paginateListRestoreJobs,
  paginateListRestoreTestingPlans,
  type BackupRule,
} from '@aws-sdk/client-backup';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';

const DAY_MS = 86_400_000;
/** GetBackupPlan + ListBackupSelections calls in flight at once in one region. */
const PLAN_CONCURRENCY = 8;

export interface BackupPlanFacts {
  arn: string;
  name: string;
  /** Why the plan's rules or selections could not be read; the other plans are still evaluated. */
  error?: string;
  rules: BackupRule[];
  selections: number;
}

export interface RegionBackups {
  plans: BackupPlanFacts[];
  /** How many resources AWS Backup holds recovery points for in the region. */
  protectedCount: number;
}

/** True when the region backs something up or has a plan to: then its restores matter. */
export const backsUpAnything = (backups: RegionBackups) => backups.plans.length > 0 || backups.protectedCount > 0;

/** A plan that schedules backups of selected resources: at least one rule and one resource selection. */
export const isCompletePlan = (plan: BackupPlanFacts) => !plan.error && plan.rules.length > 0 && plan.selections > 0;

/** The region's backup plans with their rules and resource selections, and its protected resources, read once per scan. */
export const regionBackups = defineInventory<RegionBackups>('backup.regionBackups', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(BackupClient, region);
  const listed: Array<{ id: string; arn: string; name: string }> = [];
  for await (const page of paginateListBackupPlans({ client }, {})) {
    for (const p of page.BackupPlansList ?? []) {
      if (p.BackupPlanId) listed.push({ id: p.BackupPlanId, arn: p.BackupPlanArn ?? p.BackupPlanId, name: p.BackupPlanName ?? p.BackupPlanId });
    }
  }
  const limit = pLimit(PLAN_CONCURRENCY);
  const plans = await Promise.all(
    listed.map((p) =>
      limit(async (): Promise<BackupPlanFacts> => {
        try {
          const plan = await client.send(new GetBackupPlanCommand({ BackupPlanId: p.id }));
          let selections = 0;
          for await (const page of paginateListBackupSelections({ client }, { BackupPlanId: p.id })) selections += page.BackupSelectionsList?.length ?? 0;
          return { arn: p.arn, name: p.name, rules: plan.BackupPlan?.Rules ?? [], selections };
        } catch (err) {
          return { arn: p.arn, name: p.name, error: describeError(err), rules: [], selections: 0 };
        }
      }),
    ),
  );
  let protectedCount = 0;
  for await (const page of paginateListProtectedResources({ client }, {})) protectedCount += page.Results?.length ?? 0;
  return { plans, protectedCount };
});

export interface RestoreEvidence {
  /** Restore jobs COMPLETED within `restoreTestWindowDays`. */
  completedJobs: number;
  latestCompletion?: Date;
  /** Names of the region's AWS Backup restore testing plans. */
  testingPlans: string[];
}

/** The region's recent completed restore jobs and its restore testing plans, read once per scan. */
export const restoreEvidence = defineInventory<RestoreEvidence>('backup.restoreEvidence', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(BackupClient, region);
  const since = new Date(ctx.now().getTime() - ctx.thresholds.restoreTestWindowDays * DAY_MS);
  let completedJobs = 0;
  let latestCompletion: Date | undefined;
  for await (const page of paginateListRestoreJobs({ client }, { ByStatus: 'COMPLETED', ByCompleteAfter: since })) {
    for (const job of page.RestoreJobs ?? []) {
      // The filter is the service's; a job without a completion date inside the window is not counted.
      if (!job.CompletionDate || job.CompletionDate < since) continue;
      completedJobs += 1;
      if (!latestCompletion || job.CompletionDate > latestCompletion) latestCompletion = job.CompletionDate;
    }
  }
  const testingPlans: string[] = [];
  for await (const page of paginateListRestoreTestingPlans({ client }, {})) {
    for (const p of page.RestoreTestingPlans ?? []) testingPlans.push(p.RestoreTestingPlanName ?? p.RestoreTestingPlanArn ?? 'unnamed');
  }
  return { completedJobs, latestCompletion, testingPlans };
});
