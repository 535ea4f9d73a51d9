import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';

export const ACCOUNT = '123456789012';

/** A small report: one failing IAM user, one passing check, generated at `generatedAt`. */
export function smallReport(generatedAt: Date = new Date()): ScanReport {
  const results: CheckResult[] = [
    {
      checkId: 'iam_user_mfa_enabled_console_access',
      refs: ['FTR-7.1'],
      status: 'FAIL',
      severity: 'high',
      accountId: ACCOUNT,
      region: 'global',
      resource: `arn:aws:iam::${ACCOUNT}:user/alice`,
      message: 'User alice can sign in to the console without MFA.',
      remediation: 'Enable MFA for alice.',
    },
    {
      checkId: 'iam_password_policy_strong',
      refs: ['FTR-7.3'],
      status: 'PASS',
      severity: 'medium',
      accountId: ACCOUNT,
      region: 'global',
      resource: 'account',
      message: 'The password policy meets every requirement.',
    },
  ];
  return {
    schemaVersion: 1,
    generatedAt: generatedAt.toISOString(),
    accounts: [ACCOUNT],
    regions: ['us-east-1'],
    summary: { PASS: 1, FAIL: 1, ERROR: 0, MANUAL: 0, NOT_APPLICABLE: 0, durationMs: 5, awsRequests: { total: 2, byOperation: {} } },
    results,
  };
}
