import { iamCredentialReport } from '../../aws/inventories/iamCredentialReport';
import { iamIdentityCenterInstances } from '../../aws/inventories/iamIdentityCenter';
import type { Check } from '../../core/types';
import { quote } from '../define';
import { reportUser } from './credentials';
import { count } from './format';

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
    'Enable IAM Identity Center (connected to the company identity provider), give people permission sets there, then remove IAM users\' console passwords and long-lived access keys.',
  scope: 'global',
  kind: 'automated',
  async run(ctx) {
    const users = (await iamCredentialReport(ctx)).users.map(reportUser);
    const { instances, unreadable } = await iamIdentityCenterInstances(ctx);
    const withPassword = users.filter((u) => u.credentials.some((c) => c.kind === 'password')).length;
    const withKeys = users.filter((u) => u.credentials.some((c) => c.kind === 'accessKey')).length;
    const numbers = `${count(withPassword, 'IAM user')} with a console password and ${count(withKeys, 'IAM user')} with active access keys`;
    if (instances.length > 0) {
      const where = instances.map((i) => `${i.InstanceArn?.split('/').pop() ?? 'instance'} in ${i.region}`).join(', ');
      return [{ resource: 'account', status: 'PASS', message: `IAM Identity Center is set up (${where}); the account has ${numbers}.` }];
    }
    if (withPassword === 0) {
      return [{ resource: 'account', status: 'PASS', message: `No IAM user has a console password (no Identity Center instance seen); the account has ${numbers}.` }];
    }
    if (unreadable.length > 0) {
      const regions = unreadable.map((u) => `${u.region}: ${u.reason}`).join('; ');
      return [{ resource: 'account', status: 'ERROR', message: `Cannot tell whether IAM Identity Center is set up (${regions}); the account has ${numbers}.` }];
    }
    return [{ resource: 'account', status: 'FAIL', message: `No IAM Identity Center instance was found and the account has ${numbers}.` }];
  },
};
