import type { Rule } from '@aws-sdk/client-eventbridge';
import { describeError } from '../../aws/errors';
import { defaultBusRules, ruleTargets } from '../../aws/inventories/eventRules';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** The fields of a GuardDuty finding event that an event pattern may constrain. */
const GUARDDUTY_FINDING_EVENT = { source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding' } as const;

/** True when one pattern value (a string or a content filter such as `{ "prefix": "aws." }`) matches `value`. */
function patternValueMatches(candidate: unknown, value: string): boolean {
  if (typeof candidate === 'string') return candidate === value;
  if (candidate && typeof candidate === 'object') {
    const filter = candidate as Record<string, unknown>;
    if (typeof filter.prefix === 'string') return value.startsWith(filter.prefix);
    if (typeof filter['equals-ignore-case'] === 'string') return filter['equals-ignore-case'].toLowerCase() === value.toLowerCase();
  }
  return false;
}

const fieldMatches = (field: unknown, value: string) => (Array.isArray(field) ? field : [field]).some((c) => patternValueMatches(c, value));

/**
 * True when the rule's event pattern names GuardDuty as its source and, if it filters on
 * detail-type, lets GuardDuty findings through. Further filters (e.g. on severity) still route some findings.
 */
export function matchesGuardDutyFindings(eventPattern: string | undefined): boolean {
  if (!eventPattern) return false;
  let pattern: Record<string, unknown>;
  try {
    pattern = JSON.parse(eventPattern);
  } catch {
    return false;
  }
  if (!pattern || typeof pattern !== 'object' || pattern.source === undefined) return false;
  if (!fieldMatches(pattern.source, GUARDDUTY_FINDING_EVENT.source)) return false;
  return pattern['detail-type'] === undefined || fieldMatches(pattern['detail-type'], GUARDDUTY_FINDING_EVENT['detail-type']);
}

/** ENABLED, or ENABLED_WITH_ALL_CLOUDTRAIL_MANAGEMENT_EVENTS, which also delivers service events. */
const isEnabled = (rule: Rule) => rule.State?.startsWith('ENABLED') === true;

interface RuleRouting {
  rule: Rule;
  targets?: string[];
  error?: string;
}

export const guardDutyFindingsRouted: Check = {
  id: 'eventbridge_guardduty_findings_routed',
  refs: ['WAS-IR-2', 'WAS-DET-3'],
  title: 'GuardDuty findings are routed to someone by an EventBridge rule',
  severity: 'medium',
  rationale: quote('WAS-IR-2'),
  remediation:
    'Add an EventBridge rule on the default bus of every region with the pattern {"source":["aws.guardduty"],"detail-type":["GuardDuty Finding"]} and a target that reaches people (an SNS topic, a chat integration, or this project’s alert queue).',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const candidates = (await defaultBusRules(ctx)).filter((r) => r.Name && matchesGuardDutyFindings(r.EventPattern));
    const enabled = candidates.filter(isEnabled);
    const routings = await Promise.all(
      enabled.map(async (rule): Promise<RuleRouting> => {
        try {
          return { rule, targets: (await ruleTargets(ctx, ctx.region, rule.Name!)).map((t) => t.Arn ?? t.Id ?? 'unknown target') };
        } catch (err) {
          return { rule, error: describeError(err) };
        }
      }),
    );
    // Each enabled GuardDuty rule is evidence of its own: PASS when it delivers somewhere, ERROR when its targets are unknown.
    const evaluated = routings.flatMap(({ rule, targets, error }): Finding[] => {
      const resource = rule.Arn ?? rule.Name!;
      if (error) return [{ resource, status: 'ERROR', message: `Could not list the targets of EventBridge rule ${rule.Name} in ${ctx.region}: ${error}.` }];
      if (targets && targets.length > 0) {
        return [{ resource, status: 'PASS', message: `EventBridge rule ${rule.Name} delivers GuardDuty findings in ${ctx.region} to ${targets.join(', ')}.` }];
      }
      return [];
    });
    if (evaluated.length > 0) return evaluated;
    const notes = [
      ...candidates.filter((r) => !isEnabled(r)).map((r) => `rule ${r.Name} is ${(r.State ?? 'in an unknown state').toLowerCase()}`),
      ...routings.map((r) => `rule ${r.rule.Name} has no targets`),
    ];
    return [
      {
        resource: 'account',
        status: 'FAIL',
        message: `No enabled EventBridge rule on the default bus in ${ctx.region} delivers GuardDuty findings anywhere${notes.length > 0 ? ` (${notes.join('; ')})` : ''}.`,
      },
    ];
  },
};
