import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ACMClient, RequestCertificateCommand } from '@aws-sdk/client-acm';
import { DescribeTableCommand, DynamoDBClient, type TableDescription } from '@aws-sdk/client-dynamodb';
import { CreateSubnetCommand, CreateVpcCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, ECSClient } from '@aws-sdk/client-ecs';
import { DescribeListenersCommand, DescribeTargetGroupsCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { GetPolicyCommand, GetPolicyVersionCommand, IAMClient, ListAttachedRolePoliciesCommand } from '@aws-sdk/client-iam';
import { GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient, type Message } from '@aws-sdk/client-sqs';
import { AssumeRoleCommand, GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { parseEvent } from '../../src/alerts/sources';
import { scannerRoleTrust } from '../../src/aws/assumeRole';
import { AwsAccess } from '../../src/aws/clients';
import { catalog } from '../../src/checks/catalog';
import { MANAGED_POLICY_MAX_CHARS, scanPolicy } from '../../src/engine/permissions';
import { generateExternalId } from '../../src/store/accountRegistry';
import { DynamoStore } from '../../src/store/dynamodb';
import { dynamoTableOf, openStoreAsync } from '../../src/store';
import { ACCOUNT_ID, motoUrl, resetMoto, testAccess } from '../support/aws';
import { memberAccess } from '../engine/memberAccounts';
import { healthCheckCommand, repositoryDockerfile, stages } from './dockerfile';
import { deployStack, REGION, type DeployedStack } from './stacks';
import { loadTemplate, root, SCANNER_ROLE_TEMPLATE, SERVICE_TEMPLATE } from './templates';

/**
 * Resource types the emulator's CloudFormation does not implement: it completes the stack without
 * them. Their templates are checked by cfn-lint and by the tests of the templates' text.
 */
const NOT_IN_THE_EMULATOR = ['AWS::SecretsManager::Secret', 'AWS::SQS::QueuePolicy'];

const [scanStatement] = scanPolicy(catalog).Statement;
const SLACK = { SlackBotToken: 'xoxb-1111-2222-abcdefghijkl', SlackAppToken: 'xapp-1-A0000000000-1111-abcdef' };

/** A VPC with two subnets in two zones, as the service's parameters need. */
async function createNetwork(aws: AwsAccess): Promise<{ vpcId: string; subnets: string[] }> {
  const ec2 = aws.client(EC2Client, REGION);
  const vpcId = (await ec2.send(new CreateVpcCommand({ CidrBlock: '10.20.0.0/16' }))).Vpc!.VpcId!;
  const subnets: string[] = [];
  for (const [i, zone] of ['us-east-1a', 'us-east-1b'].entries()) {
    subnets.push((await ec2.send(new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: `10.20.${i}.0/24`, AvailabilityZone: zone }))).Subnet!.SubnetId!);
  }
  return { vpcId, subnets };
}

/** What a table's definition is, as `ftr store init` and CloudFormation would both make it. */
function layout(table: TableDescription) {
  const byName = <T extends { AttributeName?: string; IndexName?: string }>(a: T, b: T) =>
    (a.AttributeName ?? a.IndexName ?? '').localeCompare(b.AttributeName ?? b.IndexName ?? '');
  return {
    keys: table.KeySchema,
    attributes: [...(table.AttributeDefinitions ?? [])].sort(byName),
    indexes: [...(table.GlobalSecondaryIndexes ?? [])].sort(byName).map((i) => ({ name: i.IndexName, keys: i.KeySchema, projection: i.Projection })),
    billing: table.BillingModeSummary?.BillingMode,
  };
}

/** A queue URL as CloudFormation gives it (AWS's host), on the emulator. */
function onEmulator(queueUrl: string): string {
  return new URL(new URL(queueUrl).pathname, motoUrl()).href;
}

/** Everything in the queue now. */
async function drain(sqs: SQSClient, queueUrl: string): Promise<Message[]> {
  const messages: Message[] = [];
  for (;;) {
    const { Messages = [] } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
    if (Messages.length === 0) return messages;
    messages.push(...Messages);
  }
}

interface SampleEvent {
  name: string;
  event: { source: string; 'detail-type': string; time: string; detail: Record<string, unknown> };
}

/** The sample events of every alert source, and the S3 Control form of the account-level call. */
function sampleEvents(): SampleEvent[] {
  const dir = path.join(root, 'test', 'fixtures', 'events');
  const samples: SampleEvent[] = readdirSync(dir).map((file) => ({ name: file, event: JSON.parse(readFileSync(path.join(dir, file), 'utf8')) }));
  const account = samples.find((s) => s.name === 's3-put-account-public-access-block.json')!;
  return [...samples, { name: 's3control-put-account-public-access-block', event: { ...account.event, source: 'aws.s3control' } }];
}

