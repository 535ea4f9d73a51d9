import { ConfigServiceClient, paginateDescribeConfigRules, type ConfigRule } from '@aws-sdk/client-config-service';
import type { Rule } from '@aws-sdk/client-eventbridge';
import { describeError } from '../../aws/errors';
import { configRecorders } from '../../aws/inventories/configRecorders';
import { defaultBusRules } from '../../aws/inventories/eventRules';
import { GUARDDUTY_DETECTOR_ACTIONS, guardDutyDetectors } from '../../aws/inventories/guardDutyDetectors';
import type { Fact } from '../../aws/inventories/s3BucketFacts';
import { BUCKET_LIST_ACTIONS, s3Buckets, type BucketInfo } from '../../aws/inventories/s3Buckets';
import type { Check, CheckContext } from '../../core/types';
import { quote } from '../define';
import { EVENT_ROUTE_ACTIONS, reachingRoutes, routeGaps, ruleRoutes, unreadableRoutes } from '../detection/alertRoutes';
import { CONFIG_RECORDER_ACTIONS, ownRecorders, recordsResourceType } from '../detection/configRecorder';
import { parsePattern, patternMatches } from '../detection/eventPattern';
import { guardDutyFindingEvent } from '../detection/guardDutyFindingAlerts';

/** AWS Config managed rules that flag a bucket or the account opening S3 to the public. */
const PUBLIC_BUCKET_CONFIG_RULES = new Set([
  'S3_BUCKET_PUBLIC_READ_PROHIBITED',
  'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC',
]);

/** Rules judging the account's Block Public Access settings rather than one bucket. */
const ACCOUNT_LEVEL_RULES = new Set(['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC']);

/** Periodic rules evaluate without the configuration recorder; change-triggered ones need it recording buckets. */
const PERIODIC_RULES = new Set(['S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC']);

/** The S3 API calls that can open a bucket to the public: through its policy, its ACL, or by lifting Block Public Access. */
const EXPOSURE_CHANGING_CALLS = ['PutBucketPolicy', 'PutBucketAcl', 'DeletePublicAccessBlock', 'PutPublicAccessBlock'];

/** The GuardDuty findings (high severity) raised when a bucket is made public. */
const PUBLIC_BUCKET_FINDINGS = ['Policy:S3/BucketAnonymousAccessGranted', 'Policy:S3/BucketPublicAccessGranted'];
const PUBLIC_BUCKET_FINDING_SEVERITY = 8;

/**
 * Something that notices a bucket becoming public. It alerts on a bucket only when every event
 * it would raise for that bucket is delivered to people by an EventBridge rule.
 */
interface Signal {
  /** What raises the alert, e.g. "GuardDuty detector 1a2b (S3 protection) findings". */
  label: string;
  /** The events it raises when `bucket` becomes public, each with a short name for messages. */
  eventsFor(bucket: BucketInfo): SignalEvent[];
}

interface SignalEvent {
  name: string;
  event: object;
}

/** Signals found in the region, why others are missing, and what could not be read. */
interface Signals {
  found: Signal[];
  notes: string[];
  unreadable: string[];
}

async function read<T>(call: () => Promise<T>): Promise<Fact<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (err) {
    return { ok: false, error: describeError(err) };
  }
}

async function guardDutySignals(ctx: CheckContext, region: string): Promise<Signals> {
  const detectors = await read(() => guardDutyDetectors(ctx, region));
  if (!detectors.ok) return { found: [], notes: [], unreadable: [`GuardDuty (${detectors.error})`] };
  const enabled = detectors.value.filter((d) => d.detail.Status === 'ENABLED');
  const withS3 = enabled.filter(
    ({ detail }) => detail.Features?.find((f) => f.Name === 'S3_DATA_EVENTS')?.Status === 'ENABLED' || detail.DataSources?.S3Logs?.Status === 'ENABLED',
  );
  if (withS3.length === 0) return { found: [], notes: [enabled.length === 0 ? 'GuardDuty is off' : 'GuardDuty S3 protection is off'], unreadable: [] };
  const found = withS3.map(
    ({ id }): Signal => ({
      label: `GuardDuty detector ${id} (S3 protection) findings`,
      eventsFor: (bucket) =>
        PUBLIC_BUCKET_FINDINGS.map((type) => ({
          name: type,
          event: guardDutyFindingEvent(ctx, region, {
            type,
            severity: PUBLIC_BUCKET_FINDING_SEVERITY,
            resource: { resourceType: 'S3Bucket', s3BucketDetails: [{ arn: bucket.arn, name: bucket.name, type: 'Destination' }] },
          }),
        })),
    }),
  );
  return { found, notes: [], unreadable: [] };
}

