import { CREDENTIAL_REPORT_ACTIONS, iamCredentialReport } from '../../aws/inventories/iamCredentialReport';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { nothingToEvaluate, reportUser, unreadableUser, type UserCredential } from './credentials';
import { ageInDays, day } from './format';

interface CredentialIdleness {
  label: string;
  /** Days since last use, or since it was set when never used. */
  idleDays: number;
  description: string;
}

/**
 * A never-used credential is idle since it was set (password_last_changed or the key's
 * creation), falling back to the user's creation date when the report gives none.
 */
function idleness(credential: UserCredential, userCreatedAt: Date | undefined, now: Date): CredentialIdleness | undefined {
  if (credential.lastUsed) {
    const idleDays = ageInDays(credential.lastUsed, now);
    return { label: credential.label, idleDays, description: `${credential.label} last used ${day(credential.lastUsed)} (${idleDays} days ago)` };
  }
  const since = credential.setAt ?? userCreatedAt;
  if (!since) return undefined;
  const idleDays = ageInDays(since, now);
  return { label: credential.label, idleDays, description: `${credential.label} never used since ${day(since)} (${idleDays} days ago)` };
}

export const iamUserCredentialsUnused: Check = {
  id: 'iam_user_credentials_unused',
  refs: ['FTR-7.7'],
  title: 'No IAM user passwords or access keys left unused',
  severity: 'medium',
  rationale: quote('FTR-7.7'),
  remediation:
    'Remove console passwords and deactivate access keys that have not been used within the window, and delete IAM users who no longer need access.',
  scope: 'global',
  kind: 'automated',
  actions: [...CREDENTIAL_REPORT_ACTIONS],
  async run(ctx) {
    const window = ctx.thresholds.unusedCredentialDays;
    const now = ctx.now();
    const findings: Finding[] = [];
    for (const user of (await iamCredentialReport(ctx)).users.map(reportUser)) {
      const unknown = unreadableUser(user, /^(password_enabled|access_key_\d_active)$/);
      if (unknown) {
        findings.push(unknown);
        continue;
      }
      if (user.credentials.length === 0) continue;
      const idle = user.credentials.map((c) => ({ credential: c, idle: idleness(c, user.createdAt, now) }));
      const undated = idle.filter((i) => !i.idle).map((i) => i.credential.label);
      if (undated.length > 0) {
        findings.push({ resource: user.arn, status: 'ERROR', message: `Cannot evaluate user ${user.name}: the credential report gives no use or creation date for ${undated.join(' and ')}.` });
        continue;
      }
      const all = idle.map((i) => i.idle!);
      const unused = all.filter((i) => i.idleDays > window);
      findings.push(
        unused.length > 0
          ? { resource: user.arn, status: 'FAIL', message: `User ${user.name} has credentials unused for over ${window} days: ${unused.map((i) => i.description).join('; ')}.` }
          : { resource: user.arn, status: 'PASS', message: `User ${user.name} used or created every credential within ${window} days: ${all.map((i) => i.description).join('; ')}.` },
      );
    }
    return findings.length > 0 ? findings : nothingToEvaluate('No IAM user has a console password or an active access key.');
  },
};
