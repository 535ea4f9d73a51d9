import { GUARDDUTY_DETECTOR_ACTIONS, guardDutyDetectors } from '../../aws/inventories/guardDutyDetectors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

export const guardDutyEnabled: Check = {
  id: 'guardduty_is_enabled',
  refs: ['WAS-DET-1'],
  title: 'GuardDuty is enabled in every region',
  severity: 'high',
  rationale: quote('WAS-DET-1'),
  remediation:
    'Enable GuardDuty in every region (`aws guardduty create-detector --enable`), ideally for all accounts through the organization’s delegated GuardDuty administrator.',
  scope: 'regional',
  kind: 'automated',
  actions: [...GUARDDUTY_DETECTOR_ACTIONS],
  async run(ctx) {
    const detectors = await guardDutyDetectors(ctx);
    if (detectors.length === 0) {
      return [{ resource: 'account', status: 'FAIL', message: `GuardDuty has no detector in ${ctx.region}, so threats there go undetected.` }];
    }
    return detectors.map(({ id, arn, detail }): Finding => {
      if (detail.Status === undefined) return { resource: arn, status: 'ERROR', message: `GuardDuty detector ${id} in ${ctx.region} did not report its status.` };
      return detail.Status === 'ENABLED'
        ? { resource: arn, status: 'PASS', message: `GuardDuty detector ${id} is enabled in ${ctx.region}.` }
        : { resource: arn, status: 'FAIL', message: `GuardDuty detector ${id} in ${ctx.region} is suspended (status ${detail.Status}).` };
    });
  },
};
