/**
 * Sample events for `/ftr drill`: shaped like the real ones (see test/fixtures/events), so a drill
 * goes through the same parsing, routing and cards. Their ids start with DRILL_EVENT_PREFIX and
 * derive from the caller's unique suffix, so each drill is a new alert; their text says "drill".
 */
import { DRILL_EVENT_PREFIX, type EventBridgeEvent } from '../types';

export type DrillKind = 'guardduty' | 's3-public' | 'root-login';

export interface DrillInput {
  accountId: string;
  region: string;
  now: Date;
  /** Unique suffix of the event id. */
  id: string;
  /** The bucket an `s3-public` drill says was changed (the bot then evaluates it for real). */
  bucket?: string;
}

const DRILL_USER_AGENT = 'ftr-bot drill (a sample event, not real activity)';

function guardDutyFinding(input: DrillInput, findingId: string, at: string): Record<string, any> {
  const detectorId = 'ftrdrill000000000000000000000000';
  return {
    schemaVersion: '2.0',
    accountId: input.accountId,
    region: input.region,
    partition: 'aws',
    id: findingId,
    arn: `arn:aws:guardduty:${input.region}:${input.accountId}:detector/${detectorId}/finding/${findingId}`,
    type: 'Backdoor:EC2/C&CActivity.B!DNS',
    resource: {
      resourceType: 'Instance',
      instanceDetails: { instanceId: 'i-0ftrdrill0000000', instanceType: 't3.micro', instanceState: 'running' },
    },
    service: {
      serviceName: 'guardduty',
      detectorId,
      action: { actionType: 'DNS_REQUEST', dnsRequestAction: { domain: 'drill.example', protocol: 'UDP', blocked: false } },
      resourceRole: 'TARGET',
      eventFirstSeen: at,
      eventLastSeen: at,
      archived: false,
      count: 1,
    },
    severity: 8,
    createdAt: at,
    updatedAt: at,
    title: '[drill] Command and Control server domain name queried by EC2 instance i-0ftrdrill0000000.',
    description: 'A sample GuardDuty finding sent by /ftr drill to test alert routing. Nothing happened.',
  };
}

function rootSignIn(input: DrillInput, eventId: string, at: string): Record<string, any> {
  return {
    eventVersion: '1.08',
    userIdentity: { type: 'Root', principalId: input.accountId, arn: `arn:aws:iam::${input.accountId}:root`, accountId: input.accountId },
    eventTime: at,
    eventSource: 'signin.amazonaws.com',
    eventName: 'ConsoleLogin',
    awsRegion: input.region,
    sourceIPAddress: '192.0.2.1',
    userAgent: DRILL_USER_AGENT,
    requestParameters: null,
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'Yes' },
    eventID: eventId,
    eventType: 'AwsConsoleSignIn',
    recipientAccountId: input.accountId,
  };
}

function bucketPolicyCall(input: DrillInput, bucket: string, eventId: string, at: string): Record<string, any> {
  return {
    eventVersion: '1.09',
    userIdentity: {
      type: 'AssumedRole',
      principalId: 'AROAFTRDRILL:ftr-drill',
      arn: `arn:aws:sts::${input.accountId}:assumed-role/ftr-drill/ftr-drill`,
      accountId: input.accountId,
    },
    eventTime: at,
    eventSource: 's3.amazonaws.com',
    eventName: 'PutBucketPolicy',
    awsRegion: input.region,
    sourceIPAddress: '192.0.2.1',
    userAgent: DRILL_USER_AGENT,
    requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${input.region}.amazonaws.com`, policy: '' },
    responseElements: null,
    eventID: eventId,
    readOnly: false,
    resources: [{ accountId: input.accountId, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` }],
    eventType: 'AwsApiCall',
    managementEvent: true,
    recipientAccountId: input.accountId,
  };
}

/** A sample event of `kind` from `input.accountId` / `input.region` at `input.now`. */
export function drillEvent(kind: DrillKind, input: DrillInput): EventBridgeEvent {
  const id = `${DRILL_EVENT_PREFIX}${input.id}`;
  const at = input.now.toISOString();
  const envelope = { version: '0', id, account: input.accountId, time: at, region: input.region, resources: [] };
  switch (kind) {
    case 'guardduty':
      return { ...envelope, 'detail-type': 'GuardDuty Finding', source: 'aws.guardduty', detail: guardDutyFinding(input, id, at) };
    case 'root-login':
      return { ...envelope, 'detail-type': 'AWS Console Sign In via CloudTrail', source: 'aws.signin', detail: rootSignIn(input, id, at) };
    case 's3-public': {
      // The bot evaluates the named bucket for real; inventing one would only make that fail.
      if (input.bucket === undefined) throw new Error('an s3-public drill needs a bucket');
      const detail = bucketPolicyCall(input, input.bucket, id, at);
      return { ...envelope, 'detail-type': 'AWS API Call via CloudTrail', source: 'aws.s3', detail };
    }
  }
}