const sameEvent = (a: SampleEvent['event'], b: SampleEvent['event']) =>
  a.source === b.source && a['detail-type'] === b['detail-type'] && JSON.stringify(a.detail) === JSON.stringify(b.detail);

let aws: AwsAccess;
let network: { vpcId: string; subnets: string[] };

beforeAll(async () => {
  await resetMoto();
  aws = testAccess();
  network = await createNetwork(aws);
});
afterAll(() => aws.destroy());

describe('deploy/ftr-bot.yaml on the emulator, in Socket Mode with 2 tasks', () => {
  let stack: DeployedStack;

  beforeAll(async () => {
    stack = await deployStack(aws, 'ftr-bot', SERVICE_TEMPLATE, {
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/ftr-bot:1.0.0',
      ...SLACK,
      VpcId: network.vpcId,
      Subnets: network.subnets.join(','),
      DesiredCount: '2',
      Configuration: 'roles:\n  admins: [U012AB3CD]\n',
    });
  });

  test('creates every resource of Socket Mode but those the emulator does not implement', () => {
    const template = loadTemplate(SERVICE_TEMPLATE);
    const expected = Object.entries(template.Resources)
      .filter(([, r]) => r.Condition !== 'HttpMode' && !NOT_IN_THE_EMULATOR.includes(r.Type))
      .map(([name]) => name);
    expect(Object.keys(stack.resources).sort()).toEqual(expected.sort());
    expect(stack.outputs.TaskRoleArn).toBe(`arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-task`);
  });

  test('makes the table `npx ftr store init` makes, and the store opens on it', async () => {
    const dynamodb = aws.client(DynamoDBClient, REGION);
    const reference = new DynamoStore({ table: 'ftr-store-init-reference', region: REGION });
    try {
      await reference.ensureTable();
    } finally {
      await reference.close();
    }
    const describe = async (TableName: string) => (await dynamodb.send(new DescribeTableCommand({ TableName }))).Table!;
    expect(layout(await describe(stack.outputs.TableName))).toEqual(layout(await describe('ftr-store-init-reference')));

    const store = await openStoreAsync(stack.outputs.StoreUrl);
    try {
      await store.put('deploy-test', { ok: true });
      expect(await store.get('deploy-test')).toEqual({ ok: true });
    } finally {
      await store.close();
    }
  });

  test('keeps alert messages the consumer cannot handle in the dead-letter queue after 5 tries', async () => {
    const sqs = aws.client(SQSClient, REGION);
    const { Attributes = {} } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: onEmulator(stack.outputs.AlertQueueUrl), AttributeNames: ['All'] }));
    const dlq = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: onEmulator(stack.outputs.AlertDeadLetterQueueUrl), AttributeNames: ['QueueArn'] }));
    expect(JSON.parse(Attributes.RedrivePolicy!)).toEqual({ deadLetterTargetArn: dlq.Attributes!.QueueArn, maxReceiveCount: 5 });
    expect(Number(Attributes.VisibilityTimeout)).toBe(60);
  });

  test('EventBridge puts into the queue exactly the events an alert source acts on', async () => {
    const samples = sampleEvents();
    const events = aws.client(EventBridgeClient, REGION);
    for (let i = 0; i < samples.length; i += 10) {
      const entries = samples.slice(i, i + 10).map(({ event }) => ({ Source: event.source, DetailType: event['detail-type'], Detail: JSON.stringify(event.detail), Time: new Date(event.time) }));
      const out = await events.send(new PutEventsCommand({ Entries: entries }));
      expect(out.FailedEntryCount ?? 0).toBe(0);
    }
    const delivered = (await drain(aws.client(SQSClient, REGION), onEmulator(stack.outputs.AlertQueueUrl))).map((m) => m.Body!);
    const deliveredNames = samples.filter((s) => delivered.some((body) => sameEvent(JSON.parse(body), s.event))).map((s) => s.name);
    const actedOn = samples.filter((s) => parseEvent(JSON.stringify(s.event)).kind !== 'ignored').map((s) => s.name);
    expect(deliveredNames.sort()).toEqual(actedOn.sort());
    // Each source is represented, and each delivered message is an event the consumer reads.
    expect(new Set(samples.filter((s) => actedOn.includes(s.name)).map((s) => s.event.source))).toEqual(
      new Set(['aws.guardduty', 'aws.securityhub', 'aws.s3', 'aws.s3control', 'aws.access-analyzer', 'aws.signin']),
    );
    expect(delivered).toHaveLength(actedOn.length);
    // The emulator's delivery leaves out the envelope's account, which EventBridge always sets.
    for (const body of delivered) expect(parseEvent(JSON.stringify({ account: ACCOUNT_ID, ...JSON.parse(body) })).kind).not.toBe('ignored');
  });

  test('gives the bot its store, queue, Slack secrets and the image\'s health check', async () => {
    const ecs = aws.client(ECSClient, REGION);
    const { taskDefinition } = await ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: stack.resources.TaskDefinition }));
    const bot = taskDefinition!.containerDefinitions!.find((c) => c.name === 'ftr-bot')!;
    // The emulator keeps an AWS::NoValue list item as null.
    const env = Object.fromEntries((bot.environment ?? []).filter(Boolean).map((e) => [e.name!, e.value!]));
    expect(dynamoTableOf(env.STORE_URL)).toEqual({ table: stack.outputs.TableName, region: REGION });
    expect(env.ALERT_QUEUE_URL).toBe(stack.outputs.AlertQueueUrl);
    expect(env.FTR_CONFIG).toBe('/app/config/ftr.yaml');
    expect(env.PORT).toBe('3000');
    // The secret's ARN stays unresolved on the emulator (no Secrets Manager resource); the keys are read per variable.
    expect(bot.secrets!.map((s) => [s.name, s.valueFrom!.replace(/^.*?(:\w+::)$/, '$1')])).toEqual([
      ['SLACK_BOT_TOKEN', ':botToken::'],
      ['SLACK_APP_TOKEN', ':appToken::'],
    ]);
    expect(bot.healthCheck!.command).toEqual(['CMD', ...healthCheckCommand(stages(repositoryDockerfile()).at(-1)!)]);
    expect(bot.readonlyRootFilesystem).toBe(true);
    expect(bot.stopTimeout).toBe(30);
    const init = taskDefinition!.containerDefinitions!.find((c) => c.name === 'config')!;
    expect(init.environment).toEqual([{ name: 'FTR_CONFIG_TEXT', value: 'roles:\n  admins: [U012AB3CD]\n' }]);
  });

  test('runs the service with the desired count of 2', async () => {
    const ecs = aws.client(ECSClient, REGION);
    const { services = [] } = await ecs.send(new DescribeServicesCommand({ cluster: stack.outputs.ClusterName, services: [stack.resources.Service] }));
    expect(services).toHaveLength(1);
    expect(services[0].desiredCount).toBe(2);
  });

  test('attaches the scan policy to the task role, within IAM\'s size for a managed policy', async () => {
    const iam = aws.client(IAMClient, REGION);
    const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ftr-bot-task' }));
    expect(AttachedPolicies.map((p) => p.PolicyArn)).toEqual([stack.resources.ScanPolicy]);
    const document = await policyDocument(iam, stack.resources.ScanPolicy);
    expect(document.Statement).toEqual([scanStatement]);
    expect(JSON.stringify(document).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });
});

