import { CREDENTIAL_REPORT_ACTIONS, iamCredentialReport } from '../../aws/inventories/iamCredentialReport';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { nothingToEvaluate, reportUser, unreadableUser } from './credentials';
import { ageInDays, day } from './format';

/** One result per user with an active access key; key ages are the report's access_key_N_last_rotated. */
export const iamAccessKeyRotated: Check = {
  id: 'iam_access_key_rotated',
  refs: ['FTR-7.2'],
  title: 'Active access keys are rotated',
  severity: 'medium',
  rationale: quote('FTR-7.2'),
  remediation:
    'Create a new access key, move its users to it, deactivate and then delete the old one; better, replace long-lived keys with IAM roles or IAM Identity Center.',
  scope: 'global',
  kind: 'automated',
  actions: [...CREDENTIAL_REPORT_ACTIONS],
  async run(ctx) {
    const maxAge = ctx.thresholds.accessKeyMaxAgeDays;
    const now = ctx.now();
    const findings: Finding[] = [];
    for (const user of (await iamCredentialReport(ctx)).users.map(reportUser)) {
      const unknown = unreadableUser(user, /^access_key_\d_active$/);
      if (unknown) {
        findings.push(unknown);
        continue;
      }
      const keys = user.credentials.filter((c) => c.kind === 'accessKey');
      if (keys.length === 0) continue;
      const undated = keys.filter((k) => !k.setAt);
      if (undated.length > 0) {
        findings.push({ resource: user.arn, status: 'ERROR', message: `Cannot evaluate user ${user.name}: the credential report gives no rotation date for active ${undated.map((k) => k.label).join(' and ')}.` });
        continue;
      }
      const ages = keys.map((k) => ({ label: k.label, setAt: k.setAt!, age: ageInDays(k.setAt!, now) }));
      const old = ages.filter((k) => k.age > maxAge);
      const describe = (list: typeof ages) => list.map((k) => `${k.label} is ${k.age} days old (created ${day(k.setAt)})`).join('; ');
      findings.push(
        old.length > 0
          ? { resource: user.arn, status: 'FAIL', message: `User ${user.name}: ${describe(old)}, older than ${maxAge} days.` }
          : { resource: user.arn, status: 'PASS', message: `User ${user.name}: ${describe(ages)}, within ${maxAge} days.` },
      );
    }
    return findings.length > 0 ? findings : nothingToEvaluate('No IAM user has an active access key.');
  },
};