/** The change notification Config sends to EventBridge when the rule finds a bucket (or the account) non-compliant. */
function complianceChangeEvent(ctx: CheckContext, region: string, rule: ConfigRule, bucket: BucketInfo): object {
  const accountLevel = ACCOUNT_LEVEL_RULES.has(rule.Source!.SourceIdentifier!);
  const resourceType = accountLevel ? 'AWS::::Account' : 'AWS::S3::Bucket';
  const resourceId = accountLevel ? ctx.accountId : bucket.name;
  return {
    version: '0',
    source: 'aws.config',
    'detail-type': 'Config Rules Compliance Change',
    account: ctx.accountId,
    region,
    resources: [],
    detail: {
      resourceId,
      resourceType,
      awsRegion: region,
      awsAccountId: ctx.accountId,
      configRuleName: rule.ConfigRuleName,
      configRuleARN: rule.ConfigRuleArn,
      messageType: 'ComplianceChangeNotification',
      newEvaluationResult: {
        evaluationResultIdentifier: { evaluationResultQualifier: { configRuleName: rule.ConfigRuleName, resourceType, resourceId } },
        complianceType: 'NON_COMPLIANT',
      },
      oldEvaluationResult: { complianceType: 'COMPLIANT' },
    },
  };
}

async function configSignals(ctx: CheckContext, region: string): Promise<Signals> {
  const rules = await read(async () => {
    const active: ConfigRule[] = [];
    for await (const page of paginateDescribeConfigRules({ client: ctx.aws.client(ConfigServiceClient, region) }, {})) {
      for (const rule of page.ConfigRules ?? []) {
        const source = rule.Source?.SourceIdentifier ?? '';
        if (rule.Source?.Owner === 'AWS' && PUBLIC_BUCKET_CONFIG_RULES.has(source) && rule.ConfigRuleState === 'ACTIVE') active.push(rule);
      }
    }
    return active;
  });
  if (!rules.ok) return { found: [], notes: [], unreadable: [`AWS Config rules (${rules.error})`] };
  if (rules.value.length === 0) return { found: [], notes: ['no public-bucket AWS Config rule is active'], unreadable: [] };
  const changeTriggered = rules.value.filter((r) => !PERIODIC_RULES.has(r.Source!.SourceIdentifier!));
  const recorders = changeTriggered.length > 0 ? await read(() => configRecorders(ctx, region)) : undefined;
  if (recorders && !recorders.ok) return { found: [], notes: [], unreadable: [`AWS Config recorders (${recorders.error})`] };
  const recordingBuckets = ownRecorders(recorders?.value ?? []).some((r) => r.status?.recording === true && recordsResourceType(r.recorder, 'AWS::S3::Bucket'));
  const evaluating = rules.value.filter((r) => recordingBuckets || PERIODIC_RULES.has(r.Source!.SourceIdentifier!));
  const idle = rules.value.filter((r) => !evaluating.includes(r));
  return {
    found: evaluating.map((rule) => ({
      label: `Config rule ${rule.ConfigRuleName} (${rule.Source!.SourceIdentifier}) results`,
      eventsFor: (bucket: BucketInfo) => [{ name: 'NON_COMPLIANT', event: complianceChangeEvent(ctx, region, rule, bucket) }],
    })),
    notes: idle.map((r) => `Config rule ${r.ConfigRuleName} does not evaluate because no configuration recorder is recording S3 buckets`),
    unreadable: [],
  };
}

/** The CloudTrail record of an S3 API call, as EventBridge receives it. */
function apiCallEvent(ctx: CheckContext, region: string, bucket: BucketInfo, eventName: string): object {
  return {
    version: '0',
    source: 'aws.s3',
    'detail-type': 'AWS API Call via CloudTrail',
    account: ctx.accountId,
    region,
    resources: [],
    detail: {
      eventVersion: '1.09',
      eventSource: 's3.amazonaws.com',
      eventName,
      awsRegion: region,
      eventType: 'AwsApiCall',
      eventCategory: 'Management',
      managementEvent: true,
      readOnly: false,
      recipientAccountId: ctx.accountId,
      requestParameters: { bucketName: bucket.name },
      resources: [{ accountId: ctx.accountId, type: 'AWS::S3::Bucket', ARN: bucket.arn }],
    },
  };
}

const apiCallSignal = (ctx: CheckContext, region: string): Signal => ({
  label: 'CloudTrail records of S3 access changes',
  eventsFor: (bucket) => EXPOSURE_CHANGING_CALLS.map((call) => ({ name: call, event: apiCallEvent(ctx, region, bucket, call) })),
});

interface Routed {
  rule: Rule;
  pattern: ReturnType<typeof parsePattern>;
  reaches: string[];
}

/** The rules that deliver `event` to people. */
const routesOf = (routed: readonly Routed[], event: object) => routed.filter((r) => patternMatches(r.pattern, event));

/** The rules through which `signal` alerts on `bucket`; undefined when some of its events reach no one. */
function alertRules(signal: Signal, bucket: BucketInfo, routed: readonly Routed[]): Rule[] | undefined {
  const rules = new Set<Rule>();
  for (const { event } of signal.eventsFor(bucket)) {
    const delivering = routesOf(routed, event);
    if (delivering.length === 0) return undefined;
    delivering.forEach((r) => rules.add(r.rule));
  }
  return [...rules];
}

