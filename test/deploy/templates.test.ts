import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { catalog } from '../../src/checks/catalog';
import { MANAGED_POLICY_MAX_CHARS, scanPolicy } from '../../src/engine/permissions';
import { generateExternalId } from '../../src/store/accountRegistry';
import { TEMPLATES, withScanStatement } from '../../scripts/deploy-policy';
import { CFN_LINT_VERSION, cfnLint, ensureCfnLint } from '../support/cfnLint';
import { iamActionOf } from '../support/iamActions';
import { healthCheckCommand, repositoryDockerfile, stages } from './dockerfile';
import { actionsOf, allowedPattern, loadTemplate, root, SCANNER_ROLE_TEMPLATE, SERVICE_TEMPLATE, statementsOf, templateText, type Resource, type Statement } from './templates';

const [scanStatement] = scanPolicy(catalog).Statement;
const service = loadTemplate(SERVICE_TEMPLATE);
const scannerRole = loadTemplate(SCANNER_ROLE_TEMPLATE);

describe(`cfn-lint ${CFN_LINT_VERSION}`, () => {
  let scratch: string;
  beforeAll(() => {
    // The first run installs cfn-lint into .cache/ (about 20 s, once).
    ensureCfnLint();
    scratch = mkdtempSync(path.join(tmpdir(), 'ftr-cfn-'));
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  test('finds nothing in either template, informational rules included', () => {
    expect(cfnLint([SERVICE_TEMPLATE, SCANNER_ROLE_TEMPLATE])).toEqual({ status: 0, output: '' });
  }, 30_000);

  test('reports a template that is wrong (so the clean result above means something)', () => {
    const broken = path.join(scratch, 'broken.yaml');
    writeFileSync(broken, templateText(SERVICE_TEMPLATE).replace('Fn::GetAtt: [AlertDeadLetterQueue, Arn]', 'Fn::GetAtt: [DeadLetterQueue, Arn]'));
    const result = cfnLint([broken]);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("'DeadLetterQueue' is not one of");
  }, 30_000);
});

describe('the scan policy in the templates', () => {
  test.each([SERVICE_TEMPLATE, SCANNER_ROLE_TEMPLATE])('%s grants exactly what `npx ftr permissions` prints', (file) => {
    const statements = statementsOf(loadTemplate(file), 'ScanPolicy');
    expect(statements.find((s) => s.Sid === scanStatement.Sid)).toEqual(scanStatement);
    // And it is what scripts/deploy-policy.js writes: running it would change nothing.
    expect(withScanStatement(templateText(file), scanStatement)).toBe(templateText(file));
  });

  test('scripts/deploy-policy.js rewrites a template whose actions differ', () => {
    const stale = templateText(SCANNER_ROLE_TEMPLATE).replace('              - s3:ListBucket\n', '');
    const fresh = withScanStatement(stale, scanStatement);
    expect(fresh).toBe(templateText(SCANNER_ROLE_TEMPLATE));
    expect(withScanStatement(fresh, { ...scanStatement, Action: [...scanStatement.Action, 'zz:Extra'] })).toContain('- zz:Extra\n');
    expect(() => withScanStatement('Resources: {}\n', scanStatement)).toThrow(/scan-policy:begin/);
  });

  test('the script keeps every template that holds the scan policy', () => {
    const holding = readdirSync(path.join(root, 'deploy'))
      .map((f) => `deploy/${f}`)
      .filter((f) => f.endsWith('.yaml') && templateText(f).includes('# scan-policy:begin'));
    expect([...TEMPLATES].sort()).toEqual(holding.sort());
    expect(holding.sort()).toEqual([SERVICE_TEMPLATE, SCANNER_ROLE_TEMPLATE].sort());
  });

  test('each managed policy stays within IAM\'s 6,144 characters', () => {
    for (const template of [service, scannerRole]) {
      const document = { Version: '2012-10-17', Statement: statementsOf(template, 'ScanPolicy') };
      // Intrinsic functions stand in for ARNs of at most about 100 characters; allow 200 each.
      const resolved = JSON.stringify(document).replace(/\{"Fn::Sub":"[^"]*"\}/g, `"${'x'.repeat(200)}"`);
      expect(resolved.length).toBeLessThan(MANAGED_POLICY_MAX_CHARS);
    }
  });
});

/** `new XCommand(` calls of AWS SDK clients in a source file, as IAM actions. */
function sdkCalls(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const calls: string[] = [];
  for (const [, names, client] of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/client-([a-z0-9-]+)'/g)) {
    for (const name of names.split(',').map((n) => n.trim().replace(/^type\s+/, ''))) {
      if (!name.endsWith('Command') || !new RegExp(`new ${name}\\(`).test(text)) continue;
      calls.push(iamActionOf(`${client.replace(/-/g, '')}:${name.replace(/Command$/, '')}`));
    }
  }
  return calls;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

/** SQS authorizes a batch by the action of its entries. */
const BATCH_ACTIONS: Record<string, string> = {
  'sqs:DeleteMessageBatch': 'sqs:DeleteMessage',
  'sqs:ChangeMessageVisibilityBatch': 'sqs:ChangeMessageVisibility',
};

/** Calls the service makes that its task role needs no grant for, and why. */
const NOT_FOR_THE_TASK_ROLE: Record<string, string> = {
  'sts:GetCallerIdentity': 'needs no permission',
  'dynamodb:CreateTable': 'only `npx ftr store init`; the template creates the table',
};

describe('the task role', () => {
  // The checks' own calls are the scan policy's business (test/catalog/permissions.test.ts).
  const serviceFiles = sourceFiles(path.join(root, 'src')).filter((f) => !/[/\\]src[/\\](checks|aws[/\\]inventories)[/\\]/.test(f));
  const called = [...new Set(serviceFiles.flatMap(sdkCalls).map((a) => BATCH_ACTIONS[a] ?? a))].sort();
  const serviceActions = actionsOf(statementsOf(service, 'TaskRole'));

  test('finds the service\'s AWS calls in the sources', () => {
    expect(called).toEqual(expect.arrayContaining(['dynamodb:PutItem', 'sqs:ReceiveMessage', 'sts:AssumeRole', 'organizations:ListAccountsForParent']));
  });

  test('grants every call the service makes outside the checks', () => {
    const granted = new Set([...serviceActions, ...scanStatement.Action]);
    expect(called.filter((a) => !(a in NOT_FOR_THE_TASK_ROLE) && !granted.has(a))).toEqual([]);
  });

  test('grants nothing beyond the scan that the service does not call', () => {
    expect(serviceActions.filter((a) => !called.includes(a))).toEqual([]);
  });

  test('may assume only roles of the scanner role\'s name, and uses only its own table and queue', () => {
    const statements = statementsOf(service, 'TaskRole');
    const bySid = (sid: string) => statements.find((s) => s.Sid === sid) as Statement;
    expect(bySid('ScannerRoles').Resource).toEqual({ 'Fn::Sub': 'arn:${AWS::Partition}:iam::*:role/${ScannerRoleName}' });
    expect(bySid('Store').Resource).toEqual([{ 'Fn::GetAtt': ['Table', 'Arn'] }, { 'Fn::Sub': '${Table.Arn}/index/*' }]);
    expect(bySid('AlertQueue').Resource).toEqual({ 'Fn::GetAtt': ['AlertQueue', 'Arn'] });
    expect(service.Resources.ScanPolicy.Properties.Roles).toEqual([{ Ref: 'TaskRole' }]);
  });

  test('the scanner role grants the scan policy alone, which lets the bot read the role\'s trust policy', () => {
    expect(statementsOf(scannerRole, 'ScanPolicy')).toEqual([scanStatement]);
    expect(scanStatement.Action).toContain('iam:GetRole');
    expect(scannerRole.Resources.ScanPolicy.Properties.Roles).toEqual([{ Ref: 'ScannerRole' }]);
  });
});

describe('the scanner role template', () => {
  test('trusts only the given principal, and only with the external ID', () => {
    expect(scannerRole.Resources.ScannerRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Sid: 'FtrBotWithItsExternalId',
        Effect: 'Allow',
        Principal: { AWS: { Ref: 'BotTaskRoleArn' } },
        Action: 'sts:AssumeRole',
        Condition: { StringEquals: { 'sts:ExternalId': { Ref: 'ExternalId' } } },
      },
    ]);
  });

  test('takes the external IDs the bot generates and refuses made-up short ones', () => {
    const externalId = allowedPattern(scannerRole, 'ExternalId');
    const { MinLength = 0, MaxLength = Infinity } = scannerRole.Parameters.ExternalId;
    const fits = (id: string) => externalId.test(id) && id.length >= MinLength && id.length <= MaxLength;
    for (let i = 0; i < 50; i += 1) expect(fits(generateExternalId())).toBe(true);
    expect(fits('secret')).toBe(false);
    expect(fits('has spaces in it, which STS refuses')).toBe(false);
  });

  test('takes a task role ARN as the trusted principal, and its default role name is what the bot assumes', () => {
    const arn = allowedPattern(scannerRole, 'BotTaskRoleArn');
    expect(arn.test('arn:aws:iam::123456789012:role/ftr-bot-task')).toBe(true);
    expect(arn.test('arn:aws:iam::123456789012:user/alice')).toBe(false);
    expect(arn.test('*')).toBe(false);
    expect(scannerRole.Parameters.RoleName.Default).toBe(service.Parameters.ScannerRoleName.Default);
  });

  test('names no account, region or partition of its own (StackSet-ready)', () => {
    const made = JSON.stringify({ resources: scannerRole.Resources, outputs: scannerRole.Outputs });
    expect(made).not.toMatch(/\d{12}|arn:aws[:-]|[a-z]{2}-[a-z]+-\d/);
  });
});

describe('the service template', () => {
  const containers: any[] = service.Resources.TaskDefinition.Properties.ContainerDefinitions;
  const bot = containers.find((c) => c.Name === 'ftr-bot');

  test('checks health with the Dockerfile\'s HEALTHCHECK command', () => {
    expect(bot.HealthCheck.Command).toEqual(['CMD', ...healthCheckCommand(stages(repositoryDockerfile()).at(-1)!)]);
  });

  test('runs read-only and stops within ECS\'s 30 s', () => {
    for (const container of containers) expect(container.ReadonlyRootFilesystem).toBe(true);
    expect(bot.StopTimeout).toBe(30);
  });

  test('writes the Configuration parameter where FTR_CONFIG points, before the bot starts', () => {
    const init = containers.find((c) => c.Name === 'config');
    const ftrConfig = bot.Environment.find((e: { Name: string }) => e.Name === 'FTR_CONFIG').Value as string;
    expect(init.Command.at(-1)).toContain(`'${ftrConfig}'`);
    expect(init.MountPoints).toEqual([{ SourceVolume: 'config', ContainerPath: path.posix.dirname(ftrConfig) }]);
    expect(bot.MountPoints).toContainEqual({ SourceVolume: 'config', ContainerPath: path.posix.dirname(ftrConfig), ReadOnly: true });
    expect(bot.DependsOn).toEqual([{ ContainerName: 'config', Condition: 'SUCCESS' }]);
  });

  // What the emulator's CloudFormation leaves out (point-in-time recovery, security group egress), checked here.
  test('keeps the table through stack changes, with point-in-time recovery and encryption', () => {
    const table = service.Resources.Table as Resource & { DeletionPolicy?: string; UpdateReplacePolicy?: string };
    expect([table.DeletionPolicy, table.UpdateReplacePolicy]).toEqual(['Retain', 'Retain']);
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
  });

  test('lets the tasks out on HTTPS only, and in only from the load balancer', () => {
    expect(service.Resources.TaskSecurityGroup.Properties.SecurityGroupEgress).toEqual([
      { Description: 'Slack and AWS APIs', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, CidrIp: '0.0.0.0/0' },
    ]);
    expect(service.Resources.TaskSecurityGroup.Properties.SecurityGroupIngress).toBeUndefined();
    expect(service.Resources.TaskIngressFromLoadBalancer.Properties).toMatchObject({ FromPort: 3000, ToPort: 3000, SourceSecurityGroupId: { Ref: 'LoadBalancerSecurityGroup' } });
  });

  test('lets only its own EventBridge rules send to the alert queue', () => {
    const rules = Object.entries(service.Resources).filter(([, r]) => r.Type === 'AWS::Events::Rule');
    const statement = service.Resources.AlertQueuePolicy.Properties.PolicyDocument.Statement.find((s: Statement) => s.Effect === 'Allow');
    expect(statement.Principal).toEqual({ Service: 'events.amazonaws.com' });
    expect(statement.Action).toBe('sqs:SendMessage');
    expect(statement.Condition.ArnEquals['aws:SourceArn']).toEqual(rules.map(([name]) => ({ 'Fn::GetAtt': [name, 'Arn'] })));
    for (const [, rule] of rules) expect(rule.Properties.Targets).toEqual([{ Id: 'ftr-bot-alerts', Arn: { 'Fn::GetAtt': ['AlertQueue', 'Arn'] } }]);
  });
});
