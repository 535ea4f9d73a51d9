import { EC2Client, RunInstancesCommand } from '@aws-sdk/client-ec2';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  DeregisterTaskDefinitionCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
  ListServicesCommand,
  RegisterContainerInstanceCommand,
  RegisterTaskDefinitionCommand,
  RunTaskCommand,
  UpdateServiceCommand,
  type KeyValuePair,
  type Secret,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { ecsTaskDefinitionEnvironmentSecrets } from '../../../src/checks/secrets/ecsEnvironment';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { ACCESS_KEY_ID, HEX_KEY, SECRET_ACCESS_KEY, SECRET_ARN } from './fixtures';

const CHECK = 'ecs_task_definitions_no_environment_secrets';
const taskDefinitionArn = (familyRevision: string) => `arn:aws:ecs:us-east-1:${ACCOUNT_ID}:task-definition/${familyRevision}`;
const clusterArn = (name: string) => `arn:aws:ecs:us-east-1:${ACCOUNT_ID}:cluster/${name}`;

describe('ecs_task_definitions_no_environment_secrets (FTR-7.9) against moto', () => {
  let aws: AwsAccess;
  let ecs: ECSClient;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
    ecs = aws.client(ECSClient, 'us-east-1');
  });
  afterEach(() => aws.destroy());

  async function register(family: string, environment: KeyValuePair[], secrets: Secret[] = []): Promise<string> {
    const out = await ecs.send(new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, environment, secrets }] }));
    return out.taskDefinition!.taskDefinitionArn!;
  }

  const LEAKY: KeyValuePair[] = [
    { name: 'AWS_ACCESS_KEY_ID', value: ACCESS_KEY_ID },
    { name: 'AWS_SECRET_ACCESS_KEY', value: SECRET_ACCESS_KEY },
  ];
  const CLEAN: KeyValuePair[] = [{ name: 'PORT', value: '8080' }];

  it('judges the older revision a service still runs, not only the latest revision of the family', async () => {
    const deployed = await register('api', LEAKY);
    const latest = await register('api', CLEAN);
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: deployed, desiredCount: 1 }));

    const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
    expect(report.results.filter((r) => r.checkId === CHECK)).toHaveLength(2);
    const fail = resultFor(report, CHECK, taskDefinitionArn('api:1'));
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe(
      `ECS task definition ${deployed} (service web in cluster prod (PRIMARY deployment)) holds what looks like a credential in environment variables AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.`,
    );
    expect(fail.message).not.toContain(ACCESS_KEY_ID);
    expect(fail.message).not.toContain(SECRET_ACCESS_KEY.slice(0, 8));
    const pass = resultFor(report, CHECK, latest);
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe(`ECS task definition ${latest} (latest revision) has no credential-looking environment variable.`);
  });

  it('judges the revision of an ACTIVE deployment still draining while the PRIMARY one rolls out', async () => {
    const draining = await register('api', [{ name: 'DB_PASSWORD', value: 'hunter2-value' }]);
    const rolling = await register('api', CLEAN);
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    await ecs.send(new CreateServiceCommand({ cluster: 'prod', serviceName: 'web', taskDefinition: draining, desiredCount: 1 }));
    await ecs.send(new UpdateServiceCommand({ cluster: 'prod', service: 'web', taskDefinition: rolling }));
    // moto keeps a service's first deployment after UpdateService; AWS adds a PRIMARY deployment and keeps the old one ACTIVE until it drains.
    const mock = mockClient(ECSClient);
    try {
      mock.send.callThrough();
      mock.on(DescribeServicesCommand).resolves({
        services: [
          {
            serviceName: 'web',
            serviceArn: `arn:aws:ecs:us-east-1:${ACCOUNT_ID}:service/prod/web`,
            taskDefinition: rolling,
            deployments: [
              { id: 'ecs-svc/2', status: 'PRIMARY', taskDefinition: rolling, rolloutState: 'IN_PROGRESS' },
              { id: 'ecs-svc/1', status: 'ACTIVE', taskDefinition: draining, rolloutState: 'COMPLETED' },
            ],
          },
        ],
        failures: [],
      });
      const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
      const fail = resultFor(report, CHECK, draining);
      expect(fail.status).toBe('FAIL');
      expect(fail.message).toContain('(service web in cluster prod (ACTIVE deployment))');
      expect(fail.message).toContain('environment variable DB_PASSWORD.');
      expect(resultFor(report, CHECK, rolling).status).toBe('PASS');
    } finally {
      mock.restore();
    }
  });

  it('judges the deregistered revision standalone tasks still run', async () => {
    const ec2 = aws.client(EC2Client, 'us-east-1');
    const instance = (await ec2.send(new RunInstancesCommand({ ImageId: 'ami-12c6146b', MinCount: 1, MaxCount: 1 }))).Instances![0];
    await ecs.send(new CreateClusterCommand({ clusterName: 'batch' }));
    await ecs.send(
      new RegisterContainerInstanceCommand({
        cluster: 'batch',
        instanceIdentityDocument: JSON.stringify({ instanceId: instance.InstanceId, region: 'us-east-1', availabilityZone: 'us-east-1a', accountId: ACCOUNT_ID }),
      }),
    );
    const running = await register('job', [{ name: 'API_KEY', value: HEX_KEY }]);
    await ecs.send(new RunTaskCommand({ cluster: 'batch', taskDefinition: running, count: 2 }));
    await ecs.send(new DeregisterTaskDefinitionCommand({ taskDefinition: running }));
    const latest = await register('job', CLEAN);

    const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
    const fail = resultFor(report, CHECK, running);
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe(`ECS task definition ${running} (2 running tasks in cluster batch) holds what looks like a credential in environment variable API_KEY.`);
    expect(resultFor(report, CHECK, latest).status).toBe('PASS');
    expect(report.results.filter((r) => r.checkId === CHECK)).toHaveLength(2);
  });

  it('passes a task definition that takes its credentials from the secrets field and names them in its environment', async () => {
    const arn = await register(
      'api',
      [
        { name: 'SECRET_NAME', value: 'prod/db' },
        { name: 'DB_SECRET_ARN', value: SECRET_ARN },
      ],
      [{ name: 'DB_PASSWORD', valueFrom: SECRET_ARN }],
    );
    const result = resultFor(await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws }), CHECK, arn);
    expect(result.status).toBe('PASS');
  });

  it('reports a task definition family it cannot describe as ERROR for that family only', async () => {
    const worker = await register('worker', CLEAN);
    await register('locked', CLEAN);
    const mock = mockClient(ECSClient);
    try {
      mock.send.callThrough();
      mock.on(DescribeTaskDefinitionCommand, { taskDefinition: 'locked' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
      const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
      const locked = resultFor(report, CHECK, taskDefinitionArn('locked'));
      expect(locked.status).toBe('ERROR');
      expect(locked.message).toMatch(/^The latest revision of ECS task definition family locked could not be described \(access denied/);
      expect(resultFor(report, CHECK, worker).status).toBe('PASS');
    } finally {
      mock.restore();
    }
  });

  it('reports a cluster whose services cannot be listed as ERROR, since the revisions it runs are unknown', async () => {
    const latest = await register('api', CLEAN);
    await ecs.send(new CreateClusterCommand({ clusterName: 'prod' }));
    const mock = mockClient(ECSClient);
    try {
      mock.send.callThrough();
      mock.on(ListServicesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
      const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
      const cluster = resultFor(report, CHECK, clusterArn('prod'));
      expect(cluster.status).toBe('ERROR');
      expect(cluster.message).toMatch(/^The services and running tasks of ECS cluster .*cluster\/prod could not be read \(access denied/);
      expect(resultFor(report, CHECK, latest).status).toBe('PASS');
    } finally {
      mock.restore();
    }
  });
});
