import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { evaluateTrails, managementEventGap } from './trails';

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
  async run(ctx) {
    return evaluateTrails(ctx, (trails) =>
      trails.map((t): Finding => {
        if (!t.isLogging.ok) return { resource: t.arn, status: 'ERROR', message: `The logging status of trail ${t.name} could not be read (${t.isLogging.error}).` };
        const gaps: string[] = [];
        if (!t.trail.IsMultiRegionTrail) gaps.push(`it covers only ${t.homeRegion}`);
        if (!t.isLogging.value) gaps.push('it is not logging');
        const eventGap = managementEventGap(t);
        if (eventGap) gaps.push(eventGap);
        if (!t.selectors.ok) return { resource: t.arn, status: 'ERROR', message: `Trail ${t.name}: ${eventGap}.` };
        return gaps.length === 0
          ? { resource: t.arn, status: 'PASS', message: `Trail ${t.name} is multi-region, logging, and records all read and write management events.` }
          : { resource: t.arn, status: 'FAIL', message: `Trail ${t.name} falls short: ${gaps.join('; ')}.` };
      }),
    );
  },
};
