import {
  GenerateCredentialReportCommand,
  GetAccountSummaryCommand,
  GetCredentialReportCommand,
  IAMClient,
  ListVirtualMFADevicesCommand,
} from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { loadCredentialReport } from '../../../src/aws/inventories/iamCredentialReport';
import { iamNoRootAccessKey } from '../../../src/checks/identity/rootAccessKeys';
import { iamRootMfaEnabled } from '../../../src/checks/identity/rootMfa';
import { iamAvoidRootUsage } from '../../../src/checks/identity/rootNotUsedRecently';
import { iamRootAccountSecured } from '../../../src/checks/identity/rootSecured';
import { ACCOUNT_ID, resetMoto, resultFor, scanChecks, testAccess } from '../../support/aws';
import { credentialReport, daysBefore, iamMock, NOW, reportTime, rootRow, type ReportRow } from './iamFixtures';

const ROOT = `arn:aws:iam::${ACCOUNT_ID}:root`;
const ROOT_CHECKS = [iamAvoidRootUsage, iamNoRootAccessKey, iamRootMfaEnabled, iamRootAccountSecured];

/** A secured root: MFA, no keys, not used for a year. */
const SECURE_SUMMARY = { AccountMFAEnabled: 1, AccountAccessKeysPresent: 0, Users: 0 };

describe('root user checks against moto, which has no root row', () => {
  beforeEach(resetMoto);

  it('cannot evaluate root use without a <root_account> row, and says so', async () => {
    const report = await scanChecks(ROOT_CHECKS);
    const use = resultFor(report, 'iam_avoid_root_usage', ROOT);
    expect(use.status).toBe('ERROR');
    expect(use.message).toContain('no <root_account> row');
    // moto's account summary is the only source for keys and MFA; the message names it.
    expect(resultFor(report, 'iam_no_root_access_key', ROOT).message).toContain('account summary');
    expect(resultFor(report, 'iam_root_account_secured', 'account').status).not.toBe('PASS');
  });
});

