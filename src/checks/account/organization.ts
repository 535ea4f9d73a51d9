import { describeError, isAccessDenied } from '../../aws/errors';
import { organization } from '../../aws/inventories/organization';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { organizationAccountIds } from '../identity/inventory';
import { SERVICE_CONTROL_POLICY_ACTIONS, serviceControlPolicies } from './inventory';

/** DescribeOrganization, read by the shared organization inventory. */
const ORGANIZATION_ACTION = 'organizations:DescribeOrganization';

/**
 * Separate standalone accounts can meet FTR-4.1 and WAS-IAM-3, so a standalone account is a
 * question for a person, not a failure; WAS-IAM-1's "use Organizations" it cannot meet, and the
 * finding is not evidence for it.
 */
const STANDALONE: Finding = {
  resource: 'account',
  status: 'MANUAL',
  refs: ['FTR-4.1', 'WAS-IAM-3'],
  message:
    'The account is standalone (not in AWS Organizations), so whether production and non-production run in separate accounts cannot be read from it: record which accounts hold production and which non-production, or bring them into an organization.',
};

export const organizationsMultiAccount: Check = {
  id: 'organizations_multi_account',
  refs: ['FTR-4.1', 'WAS-IAM-1', 'WAS-IAM-3'],
  title: 'The account is one of several accounts in an AWS Organization',
  severity: 'medium',
  rationale: quote('FTR-4.1'),
  remediation:
    'Create an AWS Organization (or join the company one) and run production and non-production workloads in separate member accounts, e.g. with AWS Control Tower.',
  scope: 'global',
  kind: 'automated',
  actions: [ORGANIZATION_ACTION, 'organizations:ListAccounts'],
  async run(ctx): Promise<Finding[]> {
    const org = await organization(ctx);
    if (!org) return [STANDALONE];
    const accountIds = await organizationAccountIds(ctx);
    if (!accountIds) {
      return [
        {
          resource: 'account',
          status: 'MANUAL',
          message: `The account is a member of organization ${org.Id}, but its accounts cannot be listed from here (only the management account or a delegated administrator may): confirm that production and non-production run in separate accounts, or scan from the management account.`,
        },
      ];
    }
    return [
      accountIds.size >= 2
        ? { resource: 'account', status: 'PASS', message: `The account belongs to organization ${org.Id} with ${accountIds.size} accounts.` }
        : { resource: 'account', status: 'FAIL', message: `Organization ${org.Id} has only ${accountIds.size} account, so production and non-production are not separated into accounts.` },
    ];
  },
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export const organizationsScpGuardrails: Check = {
  id: 'organizations_scp_guardrails',
  refs: ['WAS-IAM-3'],
  title: 'Service control policies set guardrails across the organization',
  severity: 'medium',
  rationale: quote('WAS-IAM-3'),
  remediation:
    'Enable the service control policy type on the organization root and attach guardrails (e.g. deny leaving the organization, disabling CloudTrail or using unapproved regions) to the root or organizational units.',
  scope: 'global',
  kind: 'automated',
  actions: [ORGANIZATION_ACTION, ...SERVICE_CONTROL_POLICY_ACTIONS],
  async run(ctx): Promise<Finding[]> {
    const org = await organization(ctx);
    const finding = (status: Finding['status'], message: string): Finding[] => [{ resource: 'account', status, message }];
    if (!org) return finding('FAIL', 'The account is standalone, so no service control policy can set guardrails on it.');
    let scps;
    try {
      scps = await serviceControlPolicies(ctx);
    } catch (err) {
      if (!isAccessDenied(err)) throw err;
      return finding(
        'MANUAL',
        `The service control policies of organization ${org.Id} cannot be read from this account (${describeError(err)}): record the guardrails that apply to it, or scan from the management account or a delegated administrator.`,
      );
    }
    const attached = scps.guardrails.filter((p) => p.targets > 0);
    const unattached = scps.guardrails.filter((p) => p.targets === 0).map((p) => p.name);
    const unattachedNote = unattached.length > 0 ? ` (${unattached.join(', ')} ${unattached.length === 1 ? 'is' : 'are'} attached nowhere)` : '';
    if (!scps.enabledOnRoot) {
      return finding('FAIL', `The service control policy type is not enabled on the root of organization ${org.Id}, so no SCP restricts its accounts.`);
    }
    if (attached.length === 0) {
      return finding('FAIL', `Organization ${org.Id} has no attached service control policy besides the AWS-managed FullAWSAccess${unattachedNote}, so no guardrail restricts its accounts.`);
    }
    const names = attached.map((p) => `${p.name} (${plural(p.targets, 'target', 'targets')})`).join(', ');
    return finding('PASS', `Organization ${org.Id} has SCPs enabled with ${plural(attached.length, 'guardrail', 'guardrails')} attached: ${names}${unattachedNote}.`);
  },
};