/** A managed policy's default version, parsed. */
async function policyDocument(iam: IAMClient, policyArn: string): Promise<{ Statement: unknown[] }> {
  const { Policy } = await iam.send(new GetPolicyCommand({ PolicyArn: policyArn }));
  const { PolicyVersion } = await iam.send(new GetPolicyVersionCommand({ PolicyArn: policyArn, VersionId: Policy!.DefaultVersionId }));
  return JSON.parse(decodeURIComponent(PolicyVersion!.Document!));
}

describe('deploy/ftr-bot.yaml on the emulator, in HTTP mode behind a load balancer', () => {
  let stack: DeployedStack;

  beforeAll(async () => {
    const certificate = await aws.client(ACMClient, REGION).send(new RequestCertificateCommand({ DomainName: 'ftr.example.com' }));
    stack = await deployStack(aws, 'ftr-bot-http', SERVICE_TEMPLATE, {
      Image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/ftr-bot:1.0.0',
      SlackBotToken: SLACK.SlackBotToken,
      SlackSigningSecret: '8f742231b10e8888abcd99yyyzzz85a5',
      CertificateArn: certificate.CertificateArn!,
      LoadBalancerSubnets: network.subnets.join(','),
      VpcId: network.vpcId,
      Subnets: network.subnets.join(','),
    });
  });

  test('creates the load balancer and the service behind it instead of the Socket Mode service', () => {
    const template = loadTemplate(SERVICE_TEMPLATE);
    const expected = Object.entries(template.Resources)
      .filter(([, r]) => r.Condition !== 'SocketMode' && !NOT_IN_THE_EMULATOR.includes(r.Type))
      .map(([name]) => name);
    expect(Object.keys(stack.resources).sort()).toEqual(expected.sort());
    expect(stack.outputs.SlackRequestUrl).toBe(`https://${stack.outputs.LoadBalancerDnsName}/slack/events`);
  });

  test('listens on HTTPS only and checks the tasks\' /healthz', async () => {
    const elb = aws.client(ElasticLoadBalancingV2Client, REGION);
    const { Listeners = [] } = await elb.send(new DescribeListenersCommand({ LoadBalancerArn: stack.resources.LoadBalancer }));
    expect(Listeners.map((l) => [l.Protocol, l.Port])).toEqual([['HTTPS', 443]]);
    const { TargetGroups = [] } = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [stack.resources.TargetGroup] }));
    expect(TargetGroups[0]).toMatchObject({ Port: 3000, TargetType: 'ip', HealthCheckPath: '/healthz' });
  });

  test('takes the signing secret instead of the app token', async () => {
    const { taskDefinition } = await aws.client(ECSClient, REGION).send(new DescribeTaskDefinitionCommand({ taskDefinition: stack.resources.TaskDefinition }));
    const bot = taskDefinition!.containerDefinitions!.find((c) => c.name === 'ftr-bot')!;
    expect(bot.secrets!.map((s) => s.name)).toEqual(['SLACK_BOT_TOKEN', 'SLACK_SIGNING_SECRET']);
  });
});