/** Why a found signal does not alert on `bucket`. */
function unroutedNote(signal: Signal, bucket: BucketInfo, routed: readonly Routed[]): string {
  const events = signal.eventsFor(bucket);
  const missed = events.filter(({ event }) => routesOf(routed, event).length === 0).map((e) => e.name);
  const which = missed.length === events.length ? '' : ` for ${missed.join(', ')}`;
  return `no enabled EventBridge rule delivers ${signal.label}${which} to people`;
}

/** "bucket a", or "any of the 3 buckets (a, b, c)", or "any of 2 of the 5 buckets (a, b)". */
function namedBuckets(buckets: readonly BucketInfo[], total: number): string {
  if (buckets.length === 1) return `bucket ${buckets[0].name}`;
  const shown = buckets.slice(0, 5).map((b) => b.name).join(', ');
  const of = buckets.length === total ? `any of the ${total} buckets` : `any of ${buckets.length} of the ${total} buckets`;
  return `${of} (${shown}${buckets.length > 5 ? ', …' : ''})`;
}

export const s3PublicBucketMonitoring: Check = {
  id: 's3_public_bucket_monitoring',
  refs: ['FTR-10.3'],
  title: 'A bucket becoming public is detected and alerted on',
  severity: 'medium',
  rationale: quote('FTR-10.3'),
  remediation:
    'In every region with buckets, raise a signal when a bucket becomes public (GuardDuty S3 Protection, the AWS Config rule S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED with the configuration recorder on, or CloudTrail’s PutBucketPolicy/PutBucketAcl/PutPublicAccessBlock/DeletePublicAccessBlock records) and add an enabled EventBridge rule that matches it with a target that reaches people (an SNS topic, a chat integration, or this project’s alert queue).',
  scope: 'regional',
  kind: 'automated',
  actions: [
    ...BUCKET_LIST_ACTIONS,
    ...CONFIG_RECORDER_ACTIONS,
    ...EVENT_ROUTE_ACTIONS,
    ...GUARDDUTY_DETECTOR_ACTIONS,
    'config:DescribeConfigRules',
  ].sort(),
  async run(ctx) {
    const region = ctx.region;
    const buckets = (await s3Buckets(ctx)).filter((b) => b.region === region);
    if (buckets.length === 0) {
      return [{ resource: 'account', status: 'NOT_APPLICABLE', message: `No S3 bucket is in ${region}, so none can become public here.` }];
    }
    const [guardDuty, config] = await Promise.all([guardDutySignals(ctx, region), configSignals(ctx, region)]);
    const signals = [...guardDuty.found, ...config.found, apiCallSignal(ctx, region)];
    const unreadable = [...guardDuty.unreadable, ...config.unreadable];

    const rules = await read(() => defaultBusRules(ctx, region));
    if (!rules.ok) unreadable.push(`EventBridge rules (${rules.error})`);
    // Only rules that match some signal's event are routes at all; only theirs need their targets listed.
    const events = buckets.flatMap((b) => signals.flatMap((s) => s.eventsFor(b).map((e) => e.event)));
    const candidates = (rules.ok ? rules.value : [])
      .map((rule) => ({ rule, pattern: parsePattern(rule.EventPattern) }))
      .filter(({ rule, pattern }) => rule.Name && events.some((e) => patternMatches(pattern, e)));
    const routes = await ruleRoutes(ctx, region, candidates.map((c) => c.rule));
    unreadable.push(...unreadableRoutes(routes).map((r) => `the targets of EventBridge rule ${r.rule.Name} (${r.error})`));
    const routed: Routed[] = reachingRoutes(routes).map(({ rule, reaches }) => ({ rule, reaches, pattern: candidates.find((c) => c.rule === rule)!.pattern }));

    const used = new Map<Signal, Set<Rule>>();
    const uncovered: BucketInfo[] = [];
    for (const bucket of buckets) {
      let alerted = false;
      for (const signal of signals) {
        const through = alertRules(signal, bucket, routed);
        if (!through) continue;
        alerted = true;
        used.set(signal, new Set([...(used.get(signal) ?? []), ...through]));
      }
      if (!alerted) uncovered.push(bucket);
    }

    if (uncovered.length === 0) {
      const how = [...used].map(([signal, through]) => {
        const reaches = [...new Set(routed.filter((r) => through.has(r.rule)).flatMap((r) => r.reaches))];
        return `${signal.label} through EventBridge rule ${[...through].map((r) => r.Name).join(', ')} to ${reaches.join(', ')}`;
      });
      return [{ resource: 'account', status: 'PASS', message: `A bucket becoming public in ${region} is alerted on: ${how.join('; ')}.` }];
    }
    const which = namedBuckets(uncovered, buckets.length);
    if (unreadable.length > 0) {
      return [
        {
          resource: 'account',
          status: 'ERROR',
          message: `No alert was found for ${which} in ${region} becoming public, but could not read ${unreadable.join('; ')}.`,
        },
      ];
    }
    const notes = [...guardDuty.notes, ...config.notes, ...signals.map((s) => unroutedNote(s, uncovered[0], routed)), ...routeGaps(routes)];
    return [{ resource: 'account', status: 'FAIL', message: `Nothing alerts people when ${which} in ${region} becomes public: ${notes.join('; ')}.` }];
  },
};
