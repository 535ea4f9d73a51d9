import { OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import { isAccessDenied, isErrorNamed } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';

/** What the organization and its account list ask. */
export const ORGANIZATION_ACTIONS = ['organizations:DescribeOrganization', 'organizations:ListAccounts'] as const;

/**
 * The ids of every account in the organization, or null where they cannot be listed:
 * only the management account and a delegated administrator may call ListAccounts.
 */
export const organizationAccountIds = defineInventory<Set<string> | null>('organizations.accountIds', 'global', async (ctx, region) => {
  const ids = new Set<string>();
  try {
    for await (const page of paginateListAccounts({ client: ctx.aws.client(OrganizationsClient, region) }, {})) {
      for (const account of page.Accounts ?? []) if (account.Id) ids.add(account.Id);
    }
  } catch (err) {
    if (isAccessDenied(err) || isErrorNamed(err, 'AWSOrganizationsNotInUseException')) return null;
    throw err;
  }
  return ids;
});
