import type { ConfigurationRecorder } from '@aws-sdk/client-config-service';
import { configRecorders, type ConfigRecorder } from '../../aws/inventories/configRecorders';
import type { Check, Finding } from '../../core/types';
import { quote } from '../define';

/** What reading the region's recorders and their status asks. */
export const CONFIG_RECORDER_ACTIONS = ['config:DescribeConfigurationRecorderStatus', 'config:DescribeConfigurationRecorders'] as const;

/** Resource types named in a message: all of a short list, the first few of a long one. */
const TYPES_NAMED = 10;

function typeList(types: readonly string[]): string {
  const named = types.slice(0, TYPES_NAMED).join(', ');
  return types.length > TYPES_NAMED ? `${named} and ${types.length - TYPES_NAMED} more` : named;
}

type RecordedTypes = { all: true } | { all: false; except: string[] } | { all: false; only: string[] };

/** Which resource types a recorder records; undefined when Config did not say. */
function recordedTypes(recorder: ConfigurationRecorder): RecordedTypes | undefined {
  const group = recorder.recordingGroup;
  if (!group) return undefined;
  const strategy = group.recordingStrategy?.useOnly;
  if (strategy === 'EXCLUSION_BY_RESOURCE_TYPES') {
    const except = group.exclusionByResourceTypes?.resourceTypes ?? [];
    return except.length > 0 ? { all: false, except } : { all: true };
  }
  if (group.allSupported === true || strategy === 'ALL_SUPPORTED_RESOURCE_TYPES') return { all: true };
  return { all: false, only: group.resourceTypes ?? [] };
}

/** True when the recorder records configuration changes of `resourceType` (a recorder without a recording group records all). */
export function recordsResourceType(recorder: ConfigurationRecorder, resourceType: string): boolean {
  const types = recordedTypes(recorder) ?? { all: true };
  if (types.all) return true;
  return 'except' in types ? !types.except.includes(resourceType) : types.only.includes(resourceType);
}

/** The account's own recorders: service-linked ones record only what their AWS service needs. */
export const ownRecorders = (all: readonly ConfigRecorder[]) => all.filter((r) => !r.recorder.servicePrincipal);

function judgeRecorder(region: string, { recorder, status }: ConfigRecorder): Finding {
  // Older recorders and some endpoints report no ARN; the name is unique within the region.
  const resource = recorder.arn ?? recorder.name ?? 'account';
  const name = `AWS Config recorder ${recorder.name ?? '(unnamed)'} in ${region}`;
  if (!status || status.recording === undefined) return { resource, status: 'ERROR', message: `${name} did not report whether it is recording.` };
  if (!status.recording) return { resource, status: 'FAIL', message: `${name} is stopped, so configuration changes are not recorded.` };
  if (status.lastStatus?.toUpperCase() === 'FAILURE') {
    return { resource, status: 'FAIL', message: `${name} is recording but its last delivery failed${status.lastErrorMessage ? ` (${status.lastErrorMessage})` : ''}.` };
  }
  const types = recordedTypes(recorder);
  if (!types) return { resource, status: 'ERROR', message: `${name} is recording but did not report which resource types.` };
  if (types.all) {
    const global = recorder.recordingGroup?.includeGlobalResourceTypes ? ', global ones included' : '';
    return { resource, status: 'PASS', message: `${name} is recording all supported resource types${global}.` };
  }
  // The requirement asks Config to track the history of resources: a type left out has no history, so it falls short.
  if ('except' in types) {
    return { resource, status: 'FAIL', message: `${name} is recording all supported resource types except ${typeList(types.except)}, so changes to those are not tracked.` };
  }
  const only = types.only;
  return {
    resource,
    status: 'FAIL',
    message: `${name} is recording only ${only.length} selected resource type${only.length === 1 ? '' : 's'}${only.length > 0 ? ` (${typeList(only)})` : ''}, not all supported resource types.`,
  };
}

export const configRecorderEnabled: Check = {
  id: 'config_recorder_all_regions_enabled',
  refs: ['WAS-DET-3'],
  title: 'AWS Config records all resources in every region',
  severity: 'medium',
  rationale: quote('WAS-DET-3'),
  remediation:
    'Set up AWS Config in every region with a configuration recorder for all supported resource types, none excluded (global types in one region), and a delivery channel to a central bucket, then start it (`aws configservice start-configuration-recorder`).',
  scope: 'regional',
  kind: 'automated',
  actions: [...CONFIG_RECORDER_ACTIONS],
  async run(ctx) {
    const all = await configRecorders(ctx);
    const own = ownRecorders(all);
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
