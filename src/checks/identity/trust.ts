import { describeError } from '../../aws/errors';
import { organization } from '../../aws/inventories/organization';
import type { IamRole } from '../../aws/inventories/iamAuthorizationDetails';
import { conditionValues, type PolicyStatement } from '../../aws/inventories/iamPolicyDocument';
import type { CheckContext } from '../../core/types';
import { organizationAccountIds } from './inventory';

/** The accounts that count as the scanned account's own: itself, configured trusted accounts, its organization. */
export interface OwnAccounts {
  ids: Set<string>;
  organizationId?: string;
  /** Why the organization's accounts are not all known, for messages. */
  caveat?: string;
}

export async function ownAccounts(ctx: CheckContext): Promise<OwnAccounts> {
  const own: OwnAccounts = { ids: new Set([ctx.accountId, ...ctx.thresholds.trustedAccountIds]) };
  try {
    const org = await organization(ctx);
    if (!org) return own;
    own.organizationId = org.Id;
    if (org.MasterAccountId) own.ids.add(org.MasterAccountId);
    const members = await organizationAccountIds(ctx);
    if (members) for (const id of members) own.ids.add(id);
    else own.caveat = `the accounts of organization ${org.Id} cannot be listed from this account`;
  } catch (err) {
    own.caveat = `the organization could not be read (${describeError(err)})`;
  }
  return own;
}

/** An AWS principal outside the account's own that a trust statement lets assume the role. */
export interface ExternalTrust {
  /** A 12-digit account id, or `*` for any AWS principal. */
  account: string;
  /** The principal as written in the policy. */
  principal: string;
  /** sts:ExternalId values required by the statement, if any. */
  externalIds?: string[];
  /** For `*`: the condition keys that narrow who may assume (aws:PrincipalOrgID, aws:PrincipalAccount, sts:ExternalId). */
  restrictedBy: string[];
}

const WILDCARD_RESTRICTIONS = ['aws:PrincipalOrgID', 'aws:PrincipalAccount', 'sts:ExternalId'];

function globMatches(pattern: string, value: string): boolean {
  const regex = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
  return regex.test(value);
}

/** Whether the statement allows sts:AssumeRole (the action AWS principals use; SAML/web identity are federated). */
function allowsAssumeRole(statement: PolicyStatement): boolean {
  if (statement.effect !== 'Allow') return false;
  if (statement.notAction) return !statement.notAction.some((a) => globMatches(a, 'sts:AssumeRole'));
  return (statement.action ?? []).some((a) => globMatches(a, 'sts:AssumeRole'));
}

/** The account of an AWS principal: a bare id, an IAM/STS ARN, or `*`; undefined for a unique id left by a deleted principal. */
function principalAccount(principal: string): string | undefined {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * The AWS principals outside `own` that the role's trust policy lets assume it. Service
 * principals and SAML/OIDC federated principals are not third-party accounts and are left out.
 */
export function externalTrusts(role: IamRole, own: OwnAccounts): ExternalTrust[] {
  const trusts: ExternalTrust[] = [];
  for (const statement of role.trustPolicy.document?.statements ?? []) {
    if (!allowsAssumeRole(statement)) continue;
    const externalIds = conditionValues(statement, 'sts:ExternalId');
    for (const principal of statement.principal?.AWS ?? []) {
      const account = principalAccount(principal);
      if (!account || own.ids.has(account)) continue;
      const restrictedBy = WILDCARD_RESTRICTIONS.filter((key) => conditionValues(statement, key) !== undefined);
      trusts.push({ account, principal, externalIds, restrictedBy });
    }
  }
  return trusts;
}

/** Shows enough of an external ID to recognise it without disclosing the shared secret. */
export function maskExternalId(externalId: string): string {
  const shown = externalId.slice(0, Math.min(4, Math.floor(externalId.length / 3)));
  return `"${shown}…" (${externalId.length} characters)`;
}
