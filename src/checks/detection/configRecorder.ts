import { configRecorders, type ConfigRecorder } from '../../aws/inventories/configRecorders';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** What a recorder records, or a shortfall; undefined when Config did not say. */
function coverage(recorder: ConfigRecorder['recorder']): { ok: boolean; what: string } | undefined {
  const group = recorder.recordingGroup;
  if (!group) return undefined;
  const strategy = group.recordingStrategy?.useOnly;
  if (group.allSupported === true || strategy === 'ALL_SUPPORTED_RESOURCE_TYPES') {
    return { ok: true, what: `all supported resource types${group.includeGlobalResourceTypes ? ', global ones included' : ''}` };
  }
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') {
    const excluded = group.exclusionByResourceTypes?.resourceTypes ?? [];
    return { ok: true, what: `all supported resource types except ${excluded.length > 0 ? excluded.join(', ') : 'none'}` };
  }
  const types = group.resourceTypes ?? [];
  return { ok: false, what: `only ${types.length} selected resource type${types.length === 1 ? '' : 's'}${types.length > 0 ? ` (${types.slice(0, 5).join(', ')}${types.length > 5 ? ', …' : ''})` : ''}` };
}

function judgeRecorder(region: string, { recorder, status }: ConfigRecorder): Finding {
  // Older recorders and some endpoints report no ARN; the name is unique within the region.
  const resource = recorder.arn ?? recorder.name ?? 'account';
  const name = `AWS Config recorder ${recorder.name ?? '(unnamed)'} in ${region}`;
  if (!status || status.recording === undefined) return { resource, status: 'ERROR', message: `${name} did not report whether it is recording.` };
  if (!status.recording) return { resource, status: 'FAIL', message: `${name} is stopped, so configuration changes are not recorded.` };
  if (status.lastStatus?.toUpperCase() === 'FAILURE') {
    return { resource, status: 'FAIL', message: `${name} is recording but its last delivery failed${status.lastErrorMessage ? ` (${status.lastErrorMessage})` : ''}.` };
  }
  const recorded = coverage(recorder);
  if (!recorded) return { resource, status: 'ERROR', message: `${name} is recording but did not report which resource types.` };
  return recorded.ok
    ? { resource, status: 'PASS', message: `${name} is recording ${recorded.what}.` }
    : { resource, status: 'FAIL', message: `${name} is recording ${recorded.what}, not all supported resource types.` };
}

export const configRecorderEnabled: Check = {
  id: 'config_recorder_all_regions_enabled',
  refs: ['WAS-DET-3'],
  title: 'AWS Config records all resources in every region',
  severity: 'medium',
  rationale: quote('WAS-DET-3'),
  remediation:
    'Set up AWS Config in every region with a configuration recorder for all supported resource types (global types in one region) and a delivery channel to a central bucket, then start it (`aws configservice start-configuration-recorder`).',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    // Service-linked recorders record only what their AWS service needs; the account's own recorder is what counts.
    const all = await configRecorders(ctx);
    const own = all.filter((r) => !r.recorder.servicePrincipal);
    if (own.length === 0) {
      const linked = all.map((r) => r.recorder.servicePrincipal).filter(Boolean);
      return [
        {
          resource: 'account',
          status: 'FAIL',
          message: `AWS Config has no configuration recorder in ${ctx.region}${linked.length > 0 ? ` (only service-linked ones for ${linked.join(', ')})` : ''}.`,
        },
      ];
    }
    return own.map((r) => judgeRecorder(ctx.region, r));
  },
};
