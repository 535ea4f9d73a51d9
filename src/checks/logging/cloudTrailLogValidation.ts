import { TRAIL_ACTIONS } from '../../aws/inventories/trailEventSelectors';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';
import { evaluateTrails } from './trails';

export const cloudTrailLogFileValidation: Check = {
  id: 'cloudtrail_log_file_validation_enabled',
  refs: ['FTR-6.4'],
  title: 'CloudTrail log file integrity validation is on',
  severity: 'medium',
  rationale: quote('FTR-6.4'),
  remediation: 'Turn on log file validation for every trail: `aws cloudtrail update-trail --name <trail> --enable-log-file-validation`.',
  scope: 'global',
  kind: 'automated',
  actions: [...TRAIL_ACTIONS],
  async run(ctx) {
    return evaluateTrails(ctx, (trails) =>
      trails.map((t): Finding =>
        t.trail.LogFileValidationEnabled
          ? { resource: t.arn, status: 'PASS', message: `Trail ${t.name} has log file validation on.` }
          : { resource: t.arn, status: 'FAIL', message: `Trail ${t.name} has log file validation off, so changed or deleted log files go unnoticed.` },
      ),
    );
  },
};
