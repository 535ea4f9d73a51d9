import { paginateListInstances, SSOAdminClient, type InstanceMetadata } from '@aws-sdk/client-sso-admin';
import pLimit from 'p-limit';
import { describeError } from '../errors';
import { defineInventory } from '../inventory';

export const IDENTITY_CENTER_INSTANCE_ACTIONS = ['sso:ListInstances'] as const;

export interface IdentityCenterInstances {
  /** Instances found, each with the region that answered. */
  instances: Array<InstanceMetadata & { region: string }>;
  /** Regions that could not be asked, with the reason. */
  unreadable: Array<{ region: string; reason: string }>;
}

/**
 * IAM Identity Center instances visible to the account. An instance lives in one region,
 * so the home region and every scanned region are asked; a region that fails is recorded
 * rather than fatal, since another region may still show the instance.
 */
export const iamIdentityCenterInstances = defineInventory<IdentityCenterInstances>('sso.instances', 'global', async (ctx, homeRegion) => {
  const regions = [...new Set([homeRegion, ...ctx.regions])];
  const result: IdentityCenterInstances = { instances: [], unreadable: [] };
  const limit = pLimit(4);
  await Promise.all(
    regions.map((region) =>
      limit(async () => {
        try {
          for await (const page of paginateListInstances({ client: ctx.aws.client(SSOAdminClient, region) }, {})) {
            result.instances.push(...(page.Instances ?? []).map((i) => ({ ...i, region })));
          }
        } catch (err) {
          result.unreadable.push({ region, reason: describeError(err) });
        }
      }),
    ),
  );
  return result;
});
