import type { Check } from '../../core/types';
import { quote } from '../define';
import { ROOT_KEYS_ACTIONS, rootFinding, rootKeysVerdict } from './rootPosture';

export const iamNoRootAccessKey: Check = {
  id: 'iam_no_root_access_key',
  refs: ['FTR-3.2'],
  title: 'No access keys for the root user',
  severity: 'critical',
  rationale: quote('FTR-3.2'),
  remediation:
    'Sign in as the root user, open Security credentials and delete every root access key; give automation an IAM role instead.',
  scope: 'global',
  kind: 'automated',
  actions: ROOT_KEYS_ACTIONS,
  async run(ctx) {
    return [rootFinding(ctx, await rootKeysVerdict(ctx))];
  },
};
