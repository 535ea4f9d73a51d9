import {
  CreateAccessKeyCommand,
  CreateLoginProfileCommand,
  CreateUserCommand,
  CreateVirtualMFADeviceCommand,
  EnableMFADeviceCommand,
  GenerateCredentialReportCommand,
  GetCredentialReportCommand,
  UpdateAccessKeyCommand,
  type IAMClient,
} from '@aws-sdk/client-iam';
import { ListInstancesCommand, SSOAdminClient, SSOAdminServiceException } from '@aws-sdk/client-sso-admin';
import { mockClient, type AwsStub } from 'aws-sdk-client-mock';
import { iamAccessKeyRotated } from '../../../src/checks/identity/accessKeyRotation';
import { iamCentralizedIdentity } from '../../../src/checks/identity/centralizedIdentity';
import { iamUserCredentialsUnused } from '../../../src/checks/identity/unusedCredentials';
import { iamUserMfaEnabledConsoleAccess } from '../../../src/checks/identity/userMfa';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks } from '../../support/aws';
import { credentialReport, DAY_MS, daysBefore, iamMock, NOW, reportTime, seedIam, userRow } from './iamFixtures';

const userArn = (name: string) => `arn:aws:iam::${ACCOUNT_ID}:user/${name}`;
const inDays = (days: number) => () => new Date(Date.now() + days * DAY_MS);

async function createUser(iam: IAMClient, name: string, options: { password?: boolean; mfa?: boolean; keys?: number } = {}) {
  await iam.send(new CreateUserCommand({ UserName: name }));
  if (options.password) await iam.send(new CreateLoginProfileCommand({ UserName: name, Password: 'Correct-Horse-9-Battery!' }));
  if (options.mfa) {
    const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: `${name}-mfa` }));
    await iam.send(new EnableMFADeviceCommand({ UserName: name, SerialNumber: device.VirtualMFADevice!.SerialNumber!, AuthenticationCode1: '123456', AuthenticationCode2: '234567' }));
  }
  const keyIds: string[] = [];
  for (let i = 0; i < (options.keys ?? 0); i += 1) keyIds.push((await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!.AccessKeyId!);
  return keyIds;
}

