import {
  CloudTrailClient,
  DescribeTrailsCommand,
  GetEventSelectorsCommand,
  GetTrailStatusCommand,
  type AdvancedEventSelector,
  type EventSelector,
  type Trail,
} from '@aws-sdk/client-cloudtrail';
import type { CheckContext } from '../../core/types';
import { describeError } from '../errors';
import { defineInventory } from '../inventory';
import type { Fact } from './s3BucketFacts';

/** What reading the trails of a region with their status and selectors asks. */
export const TRAIL_ACTIONS = ['cloudtrail:DescribeTrails', 'cloudtrail:GetEventSelectors', 'cloudtrail:GetTrailStatus'] as const;

export interface TrailSelectors {
  arn: string;
  name: string;
  homeRegion: string;
  /** The trail as DescribeTrails returned it (multi-region, bucket, validation, organization). */
  trail: Trail;
  isLogging: Fact<boolean>;
  selectors: Fact<{ basic: EventSelector[]; advanced: AdvancedEventSelector[] }>;
}

/** The trails that record events in a region: its own trails plus multi-region and organization trails. */
const regionTrails = defineInventory<Trail[]>('cloudtrail.regionTrails', 'regional', async (ctx, region) => {
  const out = await ctx.aws.client(CloudTrailClient, region).send(new DescribeTrailsCommand({ includeShadowTrails: true }));
  return out.trailList ?? [];
});

async function read<T>(call: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

/** One trail's logging status and event selectors, read once per scan in the trail's home region. */
function trailDetails(ctx: CheckContext, trail: Trail): Promise<TrailSelectors> {
  const arn = trail.TrailARN!;
  return ctx.inventory.get(`cloudtrail.trailDetails@${arn}`, async () => {
    const homeRegion = trail.HomeRegion ?? ctx.homeRegion;
    const client = ctx.aws.client(CloudTrailClient, homeRegion);
    const [isLogging, selectors] = await Promise.all([
      read(async () => (await client.send(new GetTrailStatusCommand({ Name: arn }))).IsLogging === true),
      read(async () => {
        const out = await client.send(new GetEventSelectorsCommand({ TrailName: arn }));
        return { basic: out.EventSelectors ?? [], advanced: out.AdvancedEventSelectors ?? [] };
      }),
    ]);
    return { arn, name: trail.Name ?? arn, homeRegion, trail, isLogging, selectors };
  });
}

/** Every trail recording events in `region`, with its status and selectors (a trail shared by regions is read once). */
export async function trailsRecordingIn(ctx: CheckContext, region: string): Promise<TrailSelectors[]> {
  const trails = (await regionTrails(ctx, region)).filter((t) => t.TrailARN);
  return Promise.all(trails.map((t) => trailDetails(ctx, t)));
}
