import { IAMClient, UpdateAccountPasswordPolicyCommand, type UpdateAccountPasswordPolicyCommandInput } from '@aws-sdk/client-iam';
import { iamPasswordPolicyStrong } from '../../../src/checks/identity/passwordPolicy';
import { resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';

describe('iam_password_policy_strong (FTR-7.3) against moto', () => {
  beforeEach(resetMoto);

  async function setPolicy(policy: UpdateAccountPasswordPolicyCommandInput) {
    const aws = testAccess();
    await aws.client(IAMClient, 'us-east-1').send(new UpdateAccountPasswordPolicyCommand(policy));
    aws.destroy();
  }

  it('fails when the account has no password policy', async () => {
    const report = await scanChecks([iamPasswordPolicyStrong]);
    const result = resultFor(report, 'iam_password_policy_strong', 'account');
    expect(result.status).toBe('FAIL');
    expect(result.message).toMatch(/No account password policy/);
    expect(result.region).toBe('global');
  });

  it('passes a policy that meets every default threshold', async () => {
    await setPolicy({
      MinimumPasswordLength: 14,
      RequireUppercaseCharacters: true,
      RequireLowercaseCharacters: true,
      RequireNumbers: true,
      RequireSymbols: true,
      PasswordReusePrevention: 24,
    });
    const result = resultFor(await scanChecks([iamPasswordPolicyStrong]), 'iam_password_policy_strong', 'account');
    expect(result.status).toBe('PASS');
  });

  it('names each shortfall of a weak policy', async () => {
    await setPolicy({ MinimumPasswordLength: 8, RequireUppercaseCharacters: true, RequireNumbers: true, PasswordReusePrevention: 5 });
    const result = resultFor(await scanChecks([iamPasswordPolicyStrong]), 'iam_password_policy_strong', 'account');
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('minimum length 8 (needs 14)');
    expect(result.message).toContain('lowercase letters not required');
    expect(result.message).toContain('symbols not required');
    expect(result.message).toContain('reuse prevention 5 (needs 24)');
    expect(result.message).not.toContain('uppercase');
    expect(result.remediation).toMatch(/password policy/);
  });

  it('uses configured thresholds', async () => {
    await setPolicy({ MinimumPasswordLength: 10, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireNumbers: true, RequireSymbols: true, PasswordReusePrevention: 5 });
    const report = await scanChecks([iamPasswordPolicyStrong], {
      thresholds: { passwordPolicy: { minimumLength: 10, requireUppercase: true, requireLowercase: true, requireNumbers: true, requireSymbols: true, reusePrevention: 5 } },
    });
    expect(resultFor(report, 'iam_password_policy_strong', 'account').status).toBe('PASS');
  });
});
