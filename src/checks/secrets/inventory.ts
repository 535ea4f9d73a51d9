import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  paginateListClusters,
  paginateListServices,
  paginateListTaskDefinitionFamilies,
  paginateListTasks,
  type Failure,
  type TaskDefinition,
} from '@aws-sdk/client-ecs';
import { GetFunctionConfigurationCommand, LambdaClient, paginateListAliases, paginateListFunctions, type FunctionConfiguration } from '@aws-sdk/client-lambda';
import { paginateListSecrets, SecretsManagerClient, type SecretListEntry } from '@aws-sdk/client-secrets-manager';
import pLimit from 'p-limit';
import { describeError } from '../../aws/errors';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import { defineInventory } from '../../aws/inventory';

/** Calls in flight at once in one region, for the per-function and per-cluster walks. */
const CONCURRENCY = 8;
/** DescribeServices takes at most 10 services, DescribeTasks at most 100 tasks. */
const SERVICES_PER_DESCRIBE = 10;
const TASKS_PER_DESCRIBE = 100;

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function factOf<T>(read: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await read() };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

export const SECRETS_ACTIONS = ['secretsmanager:ListSecrets'] as const;

/** The region's Secrets Manager secrets: one paged ListSecrets walk per region. */
export const secrets = defineInventory<SecretListEntry[]>('secretsmanager.secrets', 'regional', async (ctx, region) => {
  const all: SecretListEntry[] = [];
  for await (const page of paginateListSecrets({ client: ctx.aws.client(SecretsManagerClient, region) }, { MaxResults: 100 })) {
    all.push(...(page.SecretList ?? []));
  }
  return all;
});

export const LAMBDA_VERSIONS_ACTIONS = ['lambda:GetFunctionConfiguration', 'lambda:ListAliases', 'lambda:ListFunctions'] as const;

/** A published version an alias routes traffic to, with its configuration (environment included). */
export interface AliasedVersion {
  /** The qualified ARN, `…:function:name:3`. */
  arn: string;
  version: string;
  aliases: string[];
  configuration: Fact<FunctionConfiguration>;
}

/** A function as ListFunctions returns it ($LATEST), with the published versions its aliases serve. */
export interface LambdaFunctionVersions {
  latest: FunctionConfiguration;
  aliasedVersions: Fact<AliasedVersion[]>;
}

/** The published versions behind a function's aliases, each with the aliases serving it (weighted routing included). */
async function aliasedVersionNumbers(client: LambdaClient, functionName: string): Promise<Map<string, string[]>> {
  const aliasesOf = new Map<string, string[]>();
  const serve = (version: string, alias: string) => aliasesOf.set(version, [...(aliasesOf.get(version) ?? []), alias]);
  for await (const page of paginateListAliases({ client }, { FunctionName: functionName })) {
    for (const alias of page.Aliases ?? []) {
      const name = alias.Name ?? '(unnamed)';
      if (alias.FunctionVersion) serve(alias.FunctionVersion, name);
      for (const version of Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {})) serve(version, name);
    }
  }
  // $LATEST is judged from ListFunctions itself.
  aliasesOf.delete('$LATEST');
  return aliasesOf;
}

/**
 * The region's Lambda functions: $LATEST from one paged ListFunctions walk, and every published
 * version an alias serves, read with GetFunctionConfiguration. Versions no alias serves receive no
 * traffic through an alias and are left out: a function can have thousands.
 */
