import type { TaskDefinition } from '@aws-sdk/client-ecs';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { secretLookingVariables, variableList } from './environmentSecrets';
import { latestTaskDefinitions } from './inventory';

/** Every plain environment variable of every container (the `secrets` field is the safe alternative and is not read). */
function environmentOf(taskDefinition: TaskDefinition): Array<[string, string | undefined]> {
  return (taskDefinition.containerDefinitions ?? []).flatMap((container) =>
    (container.environment ?? []).flatMap((variable): Array<[string, string | undefined]> => (variable.name ? [[variable.name, variable.value]] : [])),
  );
}

export const ecsTaskDefinitionEnvironmentSecrets: Check = {
  id: 'ecs_task_definitions_no_environment_secrets',
  refs: ['FTR-7.9'],
  title: 'ECS task definitions hold no credentials in environment variables',
  severity: 'critical',
  rationale: quote('FTR-7.9'),
  remediation:
    'Move the credential into Secrets Manager or an SSM SecureString parameter and reference it from the container definition’s `secrets` field, rotate the exposed value, and register a new task definition revision.',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    // Without a described revision there is no ARN: the family's ARN prefix names it stably.
    const familyArn = (family: string) => `arn:aws:ecs:${ctx.region}:${ctx.accountId}:task-definition/${family}`;
    return (await latestTaskDefinitions(ctx)).map((lookup): Finding => {
      if ('error' in lookup) {
        return { resource: familyArn(lookup.family), status: 'ERROR', message: `The latest revision of ECS task definition family ${lookup.family} could not be described (${lookup.error}).` };
      }
      const { taskDefinition } = lookup;
      const resource = taskDefinition.taskDefinitionArn ?? `${familyArn(lookup.family)}:${taskDefinition.revision}`;
      const label = `ECS task definition ${lookup.family}:${taskDefinition.revision}`;
      const suspicious = secretLookingVariables(environmentOf(taskDefinition));
      return suspicious.length > 0
        ? { resource, status: 'FAIL', message: `${label} holds what looks like a credential in environment ${variableList(suspicious)}.` }
        : { resource, status: 'PASS', message: `${label} has no credential-looking environment variable.` };
    });
  },
};
