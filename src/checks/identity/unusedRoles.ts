import { IAM_AUTHORIZATION_DETAILS_ACTIONS, iamAuthorizationDetails, isServiceLinkedRole } from '../../aws/inventories/iamAuthorizationDetails';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { nothingToEvaluate } from './credentials';
import { ageInDays, day } from './format';

/** RoleLastUsed.LastUsedDate decides; a role never used is idle since its creation. Service-linked roles are AWS's and skipped. */
export const iamRoleUnused: Check = {
  id: 'iam_role_unused',
  refs: ['FTR-7.7'],
  title: 'No IAM roles left unused',
  severity: 'low',
  rationale: quote('FTR-7.7'),
  remediation:
    'Delete roles that have not been used within the window (check their last activity in the IAM console first), or record why they must stay.',
  scope: 'global',
  kind: 'automated',
  actions: [...IAM_AUTHORIZATION_DETAILS_ACTIONS],
  async run(ctx) {
    const window = ctx.thresholds.unusedRoleDays;
    const now = ctx.now();
    const roles = (await iamAuthorizationDetails(ctx)).roles.filter((role) => !isServiceLinkedRole(role));
    const findings = roles.map((role): Finding => {
      const since = role.lastUsedDate ?? role.createDate;
      if (!since) {
        return { resource: role.arn, status: 'ERROR', message: `Cannot evaluate role ${role.name}: IAM gives neither a last-used nor a creation date.` };
      }
      const idle = ageInDays(since, now);
      const what = role.lastUsedDate
        ? `Role ${role.name} was last used ${day(since)} (${idle} days ago)`
        : `Role ${role.name} has no recorded use since it was created ${day(since)} (${idle} days ago)`;
      return idle > window
        ? { resource: role.arn, status: 'FAIL', message: `${what}, over ${window} days.` }
        : { resource: role.arn, status: 'PASS', message: `${what}, within ${window} days.` };
    });
    return findings.length > 0 ? findings : nothingToEvaluate('The account has no IAM roles other than service-linked roles.');
  },
};
