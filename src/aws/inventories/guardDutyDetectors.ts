import { GetDetectorCommand, GuardDutyClient, paginateListDetectors, type GetDetectorResponse } from '@aws-sdk/client-guardduty';
import { defineInventory } from '../inventory';

/** What reading the region's detectors asks. */
export const GUARDDUTY_DETECTOR_ACTIONS = ['guardduty:GetDetector', 'guardduty:ListDetectors'] as const;

export interface GuardDutyDetector {
  id: string;
  arn: string;
  detail: GetDetectorResponse;
}

/** The region's GuardDuty detectors with their settings: one list walk and one GetDetector each (a region has at most one). */
export const guardDutyDetectors = defineInventory<GuardDutyDetector[]>('guardduty.detectors', 'regional', async (ctx, region) => {
  const guardDuty = ctx.aws.client(GuardDutyClient, region);
  const ids: string[] = [];
  for await (const page of paginateListDetectors({ client: guardDuty }, {})) ids.push(...(page.DetectorIds ?? []));
  return Promise.all(
    ids.map(async (id) => ({
      id,
      arn: `arn:aws:guardduty:${region}:${ctx.accountId}:detector/${id}`,
      detail: await guardDuty.send(new GetDetectorCommand({ DetectorId: id })),
    })),
  );
});
