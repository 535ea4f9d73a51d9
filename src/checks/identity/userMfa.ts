import { CREDENTIAL_REPORT_ACTIONS, iamCredentialReport } from '../../aws/inventories/iamCredentialReport';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { nothingToEvaluate, reportUser, unreadableUser } from './credentials';

/** Users without a console password cannot sign in to the console, so they are not evaluated here. */
export const iamUserMfaEnabledConsoleAccess: Check = {
  id: 'iam_user_mfa_enabled_console_access',
  refs: ['FTR-7.1'],
  title: 'IAM users with a console password have MFA',
  severity: 'high',
  rationale: quote('FTR-7.1'),
  remediation:
    'Assign an MFA device to every IAM user who signs in to the console, or better, move people to IAM Identity Center and remove their IAM console passwords.',
  scope: 'global',
  kind: 'automated',
  actions: [...CREDENTIAL_REPORT_ACTIONS],
  async run(ctx) {
    const findings: Finding[] = [];
    for (const user of (await iamCredentialReport(ctx)).users.map(reportUser)) {
      const unknownPassword = unreadableUser(user, /^password_enabled$/);
      if (unknownPassword) {
        findings.push(unknownPassword);
        continue;
      }
      if (!user.credentials.some((c) => c.kind === 'password')) continue;
      const unknownMfa = unreadableUser(user, /^mfa_active$/);
      findings.push(
        unknownMfa ??
          (user.mfaActive
            ? { resource: user.arn, status: 'PASS', message: `User ${user.name} has a console password and MFA.` }
            : { resource: user.arn, status: 'FAIL', message: `User ${user.name} has a console password but no MFA device.` }),
      );
    }
    return findings.length > 0 ? findings : nothingToEvaluate('No IAM user has a console password.');
  },
};