describe('deploy/scanner-role.yaml in a member account', () => {
  const MEMBER = '210987654321';
  const BOT_TASK_ROLE = `arn:aws:iam::${ACCOUNT_ID}:role/ftr-bot-task`;
  const externalId = generateExternalId();
  let member: AwsAccess;
  let stack: DeployedStack;

  beforeAll(async () => {
    member = await memberAccess(MEMBER);
    stack = await deployStack(member, 'ftr-bot-scanner', SCANNER_ROLE_TEMPLATE, { BotTaskRoleArn: BOT_TASK_ROLE, ExternalId: externalId });
  });
  afterAll(() => member.destroy());

  test('creates the role and its read-only policy, with nothing the emulator lacks', () => {
    expect(Object.keys(stack.resources).sort()).toEqual(Object.keys(loadTemplate(SCANNER_ROLE_TEMPLATE).Resources).sort());
    expect(stack.outputs.RoleArn).toBe(`arn:aws:iam::${MEMBER}:role/ftr-bot-scanner`);
  });

  /** Credentials of the scanner role, assumed from the bot's account with `id`. */
  async function assumedWith(id: string): Promise<AwsAccess> {
    const out = await aws
      .client(STSClient, REGION)
      .send(new AssumeRoleCommand({ RoleArn: stack.outputs.RoleArn, RoleSessionName: 'ftr-bot', ExternalId: id }));
    const c = out.Credentials!;
    const credentials = { accessKeyId: c.AccessKeyId!, secretAccessKey: c.SecretAccessKey!, sessionToken: c.SessionToken };
    return new AwsAccess({ maxAttempts: 2, requestTimeoutMs: 10_000, credentials: async () => credentials });
  }

  test('the bot assumes it with the account\'s external ID, and the role\'s trust policy demands exactly that ID', async () => {
    const role = await assumedWith(externalId);
    try {
      const identity = await role.client(STSClient, REGION).send(new GetCallerIdentityCommand({}));
      expect(identity.Account).toBe(MEMBER);
      expect(identity.Arn).toMatch(/:assumed-role\/ftr-bot-scanner\/ftr-bot$/);
      // The bot's own reading of the trust policy, with the role's credentials (iam:GetRole on itself).
      expect(await scannerRoleTrust(role, REGION, stack.outputs.RoleArn, ACCOUNT_ID, externalId)).toEqual({ kind: 'requires' });
    } finally {
      role.destroy();
    }
  });

  test('a wrong external ID is not the one the role demands, and another account is not trusted', async () => {
    // The emulator grants AssumeRole whatever the external ID (AWS refuses it); the trust policy shows the refusal AWS makes.
    const role = await assumedWith(externalId);
    try {
      expect(await scannerRoleTrust(role, REGION, stack.outputs.RoleArn, ACCOUNT_ID, generateExternalId())).toEqual({ kind: 'otherExternalId' });
      expect(await scannerRoleTrust(role, REGION, stack.outputs.RoleArn, '999999999999', externalId)).toEqual({ kind: 'notTrusted' });
    } finally {
      role.destroy();
    }
  });

  test('grants the scan policy, within IAM\'s size for a managed policy', async () => {
    const iam = member.client(IAMClient, REGION);
    const { AttachedPolicies = [] } = await iam.send(new ListAttachedRolePoliciesCommand({ RoleName: 'ftr-bot-scanner' }));
    expect(AttachedPolicies.map((p) => p.PolicyArn)).toEqual([stack.resources.ScanPolicy]);
    const document = await policyDocument(iam, stack.resources.ScanPolicy);
    expect(document.Statement).toEqual([scanStatement]);
    expect(JSON.stringify(document).length).toBeLessThanOrEqual(MANAGED_POLICY_MAX_CHARS);
  });
});
