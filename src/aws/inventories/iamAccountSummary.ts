import { GetAccountSummaryCommand, IAMClient } from '@aws-sdk/client-iam';
import { defineInventory } from '../inventory';

export const ACCOUNT_SUMMARY_ACTIONS = ['iam:GetAccountSummary'] as const;

/** GetAccountSummary's SummaryMap (e.g. `AccountMFAEnabled`, `AccountAccessKeysPresent`): live, unlike the credential report. */
export const iamAccountSummary = defineInventory<Record<string, number>>('iam.accountSummary', 'global', async (ctx, region) => {
  const out = await ctx.aws.client(IAMClient, region).send(new GetAccountSummaryCommand({}));
  if (!out.SummaryMap) throw new Error('GetAccountSummary returned no SummaryMap');
  return out.SummaryMap;
});