describe('IAM user checks against moto', () => {
  beforeEach(resetMoto);

  it('FTR-7.1: fails console users without MFA, passes those with MFA, skips users without a password', async () => {
    await seedIam(async (iam) => {
      await createUser(iam, 'alice', { password: true, mfa: true });
      await createUser(iam, 'bob', { password: true });
      await createUser(iam, 'deploy-bot', { keys: 1 });
    });
    const report = await scanChecks([iamUserMfaEnabledConsoleAccess]);
    expect(resultFor(report, 'iam_user_mfa_enabled_console_access', userArn('alice')).status).toBe('PASS');
    const bob = resultFor(report, 'iam_user_mfa_enabled_console_access', userArn('bob'));
    expect(bob.status).toBe('FAIL');
    expect(bob.message).toBe('User bob has a console password but no MFA device.');
    expect(report.results.filter((r) => r.resource === userArn('deploy-bot'))).toEqual([]);
  });

  it('FTR-7.1: is not applicable when no user has a console password', async () => {
    await seedIam((iam) => createUser(iam, 'deploy-bot', { keys: 1 }));
    const result = resultFor(await scanChecks([iamUserMfaEnabledConsoleAccess]), 'iam_user_mfa_enabled_console_access', 'account');
    expect(result.status).toBe('NOT_APPLICABLE');
  });

  it('FTR-7.2: passes fresh active keys and fails them once older than the limit; inactive keys do not count', async () => {
    await seedIam(async (iam) => {
      await createUser(iam, 'deploy-bot', { keys: 1 });
      const [retired] = await createUser(iam, 'retired-bot', { keys: 1 });
      await iam.send(new UpdateAccessKeyCommand({ UserName: 'retired-bot', AccessKeyId: retired, Status: 'Inactive' }));
    });
    const fresh = resultFor(await scanChecks([iamAccessKeyRotated]), 'iam_access_key_rotated', userArn('deploy-bot'));
    expect(fresh.status).toBe('PASS');
    expect(fresh.message).toContain('access key 1 is 0 days old');

    const later = await scanChecks([iamAccessKeyRotated], { now: inDays(120) });
    const old = resultFor(later, 'iam_access_key_rotated', userArn('deploy-bot'));
    expect(old.status).toBe('FAIL');
    expect(old.message).toMatch(/access key 1 is 120 days old .*older than 90 days/);
    expect(later.results.filter((r) => r.resource === userArn('retired-bot'))).toEqual([]);

    const configured = await scanChecks([iamAccessKeyRotated], { now: inDays(120), thresholds: { accessKeyMaxAgeDays: 180 } });
    expect(resultFor(configured, 'iam_access_key_rotated', userArn('deploy-bot')).status).toBe('PASS');
  });

  it('FTR-7.7: passes credentials created within the window and fails them when never used past it', async () => {
    await seedIam(async (iam) => {
      await createUser(iam, 'carol', { password: true, keys: 1 });
      await createUser(iam, 'no-credentials');
    });
    const fresh = await scanChecks([iamUserCredentialsUnused]);
    expect(resultFor(fresh, 'iam_user_credentials_unused', userArn('carol')).status).toBe('PASS');
    expect(fresh.results.filter((r) => r.resource === userArn('no-credentials'))).toEqual([]);

    const stale = resultFor(await scanChecks([iamUserCredentialsUnused], { now: inDays(100) }), 'iam_user_credentials_unused', userArn('carol'));
    expect(stale.status).toBe('FAIL');
    expect(stale.message).toMatch(/console password never used since \d{4}-\d{2}-\d{2} \(100 days ago\)/);
    expect(stale.message).toContain('access key 1 never used since');
  });

  it('WAS-IAM-2: passes with Identity Center (moto always has an instance) and gives the numbers', async () => {
    await seedIam(async (iam) => {
      await createUser(iam, 'alice', { password: true, mfa: true });
      await createUser(iam, 'deploy-bot', { keys: 2 });
    });
    const result = resultFor(await scanChecks([iamCentralizedIdentity]), 'iam_centralized_identity_provider', 'account');
    expect(result.status).toBe('PASS');
    expect(result.message).toMatch(/IAM Identity Center is set up \(ssoins-\w+ in us-east-1\)/);
    expect(result.message).toContain('1 IAM user with a console password and 1 IAM user with active access keys');
  });

  it('WAS-IAM-2: fails beside Identity Center when more IAM users than a break-glass pair keep console passwords, naming them', async () => {
    await seedIam(async (iam) => {
      for (const name of ['alice', 'bob', 'carol', 'dave']) await createUser(iam, name, { password: true, mfa: true });
      await createUser(iam, 'deploy-bot', { keys: 1 });
    });
    const result = resultFor(await scanChecks([iamCentralizedIdentity]), 'iam_centralized_identity_provider', 'account');
    expect(result.status).toBe('FAIL');
    expect(result.message).toMatch(
      /^IAM Identity Center is set up \(ssoins-\w+ in us-east-1\), but 4 IAM users \(alice, bob, carol and 1 more\) still have a console password beside it, more than the 2 a break-glass setup needs; /,
    );
  });

  it('WAS-IAM-2: passes beside Identity Center with a break-glass pair of IAM console users', async () => {
    await seedIam(async (iam) => {
      await createUser(iam, 'break-glass-1', { password: true, mfa: true });
      await createUser(iam, 'break-glass-2', { password: true, mfa: true });
    });
    const result = resultFor(await scanChecks([iamCentralizedIdentity]), 'iam_centralized_identity_provider', 'account');
    expect(result.status).toBe('PASS');
    expect(result.message).toContain('2 IAM users with a console password');
  });

  describe('WAS-IAM-2 without Identity Center (moto cannot remove its instance)', () => {
    let sso: AwsStub<any, any, any>;
    beforeEach(() => {
      sso = mockClient(SSOAdminClient);
    });
    afterEach(() => sso.restore());

    it('fails when IAM users hold console passwords, with the numbers, and asks every scanned region', async () => {
      sso.on(ListInstancesCommand).resolves({ Instances: [] });
      await seedIam(async (iam) => {
        await createUser(iam, 'alice', { password: true });
        await createUser(iam, 'bob', { password: true, keys: 1 });
      });
      const report = await scanChecks([iamCentralizedIdentity], { regions: ['us-east-1', 'eu-west-1'] });
      const result = resultFor(report, 'iam_centralized_identity_provider', 'account');
      expect(result.status).toBe('FAIL');
      expect(result.message).toBe('No IAM Identity Center instance was found and the account has 2 IAM users with a console password and 1 IAM user with active access keys.');
      const asked = await Promise.all(sso.commandCalls(ListInstancesCommand).map((call) => (call.thisValue as SSOAdminClient).config.region()));
      expect(asked.sort()).toEqual(['eu-west-1', 'us-east-1']);
    });

    it('passes when no IAM user has a console password', async () => {
      sso.on(ListInstancesCommand).resolves({ Instances: [] });
      await seedIam((iam) => createUser(iam, 'deploy-bot', { keys: 1 }));
      const result = resultFor(await scanChecks([iamCentralizedIdentity]), 'iam_centralized_identity_provider', 'account');
      expect(result.status).toBe('PASS');
      expect(result.message).toContain('No IAM user has a console password');
    });

    it('reports ERROR, not FAIL, when Identity Center cannot be read', async () => {
      sso.on(ListInstancesCommand).rejects(new SSOAdminServiceException({ name: 'AccessDeniedException', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized to perform sso:ListInstances' }));
      await seedIam((iam) => createUser(iam, 'alice', { password: true }));
      const result = resultFor(await scanChecks([iamCentralizedIdentity]), 'iam_centralized_identity_provider', 'account');
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('us-east-1: access denied');
    });
  });
});

describe('IAM user checks with credential report dates moto cannot produce', () => {
  let iam: ReturnType<typeof iamMock>;
  beforeEach(() => {
    iam = iamMock();
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
  });
  afterEach(() => iam.restore());

  const given = (...rows: ReturnType<typeof userRow>[]) => iam.on(GetCredentialReportCommand).resolves(credentialReport(rows));

  it('FTR-7.2: names only the old key of a user with one old and one new key', async () => {
    given(
      userRow('ops', {
        access_key_1_active: 'true',
        access_key_1_last_rotated: reportTime(daysBefore(200)),
        access_key_2_active: 'true',
        access_key_2_last_rotated: reportTime(daysBefore(5)),
      }),
    );
    const result = resultFor(await scanChecks([iamAccessKeyRotated], { now: () => NOW }), 'iam_access_key_rotated', userArn('ops'));
    expect(result.status).toBe('FAIL');
    expect(result.message).toBe(`User ops: access key 1 is 200 days old (created ${daysBefore(200).toISOString().slice(0, 10)}), older than 90 days.`);
  });

  it('FTR-7.7: fails a key last used long ago while the password is in use, and passes recent use', async () => {
    given(
      userRow('dana', {
        password_enabled: 'true',
        password_last_used: reportTime(daysBefore(3)),
        password_last_changed: reportTime(daysBefore(300)),
        access_key_1_active: 'true',
        access_key_1_last_rotated: reportTime(daysBefore(300)),
        access_key_1_last_used_date: reportTime(daysBefore(150)),
      }),
      userRow('erin', { password_enabled: 'true', password_last_used: reportTime(daysBefore(20)), password_last_changed: reportTime(daysBefore(300)) }),
    );
    const report = await scanChecks([iamUserCredentialsUnused], { now: () => NOW });
    const dana = resultFor(report, 'iam_user_credentials_unused', userArn('dana'));
    expect(dana.status).toBe('FAIL');
    expect(dana.message).toContain('access key 1 last used');
    expect(dana.message).toContain('(150 days ago)');
    expect(dana.message).not.toContain('console password');
    expect(resultFor(report, 'iam_user_credentials_unused', userArn('erin')).status).toBe('PASS');
  });

  it('WAS-IAM-2: reports ERROR beside Identity Center when console passwords cannot be read', async () => {
    given(userRow('break-glass', { password_enabled: 'true' }), userRow('odd', { password_enabled: 'not_supported' }));
    const result = resultFor(await scanChecks([iamCentralizedIdentity], { now: () => NOW }), 'iam_centralized_identity_provider', 'account');
    expect(result.status).toBe('ERROR');
    expect(result.message).toContain('no password_enabled value for odd');
  });

  it('reports ERROR for a user whose report row cannot be read, not PASS', async () => {
    given(userRow('odd', { password_enabled: 'maybe' }), userRow('keyless-date', { access_key_1_active: 'true', access_key_1_last_rotated: 'N/A' }));
    const report = await scanChecks([iamUserMfaEnabledConsoleAccess, iamAccessKeyRotated], { now: () => NOW });
    expect(resultFor(report, 'iam_user_mfa_enabled_console_access', userArn('odd')).status).toBe('ERROR');
    const undated = resultFor(report, 'iam_access_key_rotated', userArn('keyless-date'));
    expect(undated.status).toBe('ERROR');
    expect(undated.message).toContain('no rotation date for active access key 1');
  });
});
