import { trailsRecordingIn, type TrailSelectors } from '../../aws/inventories/trailEventSelectors';
import type { CheckContext, Finding } from '../../core/types';

/** Every trail that records events in any scanned region, once each. */
export async function allTrails(ctx: CheckContext): Promise<TrailSelectors[]> {
  const byArn = new Map<string, TrailSelectors>();
  for (const trails of await Promise.all(ctx.regions.map((region) => trailsRecordingIn(ctx, region)))) {
    for (const t of trails) byArn.set(t.arn, t);
  }
  return [...byArn.values()].sort((a, b) => a.arn.localeCompare(b.arn));
}

/** Why a trail does not record all management events, read and write; undefined when it does. */
export function managementEventGap(t: TrailSelectors): string | undefined {
  if (!t.selectors.ok) return `its event selectors could not be read (${t.selectors.error})`;
  const { basic, advanced } = t.selectors.value;
  if (advanced.length > 0) {
    const management = advanced.filter((s) =>
      (s.FieldSelectors ?? []).some((f) => f.Field === 'eventCategory' && (f.Equals ?? []).includes('Management')),
    );
    if (management.length === 0) return 'no advanced event selector records management events';
    const full = management.some((s) => !(s.FieldSelectors ?? []).some((f) => f.Field === 'readOnly' || f.Field === 'eventSource'));
    return full ? undefined : 'its management event selectors leave out read or write events, or some event sources';
  }
  if (basic.length === 0) return 'it has no event selectors';
  const all = basic.some((s) => s.IncludeManagementEvents !== false && (s.ReadWriteType ?? 'All') === 'All' && !(s.ExcludeManagementEventSources?.length));
  return all ? undefined : 'its event selectors do not record all read and write management events';
}

/**
 * Evaluates every trail found across the scanned regions; with no trail at all the
 * requirement is unmet, so the account fails rather than having nothing to evaluate.
 */
export async function evaluateTrails(
  ctx: CheckContext,
  evaluate: (trails: TrailSelectors[]) => Promise<Finding[]> | Finding[],
): Promise<Finding[]> {
  const trails = await allTrails(ctx);
  if (trails.length === 0) {
    return [{ resource: 'account', status: 'FAIL', message: `No CloudTrail trail records events in the ${ctx.regions.length} scanned region(s).` }];
  }
  return evaluate(trails);
}
