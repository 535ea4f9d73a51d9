import { IAM_AUTHORIZATION_DETAILS_ACTIONS, iamAuthorizationDetails, isServiceLinkedRole } from '../../aws/inventories/iamAuthorizationDetails';
import type { Check, Finding } from '../../core/types';
import { actionList, quote } from '../define';
import { nothingToEvaluate } from './credentials';
import { count } from './format';
import { externalTrusts, isGuarded, ownAccounts, type ExternalTrust } from './trust';
import { ORGANIZATION_ACTIONS } from './inventory';

/**
 * A role in the scanned account that another account may assume is that party's way into
 * this account: evidence for FTR-7.5 (third parties get roles, not IAM users). FTR-11.3 asks
 * the opposite direction, the external ID the partner's product presents when it assumes
 * roles in customer accounts, which no trust policy here shows.
 */
const THIRD_PARTY_ACCESS = ['FTR-7.5'];

const PARTNER_EXTERNAL_ID: Finding = {
  resource: 'account',
  status: 'MANUAL',
  refs: ['FTR-11.3'],
  message:
    "FTR-11.3 concerns the external ID your product presents when it assumes roles in customer accounts, which this account's trust policies cannot show: record the customer role template with its sts:ExternalId condition and where the product passes the ID.",
};

function describeTrust(trust: ExternalTrust): string {
  if (trust.public) return 'any AWS principal (*), which no aws:PrincipalOrgID or aws:PrincipalAccount condition restricts (an external ID does not make public trust private)';
  const who = trust.account.startsWith('o-') ? `any principal of organization ${trust.account}` : `account ${trust.account}`;
  if (trust.principal === '*') return `${who} (* restricted by condition)`;
  return trust.principal === trust.account ? who : `${who} (${trust.principal})`;
}

/**
 * Roles that AWS accounts outside the scanned account, its organization and the configured
 * trusted accounts may assume. Service principals and SAML/OIDC federation are not
 * third-party accounts: roles trusting only those are not evaluated here.
 */
export const iamRoleCrossAccountExternalId: Check = {
  id: 'iam_role_cross_account_external_id',
  refs: ['FTR-7.5', 'FTR-11.3'],
  title: 'Roles assumable by external accounts require an external ID',
  severity: 'high',
  rationale: quote('FTR-7.5'),
  remediation:
    'Add a `Condition: {"StringEquals": {"sts:ExternalId": "<id the third party generated>"}}` to every trust policy statement that lets another AWS account assume the role, and never trust `*` without an aws:PrincipalOrgID or aws:PrincipalAccount condition; for FTR-11.3, put the same StringEquals condition in the role template your product asks customers to deploy.',
  scope: 'global',
  kind: 'automated',
  actions: actionList(IAM_AUTHORIZATION_DETAILS_ACTIONS, ORGANIZATION_ACTIONS),
  async run(ctx) {
    const roles = (await iamAuthorizationDetails(ctx)).roles.filter((role) => !isServiceLinkedRole(role));
    const own = await ownAccounts(ctx);
    const caveat = own.caveat ? ` (${own.caveat}, so its member accounts count as external)` : '';
    const findings: Finding[] = [];
    for (const role of roles) {
      if (!role.trustPolicy.document) {
        findings.push({ resource: role.arn, status: 'ERROR', refs: THIRD_PARTY_ACCESS, message: `Cannot evaluate role ${role.name}: its ${role.trustPolicy.unreadable}.` });
        continue;
      }
      const trusts = externalTrusts(role, own);
      if (trusts.length === 0) continue;
      const unguarded = trusts.filter((trust) => !isGuarded(trust));
      findings.push(
        unguarded.length > 0
          ? {
              resource: role.arn,
              status: 'FAIL',
              refs: THIRD_PARTY_ACCESS,
              message: `Role ${role.name} lets third parties into this account without a guarding sts:ExternalId condition: ${unguarded.map(describeTrust).join('; ')}${caveat}.`,
            }
          : {
              resource: role.arn,
              status: 'PASS',
              refs: THIRD_PARTY_ACCESS,
              message: `Role ${role.name} lets third parties into this account only with a guarding sts:ExternalId condition: ${[...new Set(trusts.map(describeTrust))].join('; ')}.`,
            },
      );
    }
    if (findings.length === 0) {
      findings.push(
        ...nothingToEvaluate(
          `None of the ${count(roles.length, 'role')} (service-linked roles aside) trusts an AWS account outside this account${own.organizationId ? `, organization ${own.organizationId}` : ''} and the configured trusted accounts.`,
        ).map((finding) => ({ ...finding, refs: THIRD_PARTY_ACCESS })),
      );
    }
    return [...findings, PARTNER_EXTERNAL_ID];
  },
};
