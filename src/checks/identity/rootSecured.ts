import type { Check } from '../../core/types';
import { actionList, quote } from '../define';
import { ROOT_KEYS_ACTIONS, ROOT_MFA_ACTIONS, ROOT_USE_ACTIONS, rootKeysVerdict, rootMfaVerdict, rootUseVerdict } from './rootPosture';

/** WAS-IAM-1's root part in one line, from the same verdicts as the FTR-3.x checks. */
export const iamRootAccountSecured: Check = {
  id: 'iam_root_account_secured',
  refs: ['WAS-IAM-1'],
  title: 'Root user secured: MFA, no access keys, used only by exception',
  severity: 'high',
  rationale: quote('WAS-IAM-1'),
  remediation:
    'Enable MFA on the root user, delete its access keys and stop using it for daily work (see iam_root_mfa_enabled, iam_no_root_access_key and iam_avoid_root_usage).',
  scope: 'global',
  kind: 'automated',
  actions: actionList(ROOT_USE_ACTIONS, ROOT_KEYS_ACTIONS, ROOT_MFA_ACTIONS),
  async run(ctx) {
    const verdicts = await Promise.all([rootMfaVerdict(ctx), rootKeysVerdict(ctx), rootUseVerdict(ctx)]);
    const failed = verdicts.filter((v) => v.status === 'FAIL');
    const unknown = verdicts.filter((v) => v.status === 'ERROR');
    const status = failed.length > 0 ? 'FAIL' : unknown.length > 0 ? 'ERROR' : 'PASS';
    const shown = status === 'PASS' ? verdicts : [...failed, ...unknown];
    const lead = status === 'PASS' ? 'The root user is secured' : status === 'FAIL' ? 'The root user is not secured' : 'The root posture is only partly known';
    const parts = shown.map((v) => `${v.message[0].toLowerCase()}${v.message.slice(1).replace(/\.$/, '')}`);
    return [{ resource: 'account', status, message: `${lead}: ${parts.join('; ')}.` }];
  },
};