export const lambdaFunctionVersions = defineInventory<LambdaFunctionVersions[]>('lambda.functionVersions', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(LambdaClient, region);
  const functions: FunctionConfiguration[] = [];
  for await (const page of paginateListFunctions({ client }, {})) functions.push(...(page.Functions ?? []));
  const limit = pLimit(CONCURRENCY);
  return Promise.all(
    functions
      .filter((fn) => fn.FunctionArn && fn.FunctionName)
      .map(async (latest): Promise<LambdaFunctionVersions> => {
        // Kept per function and per version, so that what cannot be read is an ERROR for that resource only.
        const aliasesOf = await factOf(() => limit(() => aliasedVersionNumbers(client, latest.FunctionName!)));
        if (!aliasesOf.ok) return { latest, aliasedVersions: aliasesOf };
        const versions = await Promise.all(
          [...aliasesOf.value].map(async ([version, aliases]): Promise<AliasedVersion> => {
            const configuration = await factOf(() =>
              limit(() => client.send(new GetFunctionConfigurationCommand({ FunctionName: latest.FunctionName, Qualifier: version }))),
            );
            return { arn: `${latest.FunctionArn}:${version}`, version, aliases: [...aliases].sort(), configuration };
          }),
        );
        return { latest, aliasedVersions: { ok: true, value: versions } };
      }),
  );
});

export const ECS_TASK_DEFINITIONS_ACTIONS = [
  'ecs:DescribeServices',
  'ecs:DescribeTaskDefinition',
  'ecs:DescribeTasks',
  'ecs:ListClusters',
  'ecs:ListServices',
  'ecs:ListTaskDefinitionFamilies',
  'ecs:ListTasks',
] as const;

/** Why a task definition revision is judged: it is its family's latest, a service runs it, or tasks run it. */
export type TaskDefinitionUse =
  | { kind: 'latest' }
  | { kind: 'service'; cluster: string; service: string; deployment?: string }
  | { kind: 'tasks'; cluster: string; count: number };

export interface TaskDefinitionInUse {
  /** The revision's ARN; for a family whose latest revision could not be described, the family's ARN prefix. */
  arn: string;
  family: string;
  uses: TaskDefinitionUse[];
  taskDefinition: Fact<TaskDefinition>;
}

export interface EcsTaskDefinitionsInUse {
  taskDefinitions: TaskDefinitionInUse[];
  /** Clusters whose services or tasks could not be read: the revisions they run are unknown. */
  unreadableClusters: Array<{ arn: string; error: string }>;
}

const clusterName = (arn: string) => arn.slice(arn.lastIndexOf('/') + 1);
const familyOf = (taskDefinitionArn: string) => taskDefinitionArn.slice(taskDefinitionArn.lastIndexOf('/') + 1).replace(/:\d+$/, '');

/** Failures other than a resource gone between the list and the describe mean the cluster is not fully read. */
function throwOnFailures(failures: Failure[] | undefined, what: string): void {
  const real = (failures ?? []).filter((f) => f.reason !== 'MISSING');
  if (real.length > 0) throw new Error(`${what} failed for ${real.map((f) => `${f.arn ?? '?'} (${f.reason ?? 'no reason'})`).join(', ')}`);
}

/** The revisions one cluster's services (every deployment and task set) and running tasks use. */
async function clusterUses(client: ECSClient, cluster: string): Promise<Array<[string, TaskDefinitionUse]>> {
  const name = clusterName(cluster);
  const uses: Array<[string, TaskDefinitionUse]> = [];
  const serviceArns: string[] = [];
  for await (const page of paginateListServices({ client }, { cluster, maxResults: 100 })) serviceArns.push(...(page.serviceArns ?? []));
  for (const batch of chunks(serviceArns, SERVICES_PER_DESCRIBE)) {
    const out = await client.send(new DescribeServicesCommand({ cluster, services: batch }));
    throwOnFailures(out.failures, 'DescribeServices');
    for (const service of out.services ?? []) {
      const serviceName = service.serviceName ?? '(unnamed)';
      const use = (arn: string | undefined, deployment?: string) => {
        if (arn) uses.push([arn, { kind: 'service', cluster: name, service: serviceName, deployment }]);
      };
      use(service.taskDefinition);
      // While a deployment rolls out (or is stuck), the ACTIVE deployments still run older revisions.
      for (const d of service.deployments ?? []) use(d.taskDefinition, d.status);
      for (const taskSet of service.taskSets ?? []) use(taskSet.taskDefinition, taskSet.status);
    }
  }
  const taskArns: string[] = [];
  for await (const page of paginateListTasks({ client }, { cluster, desiredStatus: 'RUNNING', maxResults: 100 })) taskArns.push(...(page.taskArns ?? []));
  const running = new Map<string, number>();
  for (const batch of chunks(taskArns, TASKS_PER_DESCRIBE)) {
    const out = await client.send(new DescribeTasksCommand({ cluster, tasks: batch }));
    throwOnFailures(out.failures, 'DescribeTasks');
    for (const task of out.tasks ?? []) if (task.taskDefinitionArn) running.set(task.taskDefinitionArn, (running.get(task.taskDefinitionArn) ?? 0) + 1);
  }
  for (const [arn, count] of running) uses.push([arn, { kind: 'tasks', cluster: name, count }]);
  return uses;
}

