import type { Check } from '../../core/types';
import { quote } from '../define';
import { ROOT_USE_ACTIONS, rootFinding, rootUseVerdict } from './rootPosture';

export const iamAvoidRootUsage: Check = {
  id: 'iam_avoid_root_usage',
  refs: ['FTR-3.1'],
  title: 'Root user not used recently',
  severity: 'high',
  rationale: quote('FTR-3.1'),
  remediation:
    'Use IAM Identity Center or IAM roles for daily work; keep the root user for the few tasks that need it, investigate any unexpected root sign-in (CloudTrail `ConsoleLogin` by Root) and delete root access keys.',
  scope: 'global',
  kind: 'automated',
  actions: ROOT_USE_ACTIONS,
  async run(ctx) {
    return [rootFinding(ctx, await rootUseVerdict(ctx))];
  },
};
