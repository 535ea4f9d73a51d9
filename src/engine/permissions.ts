import type { Check } from '../core/types';

/**
 * What the scan itself calls before any check: the enabled regions. STS GetCallerIdentity
 * needs no permission, so it is not listed.
 */
/** What every scan needs besides the checks: the enabled regions, and (through a scanner role) reading the role's own trust policy. */
export const SCAN_SETUP_ACTIONS: readonly string[] = ['ec2:DescribeRegions', 'iam:GetRole'];

/** `service:Operation`, as IAM names an action; no wildcards, so the policy stays least-privilege. */
const IAM_ACTION = /^[a-z0-9-]+:[A-Za-z0-9]+$/;

/** IAM's limit for a customer managed policy, in characters without white space. */
export const MANAGED_POLICY_MAX_CHARS = 6_144;

export interface PolicyDocument {
  Version: '2012-10-17';
  Statement: Array<{ Sid: string; Effect: 'Allow'; Action: string[]; Resource: '*' }>;
}

/** Every action the checks declare, with the scan's own, sorted and without repeats; throws on a malformed name. */
export function scanActions(checks: readonly Check[]): string[] {
  const actions = new Set(SCAN_SETUP_ACTIONS);
  for (const check of checks) {
    for (const action of check.actions ?? []) {
      if (!IAM_ACTION.test(action)) throw new Error(`check ${check.id} declares "${action}", which is not an IAM action name`);
      actions.add(action);
    }
  }
  return [...actions].sort((a, b) => a.localeCompare(b));
}

/**
 * The least-privilege IAM policy for scanning with `checks`: read-only actions on every
 * resource, since the scan must see every resource to judge it.
 */
export function scanPolicy(checks: readonly Check[]): PolicyDocument {
  return {
    Version: '2012-10-17',
    Statement: [{ Sid: 'FtrBotScanReadOnly', Effect: 'Allow', Action: scanActions(checks), Resource: '*' }],
  };
}
