import { DescribeTaskDefinitionCommand, ECSClient, RegisterTaskDefinitionCommand, type KeyValuePair } from '@aws-sdk/client-ecs';
import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { CreateFunctionCommand, LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { ecsTaskDefinitionEnvironmentSecrets } from '../../../src/checks/secrets/ecsEnvironment';
import { secretLookingVariables } from '../../../src/checks/secrets/environmentSecrets';
import { lambdaEnvironmentSecrets } from '../../../src/checks/secrets/lambdaEnvironment';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

// Built at run time so that no credential-shaped literal sits in the source tree.
const ACCESS_KEY_ID = ['AKIA', 'Z'.repeat(16)].join('');
const PRIVATE_KEY = ['-----BEGIN RSA', 'PRIVATE KEY-----\nMIIEow\n-----END RSA', 'PRIVATE KEY-----'].join(' ');

describe('secretLookingVariables', () => {
  it('flags key ids, private keys and literal values of credential-named variables, and nothing else', () => {
    const flagged = secretLookingVariables([
      ['UPSTREAM', `id=${ACCESS_KEY_ID}`],
      ['CERT', PRIVATE_KEY],
      ['DB_PASSWORD', 'hunter2'],
      ['stripe_api_key', 'sk_live_x'],
      ['GITHUB_TOKEN', 'ghp_x'],
      ['DATABASE_URL', ['postgres://app', 'pw@db:5432/app'].join(':')],
      ['DB_PWD', 'x1'],
      ['SMTP_CREDENTIALS', 'user/pass'],
    ]);
    expect(flagged).toEqual(['CERT', 'DATABASE_URL', 'DB_PASSWORD', 'DB_PWD', 'GITHUB_TOKEN', 'SMTP_CREDENTIALS', 'UPSTREAM', 'stripe_api_key']);
    const clean = secretLookingVariables([
      ['DB_PASSWORD_ARN', 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf'],
      ['API_KEY', '{{resolve:secretsmanager:prod/api:SecretString:key}}'],
      ['TOKEN_PARAMETER', '/prod/app/token'],
      ['TOKEN_TTL_SECONDS', '3600'],
      ['USE_SECRET_STORE', 'true'],
      ['SECRET', ''],
      ['LOG_LEVEL', 'debug'],
      ['SERVICE_URL', 'https://api.example.com:8443/v1'],
      ['PWD_DIR', '/srv/app'],
    ]);
    expect(clean).toEqual([]);
  });
});

describe('credentials in Lambda and ECS environments (FTR-7.9) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function createFunction(name: string, variables: Record<string, string>): Promise<string> {
    const role = await aws.client(IAMClient, 'us-east-1').send(
      new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
    );
    const out = await aws.client(LambdaClient, 'us-east-1').send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role.Role!.Arn!,
        Code: { ZipFile: Buffer.from('placeholder') },
        Environment: { Variables: variables },
      }),
    );
    return out.FunctionArn!;
  }

  async function registerTaskDefinition(family: string, environment: KeyValuePair[]): Promise<string> {
    const out = await aws.client(ECSClient, 'us-east-1').send(
      new RegisterTaskDefinitionCommand({ family, containerDefinitions: [{ name: 'app', image: 'nginx', memory: 128, environment }] }),
    );
    return out.taskDefinition!.taskDefinitionArn!;
  }

  it('fails a Lambda function with a literal password, naming the variable but not its value, and passes a clean one', async () => {
    const leaky = await createFunction('billing', { DB_PASSWORD: 'hunter2-value', LOG_LEVEL: 'info' });
    const clean = await createFunction('thumbnails', { DB_SECRET_ARN: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:db-AbCdEf' });

    const report = await scanChecks([lambdaEnvironmentSecrets], { aws });
    const fail = resultFor(report, 'awslambda_function_no_secrets_in_variables', leaky);
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe('Lambda function billing holds what looks like a credential in environment variable DB_PASSWORD.');
    expect(fail.message).not.toContain('hunter2-value');
    const pass = resultFor(report, 'awslambda_function_no_secrets_in_variables', clean);
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe('Lambda function thumbnails has no credential-looking environment variable.');
  });

  it('judges the latest revision of each ECS task definition family', async () => {
    await registerTaskDefinition('api', [{ name: 'AWS_KEY', value: ACCESS_KEY_ID }]);
    const fixedApi = await registerTaskDefinition('api', [{ name: 'PORT', value: '8080' }]);
    const worker = await registerTaskDefinition('worker', [
      { name: 'QUEUE_TOKEN', value: 'literal-token' },
      { name: 'AWS_KEY', value: ACCESS_KEY_ID },
    ]);

    const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
    expect(report.results.filter((r) => r.checkId === 'ecs_task_definitions_no_environment_secrets')).toHaveLength(2);
    const pass = resultFor(report, 'ecs_task_definitions_no_environment_secrets', fixedApi);
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe('ECS task definition api:2 has no credential-looking environment variable.');
    const fail = resultFor(report, 'ecs_task_definitions_no_environment_secrets', worker);
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe('ECS task definition worker:1 holds what looks like a credential in environment variables AWS_KEY, QUEUE_TOKEN.');
    expect(fail.message).not.toContain(ACCESS_KEY_ID);
  });

  it('reports a function whose environment cannot be decrypted as ERROR, not clean', async () => {
    // moto cannot represent a KMS-encrypted environment the caller may not decrypt; the shape is the API reference's.
    const lambda = mockClient(LambdaClient);
    try {
      lambda.on(ListFunctionsCommand).resolves({
        Functions: [
          {
            FunctionName: 'vault',
            FunctionArn: 'arn:aws:lambda:us-east-1:123456789012:function:vault',
            Environment: { Error: { ErrorCode: 'AccessDeniedException', Message: 'Lambda was unable to decrypt the environment variables' } },
          },
        ],
      });
      const report = await scanChecks([lambdaEnvironmentSecrets], { aws });
      const result = resultFor(report, 'awslambda_function_no_secrets_in_variables', 'arn:aws:lambda:us-east-1:123456789012:function:vault');
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('unable to decrypt');
    } finally {
      lambda.restore();
    }
  });

  it('reports a task definition family it cannot describe as ERROR for that family only', async () => {
    const worker = await registerTaskDefinition('worker', [{ name: 'PORT', value: '8080' }]);
    await registerTaskDefinition('locked', [{ name: 'PORT', value: '8080' }]);
    const ecs = mockClient(ECSClient);
    try {
      ecs.send.callThrough();
      ecs.on(DescribeTaskDefinitionCommand, { taskDefinition: 'locked' }).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
      const report = await scanChecks([ecsTaskDefinitionEnvironmentSecrets], { aws });
      const locked = resultFor(report, 'ecs_task_definitions_no_environment_secrets', 'arn:aws:ecs:us-east-1:123456789012:task-definition/locked');
      expect(locked.status).toBe('ERROR');
      expect(locked.message).toContain('access denied');
      expect(resultFor(report, 'ecs_task_definitions_no_environment_secrets', worker).status).toBe('PASS');
    } finally {
      ecs.restore();
    }
  });
});
