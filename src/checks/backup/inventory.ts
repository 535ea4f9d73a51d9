import {
  BackupClient,
  GetBackupPlanCommand,
  paginateListBackupPlans,
  paginateListBackupSelections,
  paginateListProtectedResources,
  type BackupRule,
} from '@aws-sdk/client-backup';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';

export interface BackupPlanFacts {
  arn: string;
  name: string;
  /** Why the plan's rules or selections could not be read; the other plans are still evaluated. */
  error?: string;
  rules: BackupRule[];
  selections: number;
}

/** The region's backup plans with their rules and resource selections, read once per scan. */
export const backupPlans = defineInventory<BackupPlanFacts[]>('backup.plans', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(BackupClient, region);
  const listed: Array<{ id: string; arn: string; name: string }> = [];
  for await (const page of paginateListBackupPlans({ client }, {})) {
    for (const p of page.BackupPlansList ?? []) {
      if (p.BackupPlanId) listed.push({ id: p.BackupPlanId, arn: p.BackupPlanArn ?? p.BackupPlanId, name: p.BackupPlanName ?? p.BackupPlanId });
    }
  }
  const limit = pLimit(8);
  return Promise.all(
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
});

/** How many resources AWS Backup has recovery points for in the region. */
export const protectedResourceCount = defineInventory<number>('backup.protectedResources', 'regional', async (ctx, region) => {
  let count = 0;
  for await (const page of paginateListProtectedResources({ client: ctx.aws.client(BackupClient, region) }, {})) count += page.Results?.length ?? 0;
  return count;
});
