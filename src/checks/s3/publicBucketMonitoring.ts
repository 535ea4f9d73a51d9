import {
  ConfigServiceClient,
  DescribeConfigurationRecorderStatusCommand,
  paginateDescribeConfigRules,
  type ConfigRule,
} from '@aws-sdk/client-config-service';
import { EventBridgeClient, ListRulesCommand, ListTargetsByRuleCommand, type Rule } from '@aws-sdk/client-eventbridge';
import { GetDetectorCommand, GuardDutyClient, paginateListDetectors } from '@aws-sdk/client-guardduty';
import { describeError } from '../../aws/errors';
import type { Check, CheckContext } from '../../core/types';
import { quote } from '../define';
import { asList } from './bucketPolicy';

/** AWS Config managed rules that flag a bucket or the account opening S3 to the public. */
const PUBLIC_BUCKET_CONFIG_RULES = new Set([
  'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC',
]);

/** Periodic rules evaluate without the configuration recorder; change-triggered ones need it recording. */
const PERIODIC_RULES = new Set(['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC']);

/** The S3 API calls that change who can reach a bucket. */
const EXPOSURE_CHANGING_CALLS = ['PutBucketPolicy', 'PutBucketAcl', 'DeletePublicAccessBlock', 'PutPublicAccessBlock'];

/** GuardDuty detectors with S3 protection on, as "GuardDuty detector <id> (S3 protection)". */
async function guardDutyS3Protection(ctx: CheckContext): Promise<string[]> {
  const guardDuty = ctx.aws.client(GuardDutyClient, ctx.region);
  const found: string[] = [];
  for await (const page of paginateListDetectors({ client: guardDuty }, {})) {
    for (const DetectorId of page.DetectorIds ?? []) {
      const detector = await guardDuty.send(new GetDetectorCommand({ DetectorId }));
      const feature = detector.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')?.Status === 'ENABLED';
      const dataSource = detector.DataSources?.S3Logs?.Status === 'ENABLED';
      if (detector.Status === 'ENABLED' && (feature || dataSource)) found.push(`GuardDuty detector ${DetectorId} (S3 protection)`);
    }
  }
  return found;
}

/** Active AWS Config rules that flag public buckets and can evaluate in this region. */
async function publicBucketConfigRules(ctx: CheckContext): Promise<string[]> {
  const config = ctx.aws.client(ConfigServiceClient, ctx.region);
  const rules: ConfigRule[] = [];
  for await (const page of paginateDescribeConfigRules({ client: config }, {})) {
    for (const rule of page.ConfigRules ?? []) {
      const source = rule.Source?.SourceIdentifier ?? '';
      if (rule.Source?.Owner === 'AWS' && PUBLIC_BUCKET_CONFIG_RULES.has(source) && rule.ConfigRuleState === 'ACTIVE') rules.push(rule);
    }
  }
  if (rules.length === 0) return [];
  const recorders = await config.send(new DescribeConfigurationRecorderStatusCommand({}));
  const recording = (recorders.ConfigurationRecordersStatus ?? []).some((r) => r.recording === true);
  return rules
    .filter((r) => recording || PERIODIC_RULES.has(r.Source!.SourceIdentifier!))
    .map((r) => `Config rule ${r.ConfigRuleName} (${r.Source!.SourceIdentifier})`);
}

/** True when an EventBridge pattern matches CloudTrail records of calls that change bucket exposure. */
export function matchesExposureChanges(eventPattern: string | undefined): boolean {
  if (!eventPattern) return false;
  let pattern: { source?: unknown; 'detail-type'?: unknown; detail?: { eventSource?: unknown; eventName?: unknown } };
  try {
    pattern = JSON.parse(eventPattern);
  } catch {
    return false;
  }
  const values = (field: unknown) => asList(field).filter((v): v is string => typeof v === 'string');
  const allows = (field: unknown, wanted: string[]) => field === undefined || values(field).some((v) => wanted.includes(v));
  return (
    values(pattern.source).includes('aws.s3') &&
    allows(pattern['detail-type'], ['AWS API Call via CloudTrail']) &&
    allows(pattern.detail?.eventSource, ['s3.amazonaws.com']) &&
    allows(pattern.detail?.eventName, EXPOSURE_CHANGING_CALLS)
  );
}

/** Enabled EventBridge rules on the default bus that route bucket exposure changes to a target. */
async function exposureChangeRules(ctx: CheckContext): Promise<string[]> {
  const events = ctx.aws.client(EventBridgeClient, ctx.region);
  const matching: Rule[] = [];
  let token: string | undefined;
  do {
    const page = await events.send(new ListRulesCommand({ NextToken: token }));
    matching.push(...(page.Rules ?? []).filter((r) => r.State === 'ENABLED' && matchesExposureChanges(r.EventPattern)));
    token = page.NextToken;
  } while (token);
  const routed: string[] = [];
  for (const rule of matching) {
    const targets = await events.send(new ListTargetsByRuleCommand({ Rule: rule.Name }));
    if ((targets.Targets ?? []).length > 0) routed.push(`EventBridge rule ${rule.Name}`);
  }
  return routed;
}

const SOURCES: Array<{ name: string; find: (ctx: CheckContext) => Promise<string[]> }> = [
  { name: 'GuardDuty', find: guardDutyS3Protection },
  { name: 'AWS Config', find: publicBucketConfigRules },
  { name: 'EventBridge', find: exposureChangeRules },
];

export const s3PublicBucketMonitoring: Check = {
  id: 's3_public_bucket_monitoring',
  refs: ['FTR-10.3'],
  title: 'A bucket becoming public is detected and alerted on',
  severity: 'medium',
  rationale: quote('FTR-10.3'),
  remediation:
    'In every region with buckets, turn on GuardDuty S3 Protection, or deploy the AWS Config rule S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED (with the configuration recorder on), or add an EventBridge rule for CloudTrail PutBucketPolicy/PutBucketAcl/PutPublicAccessBlock/DeletePublicAccessBlock events that targets your alert channel (e.g. this project’s alert queue).',
  scope: 'regional',
  kind: 'automated',
  async run(ctx) {
    const outcomes = await Promise.all(
      SOURCES.map(async ({ name, find }) => {
        try {
          return { name, found: await find(ctx) };
        } catch (err) {
          return { name, found: [] as string[], error: describeError(err) };
        }
      }),
    );
    const found = outcomes.flatMap((o) => o.found);
    if (found.length > 0) {
      return [{ resource: 'account', status: 'PASS', message: `A bucket becoming public in ${ctx.region} is caught by ${found.join(', ')}.` }];
    }
    const failed = outcomes.filter((o) => o.error !== undefined);
    if (failed.length > 0) {
      return [
        {
          resource: 'account',
          status: 'ERROR',
          message: `No monitoring for public buckets found in ${ctx.region}, but could not read ${failed.map((o) => `${o.name} (${o.error})`).join('; ')}.`,
        },
      ];
    }
    return [
      {
        resource: 'account',
        status: 'FAIL',
        message: `Nothing in ${ctx.region} detects a bucket becoming public: no GuardDuty S3 protection, no public-bucket Config rule, no routed EventBridge rule for S3 policy/ACL/Block Public Access changes.`,
      },
    ];
  },
};
