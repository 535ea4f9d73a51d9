import type { CheckContext, Finding } from '../../core/types';
import { describeError } from '../errors';
import type { Fact } from './s3BucketFacts';

/** One region's answer from a regional inventory, or why it could not be read. */
export interface RegionFact<T> {
  region: string;
  fact: Fact<T>;
}

/**
 * A regional inventory read in every scanned region (memoised, so the regional runs and
 * the account-wide verdict share the same requests). A region that fails is kept as its
 * error: its own regional run reports it, and the verdict knows it is unproven.
 */
function inEveryRegion<T>(
  ctx: CheckContext,
  inventory: (ctx: CheckContext, region: string) => Promise<T>,
): Promise<Array<RegionFact<T>>> {
  return Promise.all(
    ctx.regions.map((region) =>
      inventory(ctx, region).then(
        (value): RegionFact<T> => ({ region, fact: { ok: true, value } }),
        (err): RegionFact<T> => ({ region, fact: { ok: false, error: describeError(err) } }),
      ),
    ),
  );
}

/**
 * True in the one run of a regional check that also gives the account-wide verdict (the first
 * scanned region's), so the verdict appears once per scan rather than once per region.
 */
function givesAccountVerdict(ctx: CheckContext): boolean {
  return ctx.region === ctx.regions[0];
}

/**
 * A regional check's run: the findings for its own region and, in the one run that gives it,
 * the account-wide verdict across every scanned region. In that run a failure of the own
 * region's inventory becomes an ERROR finding, so the verdict is still given.
 */
export async function regionalFindingsWithVerdict<T>(
  ctx: CheckContext,
  inventory: (ctx: CheckContext, region: string) => Promise<T>,
  spec: {
    /** What the inventory holds, for the ERROR message, e.g. "backup plans". */
    what: string;
    evaluate: (value: T) => Finding[] | Promise<Finding[]>;
    verdict: (perRegion: Array<RegionFact<T>>) => Finding | Promise<Finding>;
  },
): Promise<Finding[]> {
  if (!givesAccountVerdict(ctx)) return spec.evaluate(await inventory(ctx, ctx.region));
  const perRegion = await inEveryRegion(ctx, inventory);
  const own = perRegion.find((r) => r.region === ctx.region)!.fact;
  const findings: Finding[] = own.ok
    ? await spec.evaluate(own.value)
    : [{ resource: 'account', status: 'ERROR', message: `The ${spec.what} of ${ctx.region} could not be read (${own.error}).` }];
  const verdict = await spec.verdict(perRegion);
  return [...findings, { ...verdict, resource: 'account', region: 'global' }];
}

/** "us-east-1, eu-west-1 (access denied …)" for the regions whose inventory failed. */
export function unreadableRegions<T>(facts: ReadonlyArray<RegionFact<T>>): string {
  return facts.flatMap((r) => (r.fact.ok ? [] : [`${r.region} (${r.fact.error})`])).join(', ');
}