describe('root user checks with the credential report and account summary of the IAM API reference', () => {
  let iam: ReturnType<typeof iamMock>;
  beforeEach(async () => {
    await resetMoto();
    iam = iamMock();
    iam.on(GenerateCredentialReportCommand).resolves({ State: 'COMPLETE' });
    iam.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });
  });
  afterEach(() => iam.restore());

  function given(root: ReportRow | undefined, summary: Record<string, number> = SECURE_SUMMARY) {
    iam.on(GetCredentialReportCommand).resolves(credentialReport(root ? [root] : []));
    iam.on(GetAccountSummaryCommand).resolves({ SummaryMap: summary });
  }
  const scan = (thresholds = {}) => scanChecks(ROOT_CHECKS, { now: () => NOW, thresholds });

  it('fails root use within 90 days with the date and credential, and passes older or no use', async () => {
    given(rootRow({ password_last_used: reportTime(daysBefore(10)), access_key_1_last_used_date: reportTime(daysBefore(200)) }));
    const recent = resultFor(await scan(), 'iam_avoid_root_usage', ROOT);
    expect(recent.status).toBe('FAIL');
    expect(recent.message).toContain(`password was used on ${daysBefore(10).toISOString().slice(0, 10)} (10 days ago)`);

    iam.on(GetCredentialReportCommand).resolves(credentialReport([rootRow({ password_last_used: reportTime(daysBefore(120)) })]));
    const old = resultFor(await scan(), 'iam_avoid_root_usage', ROOT);
    expect(old.status).toBe('PASS');
    expect(old.message).toContain('120 days ago');

    iam.on(GetCredentialReportCommand).resolves(credentialReport([rootRow()]));
    expect(resultFor(await scan(), 'iam_avoid_root_usage', ROOT).message).toMatch(/records no use/);
  });

  it('uses the configured root-use window and counts root access key use', async () => {
    given(rootRow({ access_key_2_last_used_date: reportTime(daysBefore(120)) }));
    const result = resultFor(await scan({ rootUseWindowDays: 180 }), 'iam_avoid_root_usage', ROOT);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain("root user's access key 2 was used");
    expect(result.message).toContain('180-day window');
  });

  it('fails root access keys from the account summary, and passes none', async () => {
    given(rootRow(), { ...SECURE_SUMMARY, AccountAccessKeysPresent: 1 });
    expect(resultFor(await scan(), 'iam_no_root_access_key', ROOT).status).toBe('FAIL');
    iam.on(GetAccountSummaryCommand).resolves({ SummaryMap: SECURE_SUMMARY });
    expect(resultFor(await scan(), 'iam_no_root_access_key', ROOT).status).toBe('PASS');
  });

  it('falls back to the root row for keys and MFA, and reports ERROR when neither source tells', async () => {
    given(rootRow({ access_key_1_active: 'true', access_key_1_last_rotated: reportTime(daysBefore(30)), mfa_active: 'false' }), { Users: 0 });
    let report = await scan();
    const keys = resultFor(report, 'iam_no_root_access_key', ROOT);
    expect(keys.status).toBe('FAIL');
    expect(keys.message).toContain('active root access key 1');
    expect(resultFor(report, 'iam_root_mfa_enabled', ROOT).status).toBe('FAIL');

    given(undefined, { Users: 0 });
    report = await scan();
    for (const id of ['iam_no_root_access_key', 'iam_root_mfa_enabled', 'iam_avoid_root_usage']) {
      const result = resultFor(report, id, ROOT);
      expect(result.status).toBe('ERROR');
      expect(result.message).toContain('no <root_account> row');
    }
    expect(resultFor(report, 'iam_root_account_secured', 'account').status).toBe('ERROR');
  });

  it('says whether root MFA is a virtual device or a hardware/FIDO key', async () => {
    given(rootRow());
    iam.on(ListVirtualMFADevicesCommand).resolves({
      VirtualMFADevices: [{ SerialNumber: `arn:aws:iam::${ACCOUNT_ID}:mfa/root-account-mfa-device`, User: { Arn: ROOT, UserName: ACCOUNT_ID, UserId: ACCOUNT_ID, Path: '/', CreateDate: daysBefore(900) }, EnableDate: daysBefore(800) }],
      IsTruncated: false,
    });
    const virtual = resultFor(await scan(), 'iam_root_mfa_enabled', ROOT);
    expect(virtual.status).toBe('PASS');
    expect(virtual.message).toContain('a virtual MFA device');

    iam.on(ListVirtualMFADevicesCommand).resolves({ VirtualMFADevices: [], IsTruncated: false });
    expect(resultFor(await scan(), 'iam_root_mfa_enabled', ROOT).message).toContain('hardware MFA or FIDO security key');
  });

  it('fails root MFA off', async () => {
    given(rootRow({ mfa_active: 'false' }), { ...SECURE_SUMMARY, AccountMFAEnabled: 0 });
    const result = resultFor(await scan(), 'iam_root_mfa_enabled', ROOT);
    expect(result.status).toBe('FAIL');
    expect(result.message).toContain('no MFA device');
  });

  it('summarises root posture for WAS-IAM-1: PASS when all three hold, FAIL naming each shortfall', async () => {
    given(rootRow({ password_last_used: reportTime(daysBefore(300)) }));
    const secured = resultFor(await scan(), 'iam_root_account_secured', 'account');
    expect(secured.status).toBe('PASS');
    expect(secured.message).toMatch(/^The root user is secured: .*MFA enabled.*no root access keys.*300 days ago/);

    given(rootRow({ password_last_used: reportTime(daysBefore(3)) }), { AccountMFAEnabled: 0, AccountAccessKeysPresent: 1 });
    const insecure = resultFor(await scan(), 'iam_root_account_secured', 'account');
    expect(insecure.status).toBe('FAIL');
    expect(insecure.message).toContain('no MFA device');
    expect(insecure.message).toContain('access keys on the root user');
    expect(insecure.message).toContain('3 days ago');
  });
});

describe('credential report generation', () => {
  it('polls GenerateCredentialReport until COMPLETE (moto answers STARTED first)', async () => {
    await resetMoto();
    const aws = testAccess();
    const waits: number[] = [];
    try {
      const report = await loadCredentialReport(aws.client(IAMClient, 'us-east-1'), { attempts: 3, firstDelayMs: 5, maxDelayMs: 10, sleep: async (ms) => void waits.push(ms) });
      expect(report.users).toEqual([]);
      expect(waits).toEqual([5]);
    } finally {
      aws.destroy();
    }
  });

  it('gives up with a clear error after the bounded attempts', async () => {
    const iam = mockClient(IAMClient);
    try {
      iam.on(GenerateCredentialReportCommand).resolves({ State: 'INPROGRESS' });
      const waits: number[] = [];
      await expect(
        loadCredentialReport(new IAMClient({ region: 'us-east-1' }), { attempts: 4, firstDelayMs: 100, maxDelayMs: 250, sleep: async (ms) => void waits.push(ms) }),
      ).rejects.toThrow('the IAM credential report was not COMPLETE after 4 GenerateCredentialReport calls (last state INPROGRESS)');
      expect(waits).toEqual([100, 200, 250]);
      expect(iam.commandCalls(GetCredentialReportCommand)).toHaveLength(0);
    } finally {
      iam.restore();
    }
  });
});
