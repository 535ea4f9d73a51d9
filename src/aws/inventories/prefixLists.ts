import { EC2Client, paginateDescribeManagedPrefixLists, paginateGetManagedPrefixListEntries } from '@aws-sdk/client-ec2';
import pLimit from 'p-limit';
import { defineInventory } from '../inventory';

export interface PrefixList {
  id: string;
  name: string;
  /** The list's CIDRs; AWS-managed lists (service ranges such as S3's) are not read and have none. */
  cidrs: string[];
  awsManaged: boolean;
}

export const PREFIX_LIST_ACTIONS = ['ec2:DescribeManagedPrefixLists', 'ec2:GetManagedPrefixListEntries'] as const;

/** The region's managed prefix lists, with the entries of the customer-managed ones. */
export const prefixLists = defineInventory<Map<string, PrefixList>>('ec2.prefixLists', 'regional', async (ctx, region) => {
  const ec2 = ctx.aws.client(EC2Client, region);
  const lists: PrefixList[] = [];
  for await (const page of paginateDescribeManagedPrefixLists({ client: ec2 }, {})) {
    for (const list of page.PrefixLists ?? []) {
      if (list.PrefixListId) lists.push({ id: list.PrefixListId, name: list.PrefixListName ?? list.PrefixListId, cidrs: [], awsManaged: list.OwnerId === 'AWS' });
    }
  }
  const limit = pLimit(8);
  await Promise.all(
    lists
      .filter((list) => !list.awsManaged)
      .map((list) =>
        limit(async () => {
          for await (const page of paginateGetManagedPrefixListEntries({ client: ec2 }, { PrefixListId: list.id })) {
            for (const entry of page.Entries ?? []) if (entry.Cidr) list.cidrs.push(entry.Cidr);
          }
        }),
      ),
  );
  return new Map(lists.map((list) => [list.id, list]));
});
