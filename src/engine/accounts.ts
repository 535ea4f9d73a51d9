import {
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListOrganizationalUnitsForParentCommand,
  OrganizationsClient,
  type Account,
} from '@aws-sdk/client-organizations';
import type { AwsAccess } from '../aws/clients';
import { describeError } from '../aws/errors';
import type { ConfiguredAccount, OrganizationScan } from '../config/accounts';

/** How the bot reaches an account: with its own credentials, through a role, or not at all (why). */
export type AccountAccess =
  | { kind: 'ambient' }
  | { kind: 'role'; roleArn: string; externalId: string }
  | { kind: 'unreachable'; roleArn: string; reason: string };

/** One account to scan. */
export interface ScanTarget {
  accountId: string;
  alias?: string;
  /** Where the account came from: the bot's own credentials, the `accounts` setting, or the organization. */
  source: 'ambient' | 'config' | 'organization';
  access: AccountAccess;
}

/** What the bot recorded for an account with `ftr accounts add` (see store/accountRegistry). */
export interface RoleRegistration {
  externalId: string;
  roleArn?: string;
}

export interface ResolvedTargets {
  targets: ScanTarget[];
  /** Why the organization's member accounts could not be listed, when they could not. */
  organizationError?: string;
}

export interface ResolveTargetsInput {
  ambientAccountId: string;
  accounts: readonly ConfiguredAccount[];
  organization: OrganizationScan;
  /** The bot's own access: Organizations is asked with it. */
  ambient: AwsAccess;
  homeRegion: string;
  /** The account's registration (its external ID), from the store. */
  registration: (accountId: string) => Promise<RoleRegistration | undefined>;
}

/** The partition of a region: role ARNs in member accounts are built in it. */
export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

const isActive = (account: Account) => (account.State ?? account.Status) === 'ACTIVE';

async function listAllAccounts(org: OrganizationsClient): Promise<Account[]> {
  const accounts: Account[] = [];
  let NextToken: string | undefined;
  do {
    const page = await org.send(new ListAccountsCommand({ NextToken }));
    accounts.push(...(page.Accounts ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  return accounts;
}

/** The accounts under `parentId` (a root or an OU) at any depth. */
async function listAccountsUnder(org: OrganizationsClient, parentId: string): Promise<Account[]> {
  const accounts: Account[] = [];
  const parents = [parentId];
  for (let parent = parents.pop(); parent !== undefined; parent = parents.pop()) {
    let NextToken: string | undefined;
    do {
      const page = await org.send(new ListAccountsForParentCommand({ ParentId: parent, NextToken }));
      accounts.push(...(page.Accounts ?? []));
      NextToken = page.NextToken;
    } while (NextToken);
    do {
      const page = await org.send(new ListOrganizationalUnitsForParentCommand({ ParentId: parent, NextToken }));
      parents.push(...(page.OrganizationalUnits ?? []).map((ou) => ou.Id).filter((id): id is string => Boolean(id)));
      NextToken = page.NextToken;
    } while (NextToken);
  }
  return accounts;
}

/** The ACTIVE member account ids, sorted; under the configured OUs when there are any. */
export async function organizationMemberIds(ambient: AwsAccess, homeRegion: string, organization: OrganizationScan): Promise<string[]> {
  const org = ambient.client(OrganizationsClient, homeRegion);
  const accounts = organization.organizationalUnits
    ? (await Promise.all(organization.organizationalUnits.map((ou) => listAccountsUnder(org, ou)))).flat()
    : await listAllAccounts(org);
  return [...new Set(accounts.filter(isActive).map((a) => a.Id).filter((id): id is string => Boolean(id)))].sort();
}

/**
 * The accounts to scan: the bot's own account with its own credentials, then the configured
 * accounts, then (with `organization.scanMembers`) the organization's active members, each once.
 * A role's external ID comes from the store only; an account without one is unreachable.
 */
export async function resolveScanTargets(input: ResolveTargetsInput): Promise<ResolvedTargets> {
  // Listed under `accounts` too, the bot's own account keeps its alias but is scanned with the bot's own credentials.
  const ownAlias = input.accounts.find((a) => a.id === input.ambientAccountId)?.alias;
  const targets: ScanTarget[] = [{ accountId: input.ambientAccountId, ...(ownAlias ? { alias: ownAlias } : {}), source: 'ambient', access: { kind: 'ambient' } }];
  const seen = new Set([input.ambientAccountId]);
  const candidates: Array<{ accountId: string; alias?: string; source: 'config' | 'organization'; roleArn?: string }> = input.accounts.map((a) => ({
    accountId: a.id,
    alias: a.alias,
    source: 'config',
    roleArn: a.roleArn,
  }));
  let organizationError: string | undefined;
  if (input.organization.scanMembers) {
    try {
      const members = await organizationMemberIds(input.ambient, input.homeRegion, input.organization);
      candidates.push(...members.map((accountId) => ({ accountId, source: 'organization' as const })));
    } catch (err) {
      organizationError = describeError(err);
    }
  }
  const unique = candidates.filter((c) => !seen.has(c.accountId) && seen.add(c.accountId));
  const registrations = await Promise.all(unique.map((c) => input.registration(c.accountId)));
  unique.forEach((candidate, i) => {
    const registration = registrations[i];
    const roleArn =
      candidate.roleArn ?? registration?.roleArn ?? `arn:${partitionOf(input.homeRegion)}:iam::${candidate.accountId}:role/${input.organization.roleName}`;
    const access: AccountAccess = registration
      ? { kind: 'role', roleArn, externalId: registration.externalId }
      : { kind: 'unreachable', roleArn, reason: `no external ID: run npx ftr accounts add ${candidate.accountId}` };
    targets.push({ accountId: candidate.accountId, ...(candidate.alias ? { alias: candidate.alias } : {}), source: candidate.source, access });
  });
  return { targets, ...(organizationError ? { organizationError } : {}) };
}
