import { paginateListTaskDefinitionFamilies, DescribeTaskDefinitionCommand, ECSClient, type TaskDefinition } from '@aws-sdk/client-ecs';
import { LambdaClient, paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { paginateListSecrets, SecretsManagerClient, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';

/** DescribeTaskDefinition calls in flight at once in one region. */
const TASK_DEFINITION_CONCURRENCY = 8;

/** The region's Secrets Manager secrets: one paged ListSecrets walk per region. */
export const secrets = defineInventory<SecretListEntry[]>('secretsmanager.secrets', 'regional', async (ctx, region) => {
  const all: SecretListEntry[] = [];
  for await (const page of paginateListSecrets({ client: ctx.aws.client(SecretsManagerClient, region) }, { MaxResults: 100 })) {
    all.push(...(page.SecretList ?? []));
  }
  return all;
});

/** The region's Lambda functions with their environment: one paged ListFunctions walk per region. */
export const lambdaFunctions = defineInventory<FunctionConfiguration[]>('lambda.functions', 'regional', async (ctx, region) => {
  const all: FunctionConfiguration[] = [];
  for await (const page of paginateListFunctions({ client: ctx.aws.client(LambdaClient, region) }, {})) all.push(...(page.Functions ?? []));
  return all;
});

/** One task definition family's latest revision, or why it could not be described. */
export type TaskDefinitionLookup = { family: string; taskDefinition: TaskDefinition } | { family: string; error: string };

/**
 * The latest ACTIVE revision of each ACTIVE ECS task definition family. Older revisions are
 * left out: they are what a new deployment would not use, and there can be thousands.
 */
export const latestTaskDefinitions = defineInventory<TaskDefinitionLookup[]>('ecs.latestTaskDefinitions', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(ECSClient, region);
  const families: string[] = [];
  for await (const page of paginateListTaskDefinitionFamilies({ client }, { status: 'ACTIVE' })) families.push(...(page.families ?? []));
  const limit = pLimit(TASK_DEFINITION_CONCURRENCY);
  return Promise.all(
    families.map((family) =>
      limit(async (): Promise<TaskDefinitionLookup> => {
        try {
          // Describing by family name returns the latest ACTIVE revision.
          const out = await client.send(new DescribeTaskDefinitionCommand({ taskDefinition: family }));
          return out.taskDefinition ? { family, taskDefinition: out.taskDefinition } : { family, error: 'the response held no task definition' };
        } catch (err) {
          // Kept per family, so that one unreadable family is an ERROR for that family only.
          return { family, error: describeError(err) };
        }
      }),
    ),
  );
});
