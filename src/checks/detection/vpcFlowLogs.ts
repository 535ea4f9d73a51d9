import { EC2Client, paginateDescribeFlowLogs, type FlowLog } from '@aws-sdk/client-ec2';
import { vpcArn, vpcs } from '../../aws/inventories/vpcs';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

/** VPC ids per DescribeFlowLogs resource-id filter, to stay within EC2's filter value limit. */
const VPC_IDS_PER_FILTER = 100;

/** The flow logs attached to the given VPCs, by VPC id. */
async function vpcFlowLogs(ctx: CheckContext, vpcIds: string[]): Promise<Map<string, FlowLog[]>> {
  const ec2 = ctx.aws.client(EC2Client, ctx.region);
  const byVpc = new Map<string, FlowLog[]>();
  for (let start = 0; start < vpcIds.length; start += VPC_IDS_PER_FILTER) {
    const filter = [{ Name: 'resource-id', Values: vpcIds.slice(start, start + VPC_IDS_PER_FILTER) }];
    for await (const page of paginateDescribeFlowLogs({ client: ec2 }, { Filter: filter, MaxResults: 1000 })) {
      for (const log of page.FlowLogs ?? []) {
        if (log.ResourceId) byVpc.set(log.ResourceId, [...(byVpc.get(log.ResourceId) ?? []), log]);
      }
    }
  }
  return byVpc;
}

/** A flow log that is on and whose deliveries are not failing. */
const isDelivering = (log: FlowLog) => log.FlowLogStatus === 'ACTIVE' && log.DeliverLogsStatus !== 'FAILED';

const describeLog = (log: FlowLog) =>
  `${log.FlowLogId} (${log.TrafficType ?? 'unknown'} traffic to ${log.LogDestinationType ?? 'unknown destination'}${log.LogDestination ? ` ${log.LogDestination}` : log.LogGroupName ? ` ${log.LogGroupName}` : ''})`;

export const vpcFlowLogsEnabled: Check = {
  id: 'vpc_flow_logs_enabled',
  refs: ['WAS-DET-2'],
  title: 'Every VPC has an active flow log',
  severity: 'medium',
  rationale: quote('WAS-DET-2'),
  remediation:
    'Create a flow log for the VPC (`aws ec2 create-flow-logs --resource-type VPC --traffic-type ALL …`) delivering to a central, access-restricted S3 bucket or CloudWatch Logs group.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const regionVpcs = (await vpcs(ctx)).filter((v) => v.VpcId);
    if (regionVpcs.length === 0) return [];
    const logs = await vpcFlowLogs(ctx, regionVpcs.map((v) => v.VpcId!));
    return regionVpcs.map(({ VpcId: id }): Finding => {
      const resource = vpcArn(ctx.region, ctx.accountId, id!);
      const attached = logs.get(id!) ?? [];
      const delivering = attached.filter(isDelivering);
      if (delivering.length > 0) {
        return { resource, status: 'PASS', message: `VPC ${id} has active flow log ${delivering.map(describeLog).join(', ')}.` };
      }
      if (attached.length > 0) {
        const states = attached.map((l) => `${l.FlowLogId} is ${l.FlowLogStatus ?? 'in an unknown state'}, delivery ${l.DeliverLogsStatus ?? 'unknown'}${l.DeliverLogsErrorMessage ? ` (${l.DeliverLogsErrorMessage})` : ''}`);
        return { resource, status: 'FAIL', message: `VPC ${id} has no working flow log: ${states.join('; ')}.` };
      }
      return { resource, status: 'FAIL', message: `VPC ${id} has no flow log, so its network traffic is not recorded.` };
    });
  },
};
