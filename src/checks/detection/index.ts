import type { Check } from '../../core/types';
import { configRecorderEnabled } from './configRecorder';
import { elbv2AccessLogsEnabled } from './elbAccessLogs';
import { guardDutyEnabled } from './guardDutyEnabled';
import { guardDutyFindingsRouted } from './guardDutyFindingAlerts';
import { securityHubEnabled } from './securityHubEnabled';
import { vpcFlowLogsEnabled } from './vpcFlowLogs';

export const detectionChecks: Check[] = [
  guardDutyEnabled,
  securityHubEnabled,
  configRecorderEnabled,
  guardDutyFindingsRouted,
  vpcFlowLogsEnabled,
  elbv2AccessLogsEnabled,
];
