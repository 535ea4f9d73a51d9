import { AccountClient, GetAlternateContactCommand, type AlternateContact, type AlternateContactType } from '@aws-sdk/client-account';
import { OrganizationsClient, paginateListPolicies, type PolicySummary } from '@aws-sdk/client-organizations';
import { isErrorNamed } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';

export const ALTERNATE_CONTACT_TYPES: readonly AlternateContactType[] = ['BILLING', 'OPERATIONS', 'SECURITY'];

/** The resource id of one alternate contact. */
export const alternateContactResource = (type: AlternateContactType) => `account/alternate-contact/${type}`;

/** One alternate contact: null when none is set; the error when it could not be read. */
export type AlternateContactLookup =
  | { type: AlternateContactType; contact: AlternateContact | null }
  | { type: AlternateContactType; error: unknown };

/** The account's billing, operations and security contacts, each read once per scan. */
export const alternateContacts = defineInventory<AlternateContactLookup[]>('account.alternateContacts', 'global', async (ctx, region) => {
  const client = ctx.aws.client(AccountClient, region);
  return Promise.all(
    ALTERNATE_CONTACT_TYPES.map(async (type): Promise<AlternateContactLookup> => {
      try {
        const out = await client.send(new GetAlternateContactCommand({ AlternateContactType: type }));
        return { type, contact: out.AlternateContact ?? null };
      } catch (err) {
        if (isErrorNamed(err, 'ResourceNotFoundException')) return { type, contact: null };
        // Kept per contact, so that one unreadable contact is an ERROR for that contact only.
        return { type, error: err };
      }
    }),
  );
});

/** The organization's service control policies; only the management account or a delegated administrator may list them. */
export const serviceControlPolicies = defineInventory<PolicySummary[]>('organizations.serviceControlPolicies', 'global', async (ctx, region) => {
  const policies: PolicySummary[] = [];
  const client = ctx.aws.client(OrganizationsClient, region);
  for await (const page of paginateListPolicies({ client }, { Filter: 'SERVICE_CONTROL_POLICY' })) policies.push(...(page.Policies ?? []));
  return policies;
});
