import { DescribeOrganizationCommand, OrganizationsClient, type Organization } from '@aws-sdk/client-organizations';
import { isErrorNamed } from '../errors';
import { defineInventory } from '../inventory';

/** The organization the account belongs to, or null for a standalone account. */
export const organization = defineInventory<Organization | null>('organizations.organization', 'global', async (ctx, region) => {
  try {
    const out = await ctx.aws.client(OrganizationsClient, region).send(new DescribeOrganizationCommand({}));
    return out.Organization ?? null;
  } catch (err) {
    if (isErrorNamed(err, 'AWSOrganizationsNotInUseException')) return null;
    throw err;
  }
});
