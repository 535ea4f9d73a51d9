import type { Check } from '../../core/types';
import { quote } from '../define';
import { ROOT_MFA_ACTIONS, rootFinding, rootMfaVerdict } from './rootPosture';

export const iamRootMfaEnabled: Check = {
  id: 'iam_root_mfa_enabled',
  refs: ['FTR-3.3'],
  title: 'MFA on the root user',
  severity: 'critical',
  rationale: quote('FTR-3.3'),
  remediation:
    'Sign in as the root user, open Security credentials and assign an MFA device (a hardware or FIDO security key is preferred for the root user).',
  scope: 'global',
  kind: 'automated',
  actions: ROOT_MFA_ACTIONS,
  async run(ctx) {
    return [rootFinding(ctx, await rootMfaVerdict(ctx))];
  },
};
