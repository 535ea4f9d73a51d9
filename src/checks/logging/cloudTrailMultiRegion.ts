import { TRAIL_ACTIONS, type TrailSelectors } from '../../aws/inventories/trailEventSelectors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { evaluateTrails, managementEventGap } from './trails';

/** One trail against FTR-6.1: multi-region, logging, all read and write management events. */
function judgeTrail(t: TrailSelectors): Finding {
  if (!t.isLogging.ok) return { resource: t.arn, status: 'ERROR', message: `The logging status of trail ${t.name} could not be read (${t.isLogging.error}).` };
  const eventGap = managementEventGap(t);
  if (!t.selectors.ok) return { resource: t.arn, status: 'ERROR', message: `Trail ${t.name}: ${eventGap}.` };
  const gaps = [t.trail.IsMultiRegionTrail ? undefined : `it covers only ${t.homeRegion}`, t.isLogging.value ? undefined : 'it is not logging', eventGap].filter(Boolean);
  return gaps.length === 0
    ? { resource: t.arn, status: 'PASS', message: `Trail ${t.name} is multi-region, logging, and records all read and write management events.` }
    : { resource: t.arn, status: 'FAIL', message: `Trail ${t.name} falls short: ${gaps.join('; ')}.` };
}

/** The account is covered when one trail passes; trails that could not be read leave it unproven. */
function accountVerdict(findings: Finding[], trails: TrailSelectors[], regionCount: number): Finding {
  const nameOf = (f: Finding) => trails.find((t) => t.arn === f.resource)?.name ?? f.resource;
  const named = (status: Finding['status']) => findings.filter((f) => f.status === status).map(nameOf);
  const passing = named('PASS');
  if (passing.length > 0) {
    return { resource: 'account', status: 'PASS', message: `Management events are recorded in all regions by trail ${passing.join(', ')}.` };
  }
  const unreadable = named('ERROR');
  if (unreadable.length > 0) {
    return { resource: 'account', status: 'ERROR', message: `No trail was found to record all management events in all regions, but trail ${unreadable.join(', ')} could not be read.` };
  }
  return {
    resource: 'account',
    status: 'FAIL',
    message: `None of the ${trails.length} trail(s) recording in the ${regionCount} scanned region(s) is multi-region, logging and recording all read and write management events.`,
  };
}

export const cloudTrailMultiRegionLogging: Check = {
  id: 'cloudtrail_multi_region_management_events',
  refs: ['FTR-6.1', 'WAS-DET-1'],
  title: 'A multi-region CloudTrail trail records all management events',
  severity: 'critical',
  rationale: quote('FTR-6.1'),
  remediation:
    'Create a multi-region trail (or an organization trail) that is logging and records read and write management events: `aws cloudtrail create-trail --is-multi-region-trail …` then `start-logging`.',
  scope: 'global',
  kind: 'automated',
  actions: [...TRAIL_ACTIONS],
  async run(ctx) {
    return evaluateTrails(ctx, (trails) => {
      const findings = trails.map(judgeTrail);
      return [...findings, accountVerdict(findings, trails, ctx.regions.length)];
    });
  },
};
