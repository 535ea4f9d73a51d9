import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, type Rule, type Target } from '@aws-sdk/client-eventbridge';
import type { CheckContext } from '../../core/types';
import { defineInventory } from '../inventory';

/** Collects a NextToken-paged EventBridge listing (the SDK has no paginator for these calls). */
async function collect<T>(fetchPage: (token: string | undefined) => Promise<{ items?: T[]; next?: string }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await fetchPage(token);
    all.push(...(page.items ?? []));
    token = page.next;
  } while (token);
  return all;
}

/** The rules of the region's default event bus, where AWS services deliver their events: one paged walk per region. */
export const defaultBusRules = defineInventory<Rule[]>('eventbridge.defaultBusRules', 'regional', (ctx, region) => {
  const events = ctx.aws.client(EventBridgeClient, region);
  return collect(async (token) => {
    const page = await events.send(new ListRulesCommand({ NextToken: token }));
    return { items: page.Rules, next: page.NextToken };
  });
});

/** The targets of one default-bus rule, listed once per scan. */
export function ruleTargets(ctx: CheckContext, region: string, ruleName: string): Promise<Target[]> {
  return ctx.inventory.get(`eventbridge.ruleTargets@${region}/${ruleName}`, () => {
    const events = ctx.aws.client(EventBridgeClient, region);
    return collect(async (token) => {
      const page = await events.send(new ListTargetsByRuleCommand({ Rule: ruleName, NextToken: token }));
      return { items: page.Targets, next: page.NextToken };
    });
  });
}
