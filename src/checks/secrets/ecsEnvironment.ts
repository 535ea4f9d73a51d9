import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { environmentFinding } from './environmentSecrets';
import { ECS_TASK_DEFINITIONS_ACTIONS, ecsTaskDefinitionsInUse, type TaskDefinitionInUse, type TaskDefinitionUse } from './inventory';

/** Every plain environment variable of every container (the `secrets` field is the safe alternative and is not read). */
function environmentOf(taskDefinition: TaskDefinition): Array<[string, string | undefined]> {
  return (taskDefinition.containerDefinitions ?? []).flatMap((container) =>
    (container.environment ?? []).flatMap((variable): Array<[string, string | undefined]> => (variable.name ? [[variable.name, variable.value]] : [])),
  );
}

/** "latest revision, service web in cluster prod (ACTIVE deployment), 2 running tasks in cluster batch". */
function describeUses(uses: TaskDefinitionUse[]): string {
  // A service names its revision both as its task definition and in its deployments: one phrase per service.
  const phrases = new Map<string, Set<string>>();
  for (const use of uses) {
    const phrase =
      use.kind === 'latest'
        ? 'latest revision'
        : use.kind === 'service'
          ? `service ${use.service} in cluster ${use.cluster}`
          : `${use.count} running task${use.count === 1 ? '' : 's'} in cluster ${use.cluster}`;
    const deployments = phrases.get(phrase) ?? new Set<string>();
    if (use.kind === 'service' && use.deployment) deployments.add(use.deployment);
    phrases.set(phrase, deployments);
  }
  return [...phrases].map(([phrase, deployments]) => (deployments.size > 0 ? `${phrase} (${[...deployments].join(', ')} deployment)` : phrase)).join(', ');
}

function judge(entry: TaskDefinitionInUse): Finding {
  const usedBy = describeUses(entry.uses);
  if (!entry.taskDefinition.ok) {
    const what = entry.uses.every((u) => u.kind === 'latest') ? `The latest revision of ECS task definition family ${entry.family}` : `ECS task definition ${entry.arn} (${usedBy})`;
    return { resource: entry.arn, status: 'ERROR', message: `${what} could not be described (${entry.taskDefinition.error}).` };
  }
  return environmentFinding(entry.arn, `ECS task definition ${entry.arn} (${usedBy})`, environmentOf(entry.taskDefinition.value));
}

export const ecsTaskDefinitionEnvironmentSecrets: Check = {
  id: 'ecs_task_definitions_no_environment_secrets',
  refs: ['FTR-7.9'],
  title: 'ECS task definitions in use hold no credentials in environment variables',
  severity: 'critical',
  rationale: quote('FTR-7.9'),
  remediation:
    'Move the credential into Secrets Manager or an SSM SecureString parameter and reference it from the container definition’s `secrets` field, rotate the exposed value, register a new task definition revision and redeploy every service and task still running the old one.',
  scope: 'regional',
  kind: 'automated',
  actions: ECS_TASK_DEFINITIONS_ACTIONS,
  async run(ctx) {
    const { taskDefinitions, unreadableClusters } = await ecsTaskDefinitionsInUse(ctx);
    return [
      ...taskDefinitions.map(judge),
      ...unreadableClusters.map(
        ({ arn, error }): Finding => ({
          resource: arn,
          status: 'ERROR',
          message: `The services and running tasks of ECS cluster ${arn} could not be read (${error}), so the task definition revisions they use are not judged.`,
        }),
      ),
    ];
  },
};
