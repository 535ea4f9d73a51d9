import { CloudFormationClient, CreateStackCommand, DescribeStackEventsCommand, DescribeStacksCommand, ListStackResourcesCommand } from '@aws-sdk/client-cloudformation';
import type { AwsAccess } from '../../src/aws/clients';
import { templateText } from './templates';

export const REGION = 'us-east-1';

export interface DeployedStack {
  outputs: Record<string, string>;
  /** Physical ids by logical id, of the resources the stack created. */
  resources: Record<string, string>;
}

/** Creates a stack from a template of the repository and waits for CREATE_COMPLETE; throws with the reason otherwise. */
export async function deployStack(aws: AwsAccess, stackName: string, template: string, parameters: Record<string, string>): Promise<DeployedStack> {
  const cfn = aws.client(CloudFormationClient, REGION);
  await cfn.send(
    new CreateStackCommand({
      StackName: stackName,
      TemplateBody: templateText(template),
      Capabilities: ['CAPABILITY_NAMED_IAM'],
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({ ParameterKey, ParameterValue })),
    }),
  );
  const deadline = Date.now() + 20_000;
  for (;;) {
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: stackName }))).Stacks![0];
    if (stack.StackStatus === 'CREATE_COMPLETE') {
      const { StackResourceSummaries = [] } = await cfn.send(new ListStackResourcesCommand({ StackName: stackName }));
      return {
        outputs: Object.fromEntries((stack.Outputs ?? []).map((o) => [o.OutputKey!, o.OutputValue!])),
        // Resources the emulator skipped are listed without a logical id.
        resources: Object.fromEntries(StackResourceSummaries.filter((r) => r.LogicalResourceId).map((r) => [r.LogicalResourceId!, r.PhysicalResourceId!])),
      };
    }
    if (!stack.StackStatus?.endsWith('_IN_PROGRESS') || Date.now() > deadline) {
      const { StackEvents = [] } = await cfn.send(new DescribeStackEventsCommand({ StackName: stackName }));
      const reasons = StackEvents.filter((e) => e.ResourceStatusReason).map((e) => `${e.LogicalResourceId}: ${e.ResourceStatusReason}`);
      throw new Error(`stack ${stackName} is ${stack.StackStatus}: ${stack.StackStatusReason ?? ''}\n${reasons.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
