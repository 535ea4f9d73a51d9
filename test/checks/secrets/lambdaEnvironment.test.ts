import { CreateRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  LambdaClient,
  ListAliasesCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { lambdaEnvironmentSecrets } from '../../../src/checks/secrets/lambdaEnvironment';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { HEX_KEY, SECRET_ARN } from './fixtures';

const CHECK = 'awslambda_function_no_secrets_in_variables';
const functionArn = (name: string) => `arn:aws:lambda:us-east-1:${ACCOUNT_ID}:function:${name}`;

describe('awslambda_function_no_secrets_in_variables (FTR-7.9) against moto', () => {
  let aws: AwsAccess;
  let lambda: LambdaClient;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
    lambda = aws.client(LambdaClient, 'us-east-1');
  });
  afterEach(() => aws.destroy());

  async function createFunction(name: string, variables: Record<string, string>): Promise<void> {
    const role = await aws.client(IAMClient, 'us-east-1').send(
      new CreateRoleCommand({ RoleName: `${name}-role`, AssumeRolePolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [] }) }),
    );
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Runtime: 'nodejs20.x',
        Handler: 'index.handler',
        Role: role.Role!.Arn!,
        Code: { ZipFile: Buffer.from('placeholder') },
        Environment: { Variables: variables },
      }),
    );
  }

  /** Publishes the function's current configuration as a new version, then moves $LATEST on to `next`. */
  async function publish(name: string, next: Record<string, string>): Promise<string> {
    const version = (await lambda.send(new PublishVersionCommand({ FunctionName: name }))).Version!;
    await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Environment: { Variables: next } }));
    return version;
  }

  it('fails a literal password in $LATEST, naming the function and variable but not the value, and passes a clean function', async () => {
    await createFunction('billing', { DB_PASSWORD: 'hunter2-value', LOG_LEVEL: 'info' });
    await createFunction('thumbnails', { DB_SECRET_ARN: SECRET_ARN, SECRET_NAME: 'prod/thumbnails' });

    const report = await scanChecks([lambdaEnvironmentSecrets], { aws });
    const fail = resultFor(report, CHECK, functionArn('billing'));
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe(`Lambda function ${functionArn('billing')} ($LATEST) holds what looks like a credential in environment variable DB_PASSWORD.`);
    expect(fail.message).not.toContain('hunter2');
    const pass = resultFor(report, CHECK, functionArn('thumbnails'));
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe(`Lambda function ${functionArn('thumbnails')} ($LATEST) has no credential-looking environment variable.`);
  });

  it('judges the published versions aliases serve, weighted routing included, and not versions no alias serves', async () => {
    const clean = { SECRET_NAME: 'prod/billing' };
    await createFunction('billing', { API_KEY: HEX_KEY });
    const leaky = await publish('billing', clean);
    const current = await publish('billing', { API_KEY: HEX_KEY });
    const unaliased = await publish('billing', clean);
    await lambda.send(new CreateAliasCommand({ FunctionName: 'billing', Name: 'live', FunctionVersion: current, RoutingConfig: { AdditionalVersionWeights: { [leaky]: 0.1 } } }));
    await lambda.send(new CreateAliasCommand({ FunctionName: 'billing', Name: 'canary', FunctionVersion: leaky }));

    const report = await scanChecks([lambdaEnvironmentSecrets], { aws });
    const results = report.results.filter((r) => r.checkId === CHECK);
    expect(results.map((r) => [r.resource, r.status]).sort()).toEqual([
      [functionArn('billing'), 'PASS'],
      [`${functionArn('billing')}:${leaky}`, 'FAIL'],
      [`${functionArn('billing')}:${current}`, 'PASS'],
    ]);
    expect(resultFor(report, CHECK, `${functionArn('billing')}:${leaky}`).message).toBe(
      `Lambda function version ${functionArn('billing')}:${leaky} (aliases canary, live) holds what looks like a credential in environment variable API_KEY.`,
    );
    expect(results.some((r) => r.resource.endsWith(`:${unaliased}`))).toBe(false);
  });

  it('reports a function whose environment cannot be decrypted as ERROR, not clean', async () => {
    // moto cannot represent a KMS-encrypted environment the caller may not decrypt; the shape is the API reference's.
    const mock = mockClient(LambdaClient);
    try {
      mock.on(ListFunctionsCommand).resolves({
        Functions: [
          {
            FunctionName: 'vault',
            FunctionArn: functionArn('vault'),
            Version: '$LATEST',
            Environment: { Error: { ErrorCode: 'AccessDeniedException', Message: 'Lambda was unable to decrypt the environment variables' } },
          },
        ],
      });
      mock.on(ListAliasesCommand).resolves({ Aliases: [] });
      const result = resultFor(await scanChecks([lambdaEnvironmentSecrets], { aws }), CHECK, functionArn('vault'));
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('unable to decrypt');
    } finally {
      mock.restore();
    }
  });

  it('reports a function whose aliases cannot be listed as ERROR, since the versions they serve are unknown', async () => {
    await createFunction('billing', { LOG_LEVEL: 'info' });
    const mock = mockClient(LambdaClient);
    try {
      mock.send.callThrough();
      mock.on(ListAliasesCommand).rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } }));
      const result = resultFor(await scanChecks([lambdaEnvironmentSecrets], { aws }), CHECK, functionArn('billing'));
      expect(result.status).toBe('ERROR');
      expect(result.message).toMatch(/^Lambda function .*billing \(\$LATEST\) has no credential-looking environment variable, but its aliases could not be listed \(access denied/);
    } finally {
      mock.restore();
    }
  });
});
