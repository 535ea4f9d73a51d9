import { paginateListResourceComplianceSummaries, SSMClient, type ResourceComplianceSummaryItem } from '@aws-sdk/client-ssm';
import { instanceArn, runningInstances } from '../../aws/inventories/ec2Instances';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

/** Patch compliance summaries of the region's managed nodes: one paged walk per region. */
async function patchSummaries(ctx: CheckContext): Promise<ResourceComplianceSummaryItem[]> {
  const items: ResourceComplianceSummaryItem[] = [];
  const pages = paginateListResourceComplianceSummaries(
    { client: ctx.aws.client(SSMClient, ctx.region) },
    { Filters: [{ Key: 'ComplianceType', Values: ['Patch'], Type: 'EQUAL' }], MaxResults: 50 },
  );
  for await (const page of pages) items.push(...(page.ResourceComplianceSummaryItems ?? []));
  return items;
}

/** EC2 instances (`i-…`) by their EC2 ARN; hybrid nodes (`mi-…`) by their Systems Manager ARN. */
function nodeArn(ctx: CheckContext, id: string): string {
  return id.startsWith('i-') ? instanceArn(ctx.region, ctx.accountId, id) : `arn:aws:ssm:${ctx.region}:${ctx.accountId}:managed-instance/${id}`;
}

function missingPatches(item: ResourceComplianceSummaryItem): string {
  const count = item.NonCompliantSummary?.NonCompliantCount;
  const bySeverity = Object.entries(item.NonCompliantSummary?.SeveritySummary ?? {})
    .filter(([, n]) => typeof n === 'number' && n > 0)
    .map(([severity, n]) => `${n} ${severity.replace(/Count$/, '').toLowerCase()}`);
  const total = count === undefined ? 'missing patches' : `${count} missing patch${count === 1 ? '' : 'es'}`;
  return bySeverity.length > 0 ? `${total} (${bySeverity.join(', ')})` : total;
}

const DAY_MS = 86_400_000;

function judgeSummary(ctx: CheckContext, item: ResourceComplianceSummaryItem): Finding {
  const id = item.ResourceId!;
  const resource = nodeArn(ctx, id);
  if (item.Status !== 'COMPLIANT' && item.Status !== 'NON_COMPLIANT') {
    return { resource, status: 'ERROR', message: `Systems Manager reported patch compliance ${item.Status ?? '(none)'} for ${id}.` };
  }
  const scannedAt = item.ExecutionSummary?.ExecutionTime;
  const ageDays = scannedAt && Math.max(0, Math.floor((ctx.now().getTime() - scannedAt.getTime()) / DAY_MS));
  const day = scannedAt?.toISOString().slice(0, 10);
  const ago = `${ageDays} day${ageDays === 1 ? '' : 's'} ago`;
  const scanned = scannedAt ? `, last scanned ${day} (${ago})` : '';
  if (item.Status === 'NON_COMPLIANT') return { resource, status: 'FAIL', message: `Managed node ${id} is not patch compliant: ${missingPatches(item)}${scanned}.` };
  if (ageDays === undefined) {
    return { resource, status: 'ERROR', message: `Managed node ${id} is reported patch compliant without a scan time, so how current that is is unknown.` };
  }
  // A compliant state Patch Manager has not refreshed for longer than the threshold says nothing about today's patches.
  const maxAgeDays = ctx.thresholds.patchComplianceMaxAgeDays;
  if (ageDays > maxAgeDays) {
    return {
      resource,
      status: 'FAIL',
      message: `Managed node ${id} was last scanned by Patch Manager on ${day}, ${ago} (more than ${maxAgeDays}): its compliant status is too old to show that patching still runs.`,
    };
  }
  return { resource, status: 'PASS', message: `Managed node ${id} is patch compliant${scanned}.` };
}

export const ssmPatchCompliance: Check = {
  id: 'ssm_managed_compliant_patching',
  refs: ['WAS-INF-1'],
  title: 'Instances are managed by Systems Manager and patch compliant',
  severity: 'high',
  rationale: quote('WAS-INF-1'),
  remediation:
    'Make every instance a Systems Manager managed node (SSM Agent plus an instance profile with AmazonSSMManagedInstanceCore, or Default Host Management), and patch it on a schedule with Patch Manager (a patch policy in Quick Setup or a maintenance window running AWS-RunPatchBaseline).',
  scope: 'regional',
  kind: 'automated',
  actions: ['ec2:DescribeInstances', 'ssm:ListResourceComplianceSummaries'],
  async run(ctx) {
    const [summaries, instances] = await Promise.all([patchSummaries(ctx), runningInstances(ctx)]);
    const reported = summaries.filter((s) => s.ResourceId);
    const findings = reported.map((s) => judgeSummary(ctx, s));
    const withPatchData = new Set(reported.map((s) => s.ResourceId!));
    for (const instance of instances) {
      if (!instance.InstanceId || withPatchData.has(instance.InstanceId)) continue;
      findings.push({
        resource: instanceArn(ctx.region, ctx.accountId, instance.InstanceId),
        status: 'FAIL',
        message: `Running instance ${instance.InstanceId} reports no patch compliance: it is not managed by Systems Manager or was never scanned by Patch Manager.`,
      });
    }
    return findings;
  },
};
