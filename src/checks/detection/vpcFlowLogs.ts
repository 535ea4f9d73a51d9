import { EC2Client, paginateDescribeFlowLogs, type FlowLog } from '@aws-sdk/client-ec2';
import { vpcArn, vpcs } from '../../aws/inventories/vpcs';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';

/** Every flow log of the region by the resource it is attached to: one paged walk per region. */
async function flowLogsByResource(ctx: CheckContext): Promise<Map<string, FlowLog[]>> {
  const byResource = new Map<string, FlowLog[]>();
  for await (const page of paginateDescribeFlowLogs({ client: ctx.aws.client(EC2Client, ctx.region) }, { MaxResults: 1000 })) {
    for (const log of page.FlowLogs ?? []) {
      if (!log.ResourceId) continue;
      const attached = byResource.get(log.ResourceId);
      if (attached) attached.push(log);
      else byResource.set(log.ResourceId, [log]);
    }
  }
  return byResource;
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
  actions: ['ec2:DescribeFlowLogs', 'ec2:DescribeVpcs'],
  async run(ctx) {
    const regionVpcs = (await vpcs(ctx)).filter((v) => v.VpcId);
    if (regionVpcs.length === 0) return [];
    const logs = await flowLogsByResource(ctx);
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
