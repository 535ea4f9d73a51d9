import { paginateListWorkloads, WellArchitectedClient, type WorkloadSummary } from '@aws-sdk/client-wellarchitected';
import { defineInventory } from '../../aws/inventory';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

const DAY_MS = 86_400_000;

/** The region's Well-Architected workloads. */
export const wellArchitectedWorkloads = defineInventory<WorkloadSummary[]>('wellarchitected.workloads', 'regional', async (ctx, region) => {
  const workloads: WorkloadSummary[] = [];
  for await (const page of paginateListWorkloads({ client: ctx.aws.client(WellArchitectedClient, region) }, {})) {
    workloads.push(...(page.WorkloadSummaries ?? []));
  }
  return workloads;
});

/** The FTR lens, by its alias `ftr` or by a lens ARN ending in `lens/ftr`. */
const isFtrLens = (lens: string) => /(^|:lens\/)ftr$/i.test(lens);

export const wellArchitectedFtrReviewRecent: Check = {
  id: 'wellarchitected_ftr_review_recent',
  refs: ['FTR-2.1'],
  title: 'A Well-Architected review with the FTR lens is recent',
  severity: 'medium',
  rationale: quote('FTR-2.1'),
  remediation:
    'Review each workload in the Well-Architected Tool with the FTR lens applied, and update the review at least once within the configured window.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx): Promise<Finding[]> {
    const workloads = await wellArchitectedWorkloads(ctx);
    const maxAgeDays = ctx.thresholds.wellArchitectedReviewMaxAgeDays;
    const reviewed = workloads.filter((w) => (w.Lenses ?? []).some(isFtrLens));
    if (reviewed.length === 0) {
      return [{ resource: 'account', status: 'FAIL', message: `No Well-Architected workload in ${ctx.region} has the FTR lens applied (${workloads.length} workload${workloads.length === 1 ? '' : 's'} found).` }];
    }
    return reviewed.map((w): Finding => {
      const resource = w.WorkloadArn ?? w.WorkloadId ?? w.WorkloadName ?? 'unknown-workload';
      const name = w.WorkloadName ?? w.WorkloadId ?? resource;
      if (!w.UpdatedAt) return { resource, status: 'ERROR', message: `Workload ${name} has the FTR lens but no last update date, so the age of its review is unknown.` };
      const ageDays = Math.floor((ctx.now().getTime() - w.UpdatedAt.getTime()) / DAY_MS);
      const updated = w.UpdatedAt.toISOString().slice(0, 10);
      return ageDays <= maxAgeDays
        ? { resource, status: 'PASS', message: `Workload ${name} has the FTR lens and was last updated on ${updated} (${ageDays} days ago, within ${maxAgeDays}).` }
        : { resource, status: 'FAIL', message: `Workload ${name} has the FTR lens but was last updated on ${updated}, ${ageDays} days ago (more than ${maxAgeDays}).` };
    });
  },
};
