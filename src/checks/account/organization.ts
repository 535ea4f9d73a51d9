import { describeError, isAccessDenied } from '../../aws/errors';
import { organization } from '../../aws/inventories/organization';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { organizationAccountIds } from '../identity/inventory';
import { serviceControlPolicies } from './inventory';

const STANDALONE_MESSAGE =
  'The account is standalone (not in AWS Organizations), so production and non-production cannot be separated into accounts with a shared guardrail and blast-radius boundary.';

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
  async run(ctx): Promise<Finding[]> {
    const org = await organization(ctx);
    if (!org) return [{ resource: 'account', status: 'FAIL', message: STANDALONE_MESSAGE }];
    const accountIds = await organizationAccountIds(ctx);
    if (!accountIds) {
      return [{ resource: 'account', status: 'PASS', message: `The account is a member of organization ${org.Id}; the number of its accounts could not be read from this (member) account.` }];
    }
    return [
      accountIds.size >= 2
        ? { resource: 'account', status: 'PASS', message: `The account belongs to organization ${org.Id} with ${accountIds.size} accounts.` }
        : { resource: 'account', status: 'FAIL', message: `Organization ${org.Id} has only ${accountIds.size} account, so production and non-production are not separated into accounts.` },
    ];
  },
};

/** The SCP AWS attaches everywhere by default: it allows everything, so it is no guardrail. */
const DEFAULT_SCP_NAME = 'FullAWSAccess';

export const organizationsScpGuardrails: Check = {
  id: 'organizations_scp_guardrails',
  refs: ['WAS-IAM-3'],
  title: 'Service control policies set guardrails across the organization',
  severity: 'medium',
  rationale: quote('WAS-IAM-3'),
  remediation:
    'Enable service control policies in the organization and attach guardrails (e.g. deny leaving the organization, disabling CloudTrail or using unapproved regions) to the organizational units.',
  scope: 'global',
  kind: 'automated',
  async run(ctx): Promise<Finding[]> {
    const org = await organization(ctx);
    if (!org) return [{ resource: 'account', status: 'FAIL', message: 'The account is standalone, so no service control policy can set guardrails on it.' }];
    let policies;
    try {
      policies = await serviceControlPolicies(ctx);
    } catch (err) {
      if (!isAccessDenied(err)) throw err;
      return [{ resource: 'account', status: 'ERROR', message: `The service control policies of organization ${org.Id} could not be listed from this account (${describeError(err)}); run the scan from the management account or a delegated administrator.` }];
    }
    const guardrails = policies.filter((p) => p.Name !== DEFAULT_SCP_NAME);
    return [
      guardrails.length > 0
        ? { resource: 'account', status: 'PASS', message: `Organization ${org.Id} has ${guardrails.length} service control ${guardrails.length === 1 ? 'policy' : 'policies'} besides ${DEFAULT_SCP_NAME}: ${guardrails.map((p) => p.Name ?? p.Id).join(', ')}.` }
        : { resource: 'account', status: 'FAIL', message: `Organization ${org.Id} has no service control policy besides ${DEFAULT_SCP_NAME}, so no guardrail restricts its accounts.` },
    ];
  },
};
