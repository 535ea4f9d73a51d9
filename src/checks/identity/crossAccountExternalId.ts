import { iamAuthorizationDetails, isServiceLinkedRole } from '../../aws/inventories/iamAuthorizationDetails';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { nothingToEvaluate } from './credentials';
import { count } from './format';
import { externalTrusts, ownAccounts, type ExternalTrust } from './trust';

function describeTrust(trust: ExternalTrust): string {
  if (trust.account === '*') {
    return trust.restrictedBy.length > 0 ? `any AWS principal restricted by ${trust.restrictedBy.join(', ')}` : 'any AWS principal (*) with no aws:PrincipalOrgID, aws:PrincipalAccount or sts:ExternalId condition';
  }
  return trust.principal === trust.account ? `account ${trust.account}` : `account ${trust.account} (${trust.principal})`;
}

const isUnguarded = (trust: ExternalTrust) => (trust.account === '*' ? trust.restrictedBy.length === 0 : !trust.externalIds);

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
  rationale: quote('FTR-11.3'),
  remediation:
    'Add a `Condition: {"StringEquals": {"sts:ExternalId": "<id the third party generated>"}}` to every trust policy statement that lets another AWS account assume the role, and never trust `*` without restricting the principal.',
  scope: 'global',
  kind: 'automated',
  async run(ctx) {
    const roles = (await iamAuthorizationDetails(ctx)).roles.filter((role) => !isServiceLinkedRole(role));
    const own = await ownAccounts(ctx);
    const caveat = own.caveat ? ` (${own.caveat}, so its member accounts count as external)` : '';
    const findings: Finding[] = [];
    for (const role of roles) {
      if (!role.trustPolicy.document) {
        findings.push({ resource: role.arn, status: 'ERROR', message: `Cannot evaluate role ${role.name}: its ${role.trustPolicy.unreadable}.` });
        continue;
      }
      const trusts = externalTrusts(role, own);
      if (trusts.length === 0) continue;
      const unguarded = trusts.filter(isUnguarded);
      findings.push(
        unguarded.length > 0
          ? { resource: role.arn, status: 'FAIL', message: `Role ${role.name} can be assumed without an sts:ExternalId condition by ${unguarded.map(describeTrust).join('; ')}${caveat}.` }
          : { resource: role.arn, status: 'PASS', message: `Role ${role.name} trusts ${trusts.map(describeTrust).join('; ')} only under an sts:ExternalId or restricting condition.` },
      );
    }
    if (findings.length > 0) return findings;
    return nothingToEvaluate(
      `None of the ${count(roles.length, 'role')} (service-linked roles aside) trusts an AWS account outside this account${own.organizationId ? `, organization ${own.organizationId}` : ''} and the configured trusted accounts.`,
    );
  },
};