/**
 * Every ECS task definition revision in use in the region: the latest ACTIVE revision of each
 * ACTIVE family (what the next deployment or RunTask by family takes), and every revision a
 * service deployment or a running task uses, even a deregistered one. Unused older revisions
 * are left out: there can be thousands.
 */
export const ecsTaskDefinitionsInUse = defineInventory<EcsTaskDefinitionsInUse>('ecs.taskDefinitionsInUse', 'regional', async (ctx, region) => {
  const client = ctx.aws.client(ECSClient, region);
  const limit = pLimit(CONCURRENCY);
  const families: string[] = [];
  for await (const page of paginateListTaskDefinitionFamilies({ client }, { status: 'ACTIVE' })) families.push(...(page.families ?? []));
  const clusters: string[] = [];
  for await (const page of paginateListClusters({ client }, {})) clusters.push(...(page.clusterArns ?? []));

  const describe = (reference: string) => factOf(async () => {
    const out = await limit(() => client.send(new DescribeTaskDefinitionCommand({ taskDefinition: reference })));
    if (!out.taskDefinition) throw new Error('the response held no task definition');
    return out.taskDefinition;
  });
  const [latest, perCluster] = await Promise.all([
    // Describing by family name returns the latest ACTIVE revision.
    Promise.all(families.map(async (family) => ({ family, taskDefinition: await describe(family) }))),
    Promise.all(clusters.map(async (arn) => ({ arn, uses: await factOf(() => limit(() => clusterUses(client, arn))) }))),
  ]);

  const usesOf = new Map<string, TaskDefinitionUse[]>();
  const addUse = (arn: string, use: TaskDefinitionUse) => usesOf.set(arn, [...(usesOf.get(arn) ?? []), use]);
  const described = new Map<string, Fact<TaskDefinition>>();
  const undescribedFamilies: TaskDefinitionInUse[] = [];
  for (const { family, taskDefinition } of latest) {
    const arn = taskDefinition.ok ? taskDefinition.value.taskDefinitionArn : undefined;
    if (arn) {
      described.set(arn, taskDefinition);
      addUse(arn, { kind: 'latest' });
    } else {
      const prefix = `arn:aws:ecs:${region}:${ctx.accountId}:task-definition/${family}`;
      undescribedFamilies.push({ arn: prefix, family, uses: [{ kind: 'latest' }], taskDefinition: taskDefinition.ok ? { ok: false, error: 'the response held no ARN' } : taskDefinition });
    }
  }
  const unreadableClusters: EcsTaskDefinitionsInUse['unreadableClusters'] = [];
  for (const cluster of perCluster) {
    if (cluster.uses.ok) for (const [arn, use] of cluster.uses.value) addUse(arn, use);
    else unreadableClusters.push({ arn: cluster.arn, error: cluster.uses.error });
  }
  const inUse = await Promise.all(
    [...usesOf].map(async ([arn, uses]): Promise<TaskDefinitionInUse> => ({ arn, family: familyOf(arn), uses, taskDefinition: described.get(arn) ?? (await describe(arn)) })),
  );
  return { taskDefinitions: [...undescribedFamilies, ...inUse], unreadableClusters };
});
