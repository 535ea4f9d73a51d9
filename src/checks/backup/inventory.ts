import {
  BackupClient,
  GetBackupPlanCommand,
  GetBackupSelectionCommand,
  paginateListBackupPlans,
  paginateListBackupSelections,
  paginateListProtectedResources,
  paginateListRestoreJobs,
  paginateListRestoreTestingPlans,
  paginateListRestoreTestingSelections,
  type BackupRule,
  type BackupSelection,
} from '@aws-sdk/client-backup';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import { defineInventory } from '../../aws/inventory';

const DAY_MS = 86_400_000;
/** Per-plan (and per-selection) calls in flight at once in one region. */
const PLAN_CONCURRENCY = 8;

export const BACKUP_PLAN_ACTIONS = ['backup:GetBackupPlan', 'backup:GetBackupSelection', 'backup:ListBackupPlans', 'backup:ListBackupSelections'] as const;
export const PROTECTED_RESOURCE_ACTIONS = ['backup:ListProtectedResources'] as const;
export const RESTORE_EVIDENCE_ACTIONS = ['backup:ListRestoreJobs', 'backup:ListRestoreTestingPlans', 'backup:ListRestoreTestingSelections'] as const;

/** The promise's value, or why it failed, as a fact to judge. */
export const factOf = <T>(promise: Promise<T>): Promise<Fact<T>> =>
  promise.then(
    (value): Fact<T> => ({ ok: true, value }),
    (err): Fact<T> => ({ ok: false, error: describeError(err) }),
  );

export interface SelectionFacts {
  name: string;
  selection: Fact<BackupSelection>;
}

export interface BackupPlanFacts {
  arn: string;
  name: string;
  /** The plan's rules and selections, or why they could not be read; the other plans are still evaluated. */
  details: Fact<{ rules: BackupRule[]; selections: SelectionFacts[] }>;
}

/** The region's AWS Backup plans with their rules and every resource selection's content, read once per scan. */
export const backupPlans = defineInventory<BackupPlanFacts[]>('backup.plans', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(BackupClient, region);
  const listed: Array<{ id: string; arn: string; name: string }> = [];
  for await (const page of paginateListBackupPlans({ client }, {})) {
    for (const p of page.BackupPlansList ?? []) {
      if (p.BackupPlanId) listed.push({ id: p.BackupPlanId, arn: p.BackupPlanArn ?? p.BackupPlanId, name: p.BackupPlanName ?? p.BackupPlanId });
    }
  }
  const limit = pLimit(PLAN_CONCURRENCY);
  const readSelection = (planId: string, selectionId: string, name: string): Promise<SelectionFacts> =>
    limit(() => client.send(new GetBackupSelectionCommand({ BackupPlanId: planId, SelectionId: selectionId }))).then(
      (out): SelectionFacts =>
        out.BackupSelection ? { name, selection: { ok: true, value: out.BackupSelection } } : { name, selection: { ok: false, error: 'GetBackupSelection answered without a selection' } },
      (err): SelectionFacts => ({ name, selection: { ok: false, error: describeError(err) } }),
    );
  return Promise.all(
    listed.map(async ({ id, arn, name }): Promise<BackupPlanFacts> => {
      try {
        const plan = await limit(() => client.send(new GetBackupPlanCommand({ BackupPlanId: id })));
        const listedSelections = await limit(async () => {
          const all: Array<{ id: string; name: string }> = [];
          for await (const page of paginateListBackupSelections({ client }, { BackupPlanId: id })) {
            for (const s of page.BackupSelectionsList ?? []) if (s.SelectionId) all.push({ id: s.SelectionId, name: s.SelectionName ?? s.SelectionId });
          }
          return all;
        });
        const selections = await Promise.all(listedSelections.map((s) => readSelection(id, s.id, s.name)));
        return { arn, name, details: { ok: true, value: { rules: plan.BackupPlan?.Rules ?? [], selections } } };
      } catch (err) {
        return { arn, name, details: { ok: false, error: describeError(err) } };
      }
    }),
  );
});

/** When AWS Backup last backed up each resource of the region that has a recovery point, by resource ARN. */
export const protectedResources = defineInventory<Map<string, Date | undefined>>('backup.protectedResources', 'regional', async (ctx, region) => {
  const lastBackup = new Map<string, Date | undefined>();
  for await (const page of paginateListProtectedResources({ client: ctx.aws.client(BackupClient, region) }, {})) {
    for (const r of page.Results ?? []) if (r.ResourceArn) lastBackup.set(r.ResourceArn, r.LastBackupTime);
  }
  return lastBackup;
});

export interface RestoreTestingPlanFacts {
  name: string;
  /** How many resource selections the plan has: a plan without one restores nothing. */
  selections: number;
}

export interface RestoreEvidence {
  /** Restore jobs COMPLETED within `restoreTestWindowDays`. */
  completedJobs: number;
  latestCompletion?: Date;
  testingPlans: RestoreTestingPlanFacts[];
}

/** The region's recent completed restore jobs and its restore testing plans with their selection counts, read once per scan. */
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
  const names: string[] = [];
  for await (const page of paginateListRestoreTestingPlans({ client }, {})) {
    for (const p of page.RestoreTestingPlans ?? []) if (p.RestoreTestingPlanName) names.push(p.RestoreTestingPlanName);
  }
  const testingPlans = await Promise.all(
    names.map(async (name): Promise<RestoreTestingPlanFacts> => {
      let selections = 0;
      for await (const page of paginateListRestoreTestingSelections({ client }, { RestoreTestingPlanName: name })) selections += page.RestoreTestingSelections?.length ?? 0;
      return { name, selections };
    }),
  );
  return { completedJobs, latestCompletion, testingPlans };
});
