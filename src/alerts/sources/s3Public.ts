/**
 * Changes to who can reach a bucket: S3 API calls via CloudTrail that change a bucket's or the
 * account's access settings, and IAM Access Analyzer findings on buckets. Each is a bucket change;
 * the bot re-evaluates the bucket itself and turns the verdict into an alert with `bucketObservation`.
 */
import type { AlertObservation, BucketChange, EventBridgeEvent, ParsedEvent } from '../types';
import { alertKey, lastSegment, required, text, time } from './fields';

/** Calls that change one bucket's policy, ACL, Block Public Access or ACL enforcement. */
const BUCKET_CALLS = new Set([
  'PutBucketPolicy',
  'DeleteBucketPolicy',
  'PutBucketAcl',
  'PutBucketPublicAccessBlock',
  'DeleteBucketPublicAccessBlock',
  'PutBucketOwnershipControls',
  'DeleteBucketOwnershipControls',
]);

/** Account-wide Block Public Access, as CloudTrail names the S3 Control calls. */
const ACCOUNT_CALLS = new Set(['PutAccountPublicAccessBlock', 'DeleteAccountPublicAccessBlock']);

/** The API operation names, shared by the bucket call (with a bucket) and the S3 Control one (without). */
const BUCKET_OR_ACCOUNT_CALLS = new Set(['PutPublicAccessBlock', 'DeletePublicAccessBlock']);

/** The time of the change as the detail gives it, else when EventBridge saw it. */
function changeTime(detailTime: unknown, event: EventBridgeEvent): string {
  return time(detailTime) ?? required(time(event.time), 'EventBridge event time');
}

/** `aws.s3` (or `aws.s3control`) / `AWS API Call via CloudTrail`. */
export function parseS3ApiCallEvent(event: EventBridgeEvent): ParsedEvent {
  const call = event.detail;
  const eventName = required(text(call.eventName), 'CloudTrail eventName');
  const isBucketCall = BUCKET_CALLS.has(eventName);
  const isAccountCall = ACCOUNT_CALLS.has(eventName);
  if (!isBucketCall && !isAccountCall && !BUCKET_OR_ACCOUNT_CALLS.has(eventName)) {
    return { kind: 'ignored', reason: `S3 ${eventName} does not change who can reach a bucket` };
  }
  const errorCode = text(call.errorCode);
  if (errorCode !== undefined) return { kind: 'ignored', reason: `S3 ${eventName} failed (${errorCode}), so nothing changed` };
  const bucket = isAccountCall ? undefined : text(call.requestParameters?.bucketName);
  if (isBucketCall) required(bucket, `bucketName of S3 ${eventName}`);
  const actor = text(call.userIdentity?.arn) ?? text(call.userIdentity?.principalId);
  return {
    kind: 'bucket-change',
    change: {
      accountId: text(call.recipientAccountId) ?? event.account,
      region: text(call.awsRegion) ?? event.region,
      ...(bucket === undefined ? {} : { bucket }),
      cause: eventName,
      ...(actor === undefined ? {} : { actor }),
      time: changeTime(call.eventTime, event),
    },
  };
}

/** `aws.access-analyzer` / `Access Analyzer Finding`. */
export function parseAccessAnalyzerEvent(event: EventBridgeEvent): ParsedEvent {
  const finding = event.detail;
  const resourceType = text(finding.resourceType) ?? 'unknown resource type';
  if (resourceType !== 'AWS::S3::Bucket') return { kind: 'ignored', reason: `Access Analyzer finding on ${resourceType}, not a bucket` };
  const bucketArn = required(text(finding.resource), 'Access Analyzer finding resource');
  const status = text(finding.status) ?? 'unknown status';
  return {
    kind: 'bucket-change',
    change: {
      accountId: text(finding.accountId) ?? event.account,
      region: text(finding.region) ?? event.region,
      bucket: lastSegment(bucketArn, ':'),
      cause: `Access Analyzer finding (${status}, ${finding.isPublic === true ? 'public' : 'not public'})`,
      time: changeTime(finding.updatedAt, event),
    },
  };
}

function bucketConsoleUrl(bucket: string, region: string): string {
  return `https://s3.console.aws.amazon.com/s3/buckets/${encodeURIComponent(bucket)}?region=${region}&tab=permissions`;
}

/** The alert about `bucket` after `change`, given the bot's own verdict on it. */
export function bucketObservation(
  change: BucketChange,
  bucket: string,
  verdict: { isPublic: boolean; accessLevel: string },
): AlertObservation {
  return {
    key: alertKey('s3-public', `${change.accountId}:${bucket}`),
    source: 's3-public',
    severity: 'high',
    title: verdict.isPublic ? `Bucket ${bucket} is public: ${verdict.accessLevel}` : `Bucket ${bucket} is no longer public`,
    type: 'S3 bucket public',
    resource: { kind: 'bucket', id: bucket },
    accountId: change.accountId,
    region: change.region,
    firstSeen: change.time,
    lastSeen: change.time,
    count: 1,
    version: change.time,
    description: change.actor === undefined ? `After ${change.cause}` : `After ${change.cause} by ${change.actor}`,
    consoleUrl: bucketConsoleUrl(bucket, change.region),
    ...(verdict.isPublic ? {} : { resolved: true }),
    ...(change.drill ? { drill: true } : {}),
  };
}
