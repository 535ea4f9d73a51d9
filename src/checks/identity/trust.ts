import { describeError } from '../../aws/errors';
import { organization } from '../../aws/inventories/organization';
import type { IamRole } from '../../aws/inventories/iamAuthorizationDetails';
import { coversAction, exemptingValues, guardingValues, type PolicyDocument, type PolicyStatement } from '../../aws/inventories/iamPolicyDocument';
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

/** Who outside the account's own may assume a role through one trust statement. */
export interface ExternalTrust {
  /** A 12-digit account id, an organization id (`o-…`), or `*` for any AWS principal. */
  account: string;
  /** The principal as written in the policy. */
  principal: string;
  /** Any AWS principal with no organization or account condition restricting it: public, whatever the external ID. */
  public: boolean;
  /** The sts:ExternalId values a caller must present, when a condition guards the trust; undefined when none does. */
  externalIds?: string[];
}

/** A trust is guarded when it is not public and a caller must present an external ID. */
export const isGuarded = (trust: ExternalTrust): boolean => !trust.public && trust.externalIds !== undefined;

/** The action AWS principals use to assume a role; SAML and web identity federation are not third-party accounts. */
const ASSUME_ROLE = 'sts:AssumeRole';

/** The account of an AWS principal: a bare id, an IAM/STS ARN, or `*`; undefined for a unique id left by a deleted principal. */
function principalAccount(principal: string): string | undefined {
  if (principal === '*') return '*';
  if (/^\d{12}$/.test(principal)) return principal;
  return /^arn:[^:]+:(?:iam|sts)::(\d{12}):/.exec(principal)?.[1];
}

/**
 * Who the statement's guarding conditions restrict an `*` principal to: organizations by
 * aws:PrincipalOrgID, accounts by aws:PrincipalAccount or by the accounts of aws:PrincipalArn.
 */
function principalRestriction(statement: PolicyStatement): { organizations?: string[]; accounts?: string[] } {
  const byAccount = guardingValues(statement, 'aws:PrincipalAccount');
  const byArn = guardingValues(statement, 'aws:PrincipalArn')?.map(principalAccount);
  const arnAccounts = byArn?.every((account) => account !== undefined && account !== '*') ? (byArn as string[]) : undefined;
  // The conditions are ANDed: with both keys, only accounts both name get through.
  const accounts = byAccount && arnAccounts ? byAccount.filter((account) => arnAccounts.includes(account)) : (byAccount ?? arnAccounts);
  return { organizations: guardingValues(statement, 'aws:PrincipalOrgID'), accounts };
}

/** Who outside `own` one principal of an allowing statement stands for: none, one account, or (for `*`) what its conditions leave. */
function externalParties(principal: string, statement: PolicyStatement, own: OwnAccounts): Array<Pick<ExternalTrust, 'account' | 'public'>> {
  const account = principalAccount(principal);
  if (!account) return [];
  if (account !== '*') return own.ids.has(account) ? [] : [{ account, public: false }];
  const { organizations, accounts } = principalRestriction(statement);
  if (organizations?.every((org) => org === own.organizationId)) return [];
  if (accounts) return accounts.filter((id) => !own.ids.has(id)).map((id) => ({ account: id, public: false }));
  if (organizations) return organizations.map((org) => ({ account: org, public: false }));
  return [{ account: '*', public: true }];
}

/**
 * External IDs a Deny statement of the same policy demands of `principal`: "deny sts:AssumeRole
 * unless sts:ExternalId is …", applying to every principal or to this one.
 */
function externalIdsDemandedByDeny(document: PolicyDocument, principal: string): string[] | undefined {
  for (const statement of document.statements) {
    const appliesTo = statement.principal?.AWS ?? [];
    if (statement.effect !== 'Deny' || statement.notPrincipal || !coversAction(statement, ASSUME_ROLE)) continue;
    if (!appliesTo.includes('*') && !appliesTo.includes(principal)) continue;
    const demanded = exemptingValues(statement, 'sts:ExternalId');
    if (demanded) return demanded;
  }
  return undefined;
}

/**
 * Who outside `own` the role's trust policy lets assume it, one entry per allowing statement
 * and principal, so that a role is unguarded when any of its statements is. Service principals
 * and SAML/OIDC federated principals are not third-party accounts and are left out.
 */
export function externalTrusts(role: IamRole, own: OwnAccounts): ExternalTrust[] {
  const document = role.trustPolicy.document;
  if (!document) return [];
  const trusts: ExternalTrust[] = [];
  for (const statement of document.statements) {
    if (statement.effect !== 'Allow' || !coversAction(statement, ASSUME_ROLE)) continue;
    for (const principal of statement.principal?.AWS ?? []) {
      const externalIds = guardingValues(statement, 'sts:ExternalId') ?? externalIdsDemandedByDeny(document, principal);
      for (const party of externalParties(principal, statement, own)) trusts.push({ ...party, principal, externalIds });
    }
  }
  return trusts;
}

/** Shows enough of an external ID to recognise it without disclosing the shared secret. */
export function maskExternalId(externalId: string): string {
  const shown = externalId.slice(0, Math.min(4, Math.floor(externalId.length / 3)));
  return `"${shown}…" (${externalId.length} characters)`;
}
