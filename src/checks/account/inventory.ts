import { AccountClient, GetAlternateContactCommand, type AlternateContact, type AlternateContactType } from '@aws-sdk/client-account';
import { OrganizationsClient, paginateListPolicies, paginateListRoots, paginateListTargetsForPolicy } from '@aws-sdk/client-organizations';
import pLimit from 'p-limit';
import { isErrorNamed } from '../../aws/errors';
import { defineInventory } from '../../aws/inventory';

export const ALTERNATE_CONTACT_ACTIONS = ['account:GetAlternateContact'] as const;

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

export const SERVICE_CONTROL_POLICY_ACTIONS = ['organizations:ListPolicies', 'organizations:ListRoots', 'organizations:ListTargetsForPolicy'] as const;

/** ListTargetsForPolicy calls in flight at once. */
const POLICY_TARGET_CONCURRENCY = 4;

export interface ServiceControlPolicies {
  /** Whether the SERVICE_CONTROL_POLICY type is enabled on the organization's root: without it no SCP applies. */
  enabledOnRoot: boolean;
  /** The customer-managed SCPs (AWS's FullAWSAccess allows everything, so it is no guardrail), with how many roots, OUs and accounts each is attached to. */
  guardrails: Array<{ name: string; targets: number }>;
}

/**
 * The organization's service control policies, read once per scan. Only the management account
 * or a delegated administrator may list them; a member account gets access denied.
 */
export const serviceControlPolicies = defineInventory<ServiceControlPolicies>('organizations.serviceControlPolicies', 'global', async (ctx, region) => {
  const client = ctx.aws.client(OrganizationsClient, region);
  let enabledOnRoot = false;
  for await (const page of paginateListRoots({ client }, {})) {
    for (const root of page.Roots ?? []) {
      if ((root.PolicyTypes ?? []).some((t) => t.Type === 'SERVICE_CONTROL_POLICY' && t.Status === 'ENABLED')) enabledOnRoot = true;
    }
  }
  const custom: Array<{ id: string; name: string }> = [];
  for await (const page of paginateListPolicies({ client }, { Filter: 'SERVICE_CONTROL_POLICY' })) {
    for (const p of page.Policies ?? []) if (p.Id && !p.AwsManaged) custom.push({ id: p.Id, name: p.Name ?? p.Id });
  }
  const limit = pLimit(POLICY_TARGET_CONCURRENCY);
  const guardrails = await Promise.all(
    custom.map((p) =>
      limit(async () => {
        let targets = 0;
        for await (const page of paginateListTargetsForPolicy({ client }, { PolicyId: p.id })) targets += page.Targets?.length ?? 0;
        return { name: p.name, targets };
      }),
    ),
  );
  return { enabledOnRoot, guardrails };
});
