import { CREDENTIAL_REPORT_ACTIONS, iamCredentialReport } from '../../aws/inventories/iamCredentialReport';
import { iamIdentityCenterInstances, IDENTITY_CENTER_INSTANCE_ACTIONS } from '../../aws/inventories/iamIdentityCenter';
import type { Check, Finding } from '../../core/types';
import { actionList, quote } from '../define';
import { reportUser, type ReportUser } from './credentials';
import { count } from './format';

/**
 * IAM users with a console password that can stand beside a central identity provider: a
 * break-glass pair, for when the provider is down, is common practice; more than that means
 * people still sign in as IAM users routinely, which WAS-IAM-2 asks to avoid.
 */
const BREAK_GLASS_CONSOLE_USERS = 2;

/** Users named in a message, so that it stays one readable sentence. */
const NAMED_USERS = 3;

function someUsers(users: ReportUser[]): string {
  const names = users.slice(0, NAMED_USERS).map((u) => u.name).join(', ');
  return users.length > NAMED_USERS ? `${names} and ${users.length - NAMED_USERS} more` : names;
}

/**
 * People sign in with a console password, so IAM users holding one are taken as humans who
 * should come through a central identity provider instead; users with only access keys are
 * counted (long-lived keys) but may be workloads.
 */
export const iamCentralizedIdentity: Check = {
  id: 'iam_centralized_identity_provider',
  refs: ['WAS-IAM-2'],
  title: 'People sign in through IAM Identity Center, not IAM users',
  severity: 'medium',
  rationale: quote('WAS-IAM-2'),
  remediation:
    `Enable IAM Identity Center (connected to the company identity provider), give people permission sets there, then remove IAM users' console passwords (keeping at most ${BREAK_GLASS_CONSOLE_USERS} break-glass users) and long-lived access keys.`,
  scope: 'global',
  kind: 'automated',
  actions: actionList(CREDENTIAL_REPORT_ACTIONS, IDENTITY_CENTER_INSTANCE_ACTIONS),
  async run(ctx): Promise<Finding[]> {
    const users = (await iamCredentialReport(ctx)).users.map(reportUser);
    const { instances, unreadable } = await iamIdentityCenterInstances(ctx);
    const consoleUsers = users.filter((u) => u.credentials.some((c) => c.kind === 'password'));
    const unknownConsole = users.filter((u) => u.unreadableColumns.includes('password_enabled'));
    const withKeys = users.filter((u) => u.credentials.some((c) => c.kind === 'accessKey')).length;
    const numbers = `${count(consoleUsers.length, 'IAM user')} with a console password and ${count(withKeys, 'IAM user')} with active access keys`;
    const unknownNote = `the credential report gives no password_enabled value for ${someUsers(unknownConsole)}`;
    const finding = (status: Finding['status'], message: string): Finding[] => [{ resource: 'account', status, message }];
    if (instances.length > 0) {
      const where = instances.map((i) => `${i.InstanceArn?.split('/').pop() ?? 'instance'} in ${i.region}`).join(', ');
      if (consoleUsers.length > BREAK_GLASS_CONSOLE_USERS) {
        return finding(
          'FAIL',
          `IAM Identity Center is set up (${where}), but ${count(consoleUsers.length, 'IAM user')} (${someUsers(consoleUsers)}) still have a console password beside it, more than the ${BREAK_GLASS_CONSOLE_USERS} a break-glass setup needs; the account has ${numbers}.`,
        );
      }
      if (unknownConsole.length > 0) return finding('ERROR', `IAM Identity Center is set up (${where}), but ${unknownNote}, so the number of IAM console users is unknown.`);
      return finding('PASS', `IAM Identity Center is set up (${where}) and IAM console users are at most the ${BREAK_GLASS_CONSOLE_USERS} a break-glass setup needs; the account has ${numbers}.`);
    }
    if (consoleUsers.length === 0 && unknownConsole.length === 0) {
      return finding('PASS', `No IAM user has a console password (no Identity Center instance seen); the account has ${numbers}.`);
    }
    if (unreadable.length > 0) {
      const regions = unreadable.map((u) => `${u.region}: ${u.reason}`).join('; ');
      return finding('ERROR', `Cannot tell whether IAM Identity Center is set up (${regions}); the account has ${numbers}.`);
    }
    if (consoleUsers.length === 0) return finding('ERROR', `No IAM Identity Center instance was found, and ${unknownNote}, so whether people sign in as IAM users is unknown.`);
    return finding('FAIL', `No IAM Identity Center instance was found and the account has ${numbers}.`);
  },
};
