import { CreateSecretCommand, ListSecretsCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { mockClient } from 'aws-sdk-client-mock';
import type { AwsAccess } from '../../../src/aws/clients';
import { secretsManagerRotation } from '../../../src/checks/secrets/secretRotation';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

const CHECK_ID = 'secretsmanager_automatic_rotation_enabled';

describe('secretsmanager_automatic_rotation_enabled (FTR-7.10, WAS-IAM-4) against moto', () => {
  let aws: AwsAccess;
  beforeEach(async () => {
    await resetMoto();
    aws = testAccess();
  });
  afterEach(() => aws.destroy());

  async function createSecret(region: string, name: string): Promise<string> {
    const out = await aws.client(SecretsManagerClient, region).send(new CreateSecretCommand({ Name: name, SecretString: 'not-a-real-secret' }));
    return out.ARN!;
  }

  it('passes a secret with rotation on, fails one without, and passes the account for using Secrets Manager', async () => {
    const rotated = await createSecret('us-east-1', 'prod/db');
    const stale = await createSecret('eu-west-1', 'prod/api');
    await aws.client(SecretsManagerClient, 'us-east-1').send(
      new RotateSecretCommand({
        SecretId: rotated,
        RotationRules: { AutomaticallyAfterDays: 30 },
      }),
    );

    const report = await scanChecks([secretsManagerRotation], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const pass = resultFor(report, CHECK_ID, rotated, 'us-east-1');
    expect(pass.status).toBe('PASS');
    expect(pass.message).toBe('Secret prod/db rotates automatically every 30 days.');
    const fail = resultFor(report, CHECK_ID, stale, 'eu-west-1');
    expect(fail.status).toBe('FAIL');
    expect(fail.message).toBe('Secret prod/api has automatic rotation turned off.');
    // A secret that does not rotate fails WAS-IAM-4, not FTR-7.10: the secret is in a specialized store.
    expect([pass.refs, fail.refs]).toEqual([['WAS-IAM-4'], ['WAS-IAM-4']]);
    const account = resultFor(report, CHECK_ID, 'account', 'global');
    expect(account.status).toBe('PASS');
    expect(account.refs).toEqual(['FTR-7.10', 'WAS-IAM-4']);
    expect(account.message).toBe('Secrets Manager is in use: us-east-1 (1 secret(s), 1 rotating), eu-west-1 (1 secret(s), 0 rotating).');
    expect(report.results.filter((r) => r.checkId === CHECK_ID)).toHaveLength(3);
  });

  it('asks for a record of where secrets are kept when no scanned region has any', async () => {
    const report = await scanChecks([secretsManagerRotation], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const results = report.results.filter((r) => r.checkId === CHECK_ID && r.status !== 'NOT_APPLICABLE');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ resource: 'account', status: 'MANUAL', region: 'global' });
    expect(results[0].message).toContain('No Secrets Manager secret exists in any of the 2 scanned regions');
    expect(results[0].message).toContain('record which specialized store holds the workload');
  });

  it('passes the account when only another scanned region holds a secret', async () => {
    const elsewhere = await createSecret('eu-west-1', 'only-here');
    const report = await scanChecks([secretsManagerRotation], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const evaluated = report.results.filter((r) => r.checkId === CHECK_ID && r.status !== 'NOT_APPLICABLE');
    expect(evaluated.map((r) => [r.region, r.resource])).toEqual([
      ['global', 'account'],
      ['eu-west-1', elsewhere],
    ]);
    expect(resultFor(report, CHECK_ID, 'account', 'global').message).toContain('eu-west-1 (1 secret(s), 0 rotating)');
  });

  it('reports a region it cannot list as ERROR and does not ask for attestation on what it could not see', async () => {
    const secretsManager = mockClient(SecretsManagerClient);
    try {
      secretsManager.on(ListSecretsCommand).callsFake(async (_input, getClient) => {
        if ((await getClient().config.region()) === 'eu-west-1') throw Object.assign(new Error('denied'), { name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
        return { SecretList: [] };
      });
      const report = await scanChecks([secretsManagerRotation], { aws, regions: ['us-east-1', 'eu-west-1'] });
      expect(resultFor(report, CHECK_ID, 'account', 'eu-west-1').status).toBe('ERROR');
      const account = resultFor(report, CHECK_ID, 'account', 'global');
      expect(account.status).toBe('ERROR');
      expect(account.message).toContain('eu-west-1 (access denied');
    } finally {
      secretsManager.restore();
    }
  });
});
