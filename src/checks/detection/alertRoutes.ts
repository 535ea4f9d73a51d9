import type { Rule, Target } from '@aws-sdk/client-eventbridge';
import { describeError } from '../../aws/errors';
import { ruleTargets } from '../../aws/inventories/eventRules';
import type { CheckContext } from '../../core/types';

/** What reading the default bus's rules and their targets asks. */
export const EVENT_ROUTE_ACTIONS = ['events:ListRules', 'events:ListTargetsByRule'] as const;

/**
 * Target services that put an event in front of people or hand it on to something that does:
 * notification topics, queues and functions that alerting tools consume, other event buses and
 * API destinations (a central security account, a paging service), Step Functions, Incident
 * Manager response plans and chat integrations. Log groups, streams and automation only store
 * or act on the event, so nobody hears of it.
 */
const NOTIFYING_SERVICES = new Set(['sns', 'sqs', 'lambda', 'events', 'states', 'ssm-incidents', 'chatbot']);

const serviceOf = (arn: string) => arn.split(':')[2] ?? '';
const isEnabled = (rule: Rule) => rule.State?.startsWith('ENABLED') === true;

/** One rule judged as a route to people. */
export type RuleRoute =
  /** Enabled, with targets that reach people (their ARNs). */
  | { rule: Rule; reaches: string[] }
  /** Why the rule does not alert anyone, e.g. "rule x is disabled". */
  | { rule: Rule; gap: string }
  /** Its targets could not be listed. */
  | { rule: Rule; error: string };

function judgeTargets(rule: Rule, targets: Target[]): RuleRoute {
  const arns = targets.map((t) => t.Arn ?? t.Id ?? 'unknown target');
  if (arns.length === 0) return { rule, gap: `rule ${rule.Name} has no targets` };
  const reaches = arns.filter((arn) => NOTIFYING_SERVICES.has(serviceOf(arn)));
  if (reaches.length > 0) return { rule, reaches };
  return { rule, gap: `rule ${rule.Name} only targets ${arns.join(', ')}, so nobody is notified` };
}

/** Judges each rule as a route to people; targets are listed only for enabled rules. */
export function ruleRoutes(ctx: CheckContext, region: string, rules: readonly Rule[]): Promise<RuleRoute[]> {
  return Promise.all(
    rules.map(async (rule): Promise<RuleRoute> => {
      if (!isEnabled(rule)) return { rule, gap: `rule ${rule.Name} is ${(rule.State ?? 'in an unknown state').toLowerCase()}` };
      try {
        return judgeTargets(rule, await ruleTargets(ctx, region, rule.Name!));
      } catch (err) {
        return { rule, error: describeError(err) };
      }
    }),
  );
}

export const reachingRoutes = (routes: readonly RuleRoute[]) => routes.filter((r): r is Extract<RuleRoute, { reaches: string[] }> => 'reaches' in r);
export const routeGaps = (routes: readonly RuleRoute[]) => routes.flatMap((r) => ('gap' in r ? [r.gap] : []));
export const unreadableRoutes = (routes: readonly RuleRoute[]) => routes.filter((r): r is Extract<RuleRoute, { error: string }> => 'error' in r);
