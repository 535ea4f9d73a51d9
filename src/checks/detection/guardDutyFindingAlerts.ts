import type { Rule } from '@aws-sdk/client-eventbridge';
import { defaultBusRules } from '../../aws/inventories/eventRules';
import type { Check, CheckContext, Finding } from '../../core/types';
import { quote } from '../define';
import { EVENT_ROUTE_ACTIONS, reachingRoutes, routeGaps, ruleRoutes, unreadableRoutes } from './alertRoutes';
import { parsePattern, patternMatches } from './eventPattern';

/** GuardDuty rates findings 1.0–10.0: low below 4, medium below 7, high below 9, critical from 9. */
const HIGH_SEVERITY = 7;
const SEVERITIES = Array.from({ length: 91 }, (_, i) => (i + 10) / 10);

/** A finding a sample high-severity type stands for when a pattern filters on `detail.type`. */
const SAMPLE_FINDING_TYPE = 'UnauthorizedAccess:IAMUser/InstanceCredentialExfiltration.OutsideAWS';

/** A GuardDuty finding event as EventBridge receives it on the region's default bus. */
export function guardDutyFindingEvent(ctx: CheckContext, region: string, finding: { type: string; severity: number; resource?: object }): object {
  return {
    version: '0',
    source: 'aws.guardduty',
    'detail-type': 'GuardDuty Finding',
    account: ctx.accountId,
    region,
    resources: [],
    detail: {
      schemaVersion: '2.0',
      accountId: ctx.accountId,
      region,
      partition: 'aws',
      type: finding.type,
      severity: finding.severity,
      resource: finding.resource ?? { resourceType: 'AccessKey' },
    },
  };
}

/** Which GuardDuty findings a rule's pattern lets through: any at all, and any of high or critical severity. */
function findingsMatched(ctx: CheckContext, region: string, rule: Rule): { any: boolean; high: boolean } {
  const pattern = parsePattern(rule.EventPattern);
  const matched = SEVERITIES.filter((severity) => patternMatches(pattern, guardDutyFindingEvent(ctx, region, { type: SAMPLE_FINDING_TYPE, severity })));
  return { any: matched.length > 0, high: matched.some((severity) => severity >= HIGH_SEVERITY) };
}

export const guardDutyFindingsRouted: Check = {
  id: 'eventbridge_guardduty_findings_routed',
  refs: ['WAS-IR-2', 'WAS-DET-3'],
  title: 'GuardDuty findings are routed to someone by an EventBridge rule',
  severity: 'medium',
  rationale: quote('WAS-IR-2'),
  remediation:
    'Add an EventBridge rule on the default bus of every region with the pattern {"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]} (or one narrowed to severity 7 and above, never to low severities only) and a target that reaches people (an SNS topic, a chat integration, or this project’s alert queue).',
  scope: 'regional',
  kind: 'automated',
  actions: [...EVENT_ROUTE_ACTIONS],
  async run(ctx) {
    const candidates = (await defaultBusRules(ctx))
      .filter((r) => r.Name)
      .map((rule) => ({ rule, matched: findingsMatched(ctx, ctx.region, rule) }))
      .filter((c) => c.matched.any);
    const routes = await ruleRoutes(ctx, ctx.region, candidates.filter((c) => c.matched.high).map((c) => c.rule));
    // Each rule routing high findings to people is evidence of its own; one whose targets are unknown is an ERROR.
    const evaluated: Finding[] = [
      ...reachingRoutes(routes).map(({ rule, reaches }): Finding => ({
        resource: rule.Arn ?? rule.Name!,
        status: 'PASS',
        message: `EventBridge rule ${rule.Name} delivers GuardDuty findings in ${ctx.region} to ${reaches.join(', ')}.`,
      })),
      ...unreadableRoutes(routes).map(({ rule, error }): Finding => ({
        resource: rule.Arn ?? rule.Name!,
        status: 'ERROR',
        message: `Could not list the targets of EventBridge rule ${rule.Name} in ${ctx.region}: ${error}.`,
      })),
    ];
    if (evaluated.length > 0) return evaluated;
    const notes = [
      ...candidates.filter((c) => !c.matched.high).map((c) => `rule ${c.rule.Name} matches only findings below high severity`),
      ...routeGaps(routes),
    ];
    return [
      {
        resource: 'account',
        status: 'FAIL',
        message: `No enabled EventBridge rule on the default bus in ${ctx.region} delivers high or critical GuardDuty findings to people${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`,
      },
    ];
  },
};
