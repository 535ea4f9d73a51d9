import { CreateSecretCommand, RotateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
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

  it('passes a secret with rotation on, fails one without, and gives no account-wide verdict when secrets exist', async () => {
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
    expect(report.results.filter((r) => r.checkId === CHECK_ID)).toHaveLength(2);
  });

  it('asks for a record of where secrets are kept when no scanned region has any', async () => {
    const report = await scanChecks([secretsManagerRotation], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const results = report.results.filter((r) => r.checkId === CHECK_ID && r.status !== 'NOT_APPLICABLE');
    expect(results).toHaveLength(1);
    expect(results[0]).toMatchObject({ resource: 'account', status: 'MANUAL', region: 'global' });
    expect(results[0].message).toContain('No Secrets Manager secret exists in any of the 2 scanned regions');
  });

  it('gives no account-wide verdict when only another scanned region holds a secret', async () => {
    const elsewhere = await createSecret('eu-west-1', 'only-here');
    const report = await scanChecks([secretsManagerRotation], { aws, regions: ['us-east-1', 'eu-west-1'] });
    const evaluated = report.results.filter((r) => r.checkId === CHECK_ID && r.status !== 'NOT_APPLICABLE');
    expect(evaluated.map((r) => r.resource)).toEqual([elsewhere]);
  });
});
