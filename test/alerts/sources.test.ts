import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseEvent } from '../../src/alerts/sources';
import { drillEvent } from '../../src/alerts/sources/samples';
import { bucketObservation } from '../../src/alerts/sources/s3Public';
import { MalformedEventError, type AlertObservation, type BucketChange, type ParsedEvent } from '../../src/alerts/types';

const ACCOUNT = '123456789012';

function fixture(name: string): string {
  return readFileSync(join(__dirname, '../fixtures/events', `${name}.json`), 'utf8');
}

/** A fixture as an object, to derive variants from. */
function fixtureEvent(name: string): Record<string, any> {
  return JSON.parse(fixture(name));
}

function observations(parsed: ParsedEvent): AlertObservation[] {
  if (parsed.kind !== 'observations') throw new Error(`expected observations, got ${JSON.stringify(parsed)}`);
  return parsed.observations;
}

function only(parsed: ParsedEvent): AlertObservation {
  const all = observations(parsed);
  expect(all).toHaveLength(1);
  return all[0];
}

function bucketChange(parsed: ParsedEvent): BucketChange {
  if (parsed.kind !== 'bucket-change') throw new Error(`expected a bucket change, got ${JSON.stringify(parsed)}`);
  return parsed.change;
}

function expectIgnored(parsed: ParsedEvent, reason: RegExp): void {
  expect(parsed).toEqual({ kind: 'ignored', reason: expect.stringMatching(reason) });
}

describe('GuardDuty findings', () => {
  it('parse an instance finding', () => {
    expect(only(parseEvent(fixture('guardduty-instance')))).toEqual({
      key: 'guardduty:16afba5c5c43e07c9e3e5e2e544e95df',
      source: 'guardduty',
      severity: 'high',
      title: 'Command and Control server domain name queried by EC2 instance i-99999999.',
      type: 'Backdoor:EC2/C&CActivity.B!DNS',
      resource: { kind: 'instance', id: 'i-99999999' },
      accountId: ACCOUNT,
      region: 'us-east-1',
      firstSeen: '2024-03-01T08:00:00.000Z',
      lastSeen: '2024-03-01T10:15:00.000Z',
      count: 3,
      version: '2024-03-01T10:20:30.123Z',
      description: 'EC2 instance i-99999999 is querying a domain name associated with a known Command & Control server.',
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/guardduty/home?region=us-east-1#/findings?fId=16afba5c5c43e07c9e3e5e2e544e95df',
      finding: {
        id: '16afba5c5c43e07c9e3e5e2e544e95df',
        arn: 'arn:aws:guardduty:us-east-1:123456789012:detector/123456abcd7890ef123456abcd7890ef/finding/16afba5c5c43e07c9e3e5e2e544e95df',
      },
    });
  });

  it('keep the key of a finding across updates, with a later version', () => {
    const first = only(parseEvent(fixture('guardduty-instance')));
    const update = only(parseEvent(fixture('guardduty-instance-updated')));
    expect(update.key).toBe(first.key);
    expect(update.version > first.version).toBe(true);
    expect(update).toMatchObject({ count: 5, firstSeen: first.firstSeen, lastSeen: '2024-03-01T16:40:00.000Z' });
  });

  it('name an access key with its user', () => {
    expect(only(parseEvent(fixture('guardduty-access-key')))).toMatchObject({
      key: 'guardduty:a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2',
      severity: 'medium',
      type: 'UnauthorizedAccess:IAMUser/MaliciousIPCaller.Custom',
      resource: { kind: 'access-key', id: 'AKIAIOSFODNN7EXAMPLE', detail: 'user alice' },
      region: 'eu-west-1',
      count: 1,
      consoleUrl: 'https://eu-west-1.console.aws.amazon.com/guardduty/home?region=eu-west-1#/findings?fId=a2b4c6d8e0f2a4b6c8d0e2f4a6b8c0d2',
    });
  });

  it('name the bucket of an S3 finding, not the access key that acted on it', () => {
    expect(only(parseEvent(fixture('guardduty-s3-bucket')))).toMatchObject({
      severity: 'high',
      type: 'Policy:S3/BucketAnonymousAccessGranted',
      resource: { kind: 'bucket', id: 'example-reports', detail: 'user deploy-role' },
      region: 'us-west-2',
    });
  });

  it('name other resources by their name and GuardDuty resource type', () => {
    expect(only(parseEvent(fixture('guardduty-eks-cluster')))).toMatchObject({
      resource: { kind: 'other', id: 'prod-cluster', detail: 'EKSCluster' },
      count: 2,
    });
    const unnamed = fixtureEvent('guardduty-eks-cluster');
    unnamed.detail.resource = { resourceType: 'RDSLimitlessDB' };
    expect(only(parseEvent(JSON.stringify(unnamed))).resource).toEqual({ kind: 'other', id: 'RDSLimitlessDB' });
  });

  it.each([
    [1, 'low'],
    [3.9, 'low'],
    [4, 'medium'],
    [6.9, 'medium'],
    [7, 'high'],
    [8.9, 'high'],
    [9, 'critical'],
    [10, 'critical'],
  ])('map severity %d to %s', (score, severity) => {
    const event = fixtureEvent('guardduty-instance');
    event.detail.severity = score;
    expect(only(parseEvent(JSON.stringify(event))).severity).toBe(severity);
  });

  it('mark an archived finding resolved', () => {
    const event = fixtureEvent('guardduty-instance');
    event.detail.service.archived = true;
    expect(only(parseEvent(JSON.stringify(event))).resolved).toBe(true);
  });

  it('fall back to createdAt, updatedAt, a count of 1 and the envelope account and region', () => {
    const event = fixtureEvent('guardduty-instance');
    delete event.detail.service;
    delete event.detail.accountId;
    delete event.detail.region;
    event.account = '210987654321';
    event.region = 'ap-southeast-2';
    expect(only(parseEvent(JSON.stringify(event)))).toMatchObject({
      firstSeen: '2024-03-01T08:05:12.345Z',
      lastSeen: '2024-03-01T10:20:30.123Z',
      count: 1,
      accountId: '210987654321',
      region: 'ap-southeast-2',
    });
  });

  it.each(['id', 'type', 'severity', 'updatedAt'])('without %s are malformed', (field) => {
    const event = fixtureEvent('guardduty-instance');
    delete event.detail[field];
    expect(() => parseEvent(JSON.stringify(event))).toThrow(MalformedEventError);
  });

  it('pass AWS text through unescaped (escaping is the card’s job)', () => {
    const event = fixtureEvent('guardduty-instance');
    event.detail.title = 'Instance <!channel> is *bold* & _loud_';
    event.detail.description = '<@U123> <https://evil.example|click>';
    expect(only(parseEvent(JSON.stringify(event)))).toMatchObject({
      title: 'Instance <!channel> is *bold* & _loud_',
      description: '<@U123> <https://evil.example|click>',
    });
  });
});

describe('Security Hub findings', () => {
  it('parse a failed control finding', () => {
    const id = 'arn:aws:securityhub:us-east-1:123456789012:security-control/S3.8/finding/5b2f0f4c-8d6e-4a1f-9c3b-2e7d1a0f6b55';
    expect(only(parseEvent(fixture('securityhub-control-failed')))).toEqual({
      key: `securityhub:${id}`,
      source: 'securityhub',
      severity: 'high',
      title: 'S3 general purpose buckets should block public access',
      type: 'S3.8',
      resource: { kind: 'bucket', id: 'example-reports' },
      accountId: ACCOUNT,
      region: 'us-east-1',
      firstSeen: '2024-03-05T13:58:40.112Z',
      lastSeen: '2024-03-05T14:01:59.870Z',
      count: 1,
      version: '2024-03-05T14:01:59.870Z',
      description: 'This control checks whether an Amazon S3 general purpose bucket blocks public access at the bucket level.',
      consoleUrl:
        'https://us-east-1.console.aws.amazon.com/securityhub/home?region=us-east-1#/findings?search=Id%3D%255Coperator%255C%253AEQUALS%255C%253A' +
        encodeURIComponent(encodeURIComponent(id)),
      finding: { id, productArn: 'arn:aws:securityhub:us-east-1::product/aws/securityhub' },
    });
  });

  it('give a GuardDuty finding the key of the direct GuardDuty event, skip informational and resolve archived', () => {
    const [guardDuty, archived, ...rest] = observations(parseEvent(fixture('securityhub-mixed')));
    expect(rest).toEqual([]);
    const direct = only(parseEvent(fixture('guardduty-instance')));
    expect(guardDuty).toEqual(direct);
    expect(archived).toMatchObject({
      key: 'securityhub:arn:aws:access-analyzer:us-east-1:123456789012:analyzer/ConsoleAnalyzer-1a2b/arn:aws:iam::123456789012:role/partner-audit',
      source: 'securityhub',
      severity: 'low',
      type: 'Software and Configuration Checks/AWS Security Best Practices/External Access Granted',
      resource: { kind: 'principal', id: 'arn:aws:iam::123456789012:role/partner-audit' },
      resolved: true,
    });
    expect(guardDuty.resolved).toBeUndefined();
  });

  it.each([
    ['Workflow.Status RESOLVED', (f: any) => (f.Workflow.Status = 'RESOLVED')],
    ['Workflow.Status SUPPRESSED', (f: any) => (f.Workflow.Status = 'SUPPRESSED')],
    ['Compliance.Status PASSED', (f: any) => (f.Compliance.Status = 'PASSED')],
    ['RecordState ARCHIVED', (f: any) => (f.RecordState = 'ARCHIVED')],
  ])('resolve a finding with %s', (_name, change) => {
    const event = fixtureEvent('securityhub-control-failed');
    change(event.detail.findings[0]);
    expect(only(parseEvent(JSON.stringify(event))).resolved).toBe(true);
  });

  it('keep a resolving informational finding, so it can close a card', () => {
    const event = fixtureEvent('securityhub-control-failed');
    Object.assign(event.detail.findings[0], { Severity: { Label: 'INFORMATIONAL' }, Compliance: { Status: 'PASSED' } });
    expect(only(parseEvent(JSON.stringify(event)))).toMatchObject({ severity: 'low', resolved: true });
  });

  it('ignore an event whose findings are all informational', () => {
    const event = fixtureEvent('securityhub-mixed');
    event.detail.findings = [event.detail.findings[1]];
    expectIgnored(parseEvent(JSON.stringify(event)), /informational/);
  });

  it('hash ids that would make a key longer than 200 characters', () => {
    const event = fixtureEvent('securityhub-control-failed');
    const longId = `arn:aws:securityhub:us-east-1:123456789012:product/example/${'x'.repeat(300)}`;
    event.detail.findings[0].Id = longId;
    const hashed = only(parseEvent(JSON.stringify(event)));
    expect(hashed.key).toMatch(/^securityhub:[0-9a-f]{40}$/);
    event.detail.findings[0].Id = `${longId}y`;
    expect(only(parseEvent(JSON.stringify(event))).key).not.toBe(hashed.key);
  });

  it('hash long GuardDuty ids the same way on both paths', () => {
    const findingId = 'f'.repeat(250);
    const direct = fixtureEvent('guardduty-instance');
    direct.detail.id = findingId;
    const viaHub = fixtureEvent('securityhub-mixed');
    viaHub.detail.findings = [viaHub.detail.findings[0]];
    viaHub.detail.findings[0].Id = `arn:aws:guardduty:us-east-1:123456789012:detector/d/finding/${findingId}`;
    const key = only(parseEvent(JSON.stringify(direct))).key;
    expect(key.length).toBeLessThanOrEqual(200);
    expect(only(parseEvent(JSON.stringify(viaHub))).key).toBe(key);
  });

  it.each([
    ['AwsEc2Instance', 'arn:aws:ec2:us-east-1:123456789012:instance/i-0abc', {}, { kind: 'instance', id: 'i-0abc' }],
    [
      'AwsIamAccessKey',
      'AWS::IAM::AccessKey:AKIAIOSFODNN7EXAMPLE',
      { AwsIamAccessKey: { PrincipalName: 'alice' } },
      { kind: 'access-key', id: 'AKIAIOSFODNN7EXAMPLE', detail: 'user alice' },
    ],
    ['AwsIamUser', 'arn:aws:iam::123456789012:user/alice', {}, { kind: 'principal', id: 'arn:aws:iam::123456789012:user/alice' }],
    ['AwsAccount', 'AWS::::Account:123456789012', {}, { kind: 'account', id: ACCOUNT }],
    [
      'AwsLambdaFunction',
      'arn:aws:lambda:us-east-1:123456789012:function:f',
      {},
      { kind: 'other', id: 'arn:aws:lambda:us-east-1:123456789012:function:f', detail: 'AwsLambdaFunction' },
    ],
  ])('name a %s resource', (Type, Id, Details, resource) => {
    const event = fixtureEvent('securityhub-control-failed');
    event.detail.findings[0].Resources = [{ Type, Id, Details }];
    expect(only(parseEvent(JSON.stringify(event))).resource).toEqual(resource);
  });

  it.each(['Id', 'AwsAccountId', 'Severity', 'UpdatedAt'])('with a finding without %s are malformed', (field) => {
    const event = fixtureEvent('securityhub-mixed');
    delete event.detail.findings[2][field];
    expect(() => parseEvent(JSON.stringify(event))).toThrow(MalformedEventError);
  });

  it('without a findings array are malformed', () => {
    const event = fixtureEvent('securityhub-mixed');
    event.detail.findings = {};
    expect(() => parseEvent(JSON.stringify(event))).toThrow(MalformedEventError);
  });
});

describe('root sign-in', () => {
  it('alerts critical on a successful root console sign-in', () => {
    expect(only(parseEvent(fixture('signin-root-success')))).toEqual({
      key: 'root-login:deb1e1f9-c99b-4612-8e9f-21f93b5dd2d7',
      source: 'root-login',
      severity: 'critical',
      title: 'Root user signed in to the AWS console from 203.0.113.5',
      type: 'Root console sign-in',
      resource: { kind: 'account', id: ACCOUNT },
      accountId: ACCOUNT,
      region: 'us-east-1',
      firstSeen: '2024-03-06T17:35:27.000Z',
      lastSeen: '2024-03-06T17:35:27.000Z',
      count: 1,
      version: '2024-03-06T17:35:27.000Z',
      description: 'MFA used: Yes. User agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:123.0) Gecko/20100101 Firefox/123.0.',
      consoleUrl: 'https://us-east-1.console.aws.amazon.com/cloudtrailv2/home?region=us-east-1#/events/deb1e1f9-c99b-4612-8e9f-21f93b5dd2d7',
    });
  });

  it('alerts high on a failed root sign-in', () => {
    expect(only(parseEvent(fixture('signin-root-failure')))).toMatchObject({
      key: 'root-login:a7c3e5f1-2b4d-4e6f-8a0c-9d1e3f5a7b9c',
      severity: 'high',
      title: 'Failed root sign-in attempt from 198.51.100.23',
      description: expect.stringMatching(/^Failure: Failed authentication\. MFA used: No\. User agent: Mozilla/),
    });
  });

  it('ignores sign-ins of other identities', () => {
    expectIgnored(parseEvent(fixture('signin-iam-user')), /IAMUser/);
  });

  it('ignores root sign-in events other than the console login itself', () => {
    const event = fixtureEvent('signin-root-success');
    event.detail.eventName = 'CheckMfa';
    expectIgnored(parseEvent(JSON.stringify(event)), /CheckMfa/);
  });

  it.each(['eventID', 'eventTime'])('without %s is malformed', (field) => {
    const event = fixtureEvent('signin-root-success');
    delete event.detail[field];
    expect(() => parseEvent(JSON.stringify(event))).toThrow(MalformedEventError);
  });
});

describe('S3 access changes', () => {
  it('turn a bucket policy change into a bucket change', () => {
    expect(parseEvent(fixture('s3-put-bucket-policy'))).toEqual({
      kind: 'bucket-change',
      change: {
        accountId: ACCOUNT,
        region: 'us-west-2',
        bucket: 'example-reports',
        cause: 'PutBucketPolicy',
        actor: 'arn:aws:sts::123456789012:assumed-role/deploy-role/bob',
        time: '2024-03-07T11:04:31.000Z',
      },
    });
  });

  it.each([
    'DeleteBucketPolicy',
    'PutBucketAcl',
    'PutBucketPublicAccessBlock',
    'DeleteBucketPublicAccessBlock',
    'PutPublicAccessBlock',
    'DeletePublicAccessBlock',
    'PutBucketOwnershipControls',
  ])('treat %s on a bucket as a bucket change', (eventName) => {
    const event = fixtureEvent('s3-put-bucket-policy');
    event.detail.eventName = eventName;
    expect(bucketChange(parseEvent(JSON.stringify(event)))).toMatchObject({ bucket: 'example-reports', cause: eventName });
  });

  it('ignore a call that failed', () => {
    expectIgnored(parseEvent(fixture('s3-put-bucket-policy-failed')), /AccessDenied/);
  });

  it('ignore calls that do not change access', () => {
    expectIgnored(parseEvent(fixture('s3-put-bucket-encryption')), /PutBucketEncryption/);
  });

  it('leave the bucket undefined for account-level Block Public Access', () => {
    const change = bucketChange(parseEvent(fixture('s3-put-account-public-access-block')));
    expect(change).toMatchObject({ accountId: ACCOUNT, region: 'us-east-1', cause: 'PutAccountPublicAccessBlock' });
    expect(change.bucket).toBeUndefined();
    const deleted = fixtureEvent('s3-put-account-public-access-block');
    deleted.detail.eventName = 'DeleteAccountPublicAccessBlock';
    expect(bucketChange(parseEvent(JSON.stringify(deleted))).bucket).toBeUndefined();
  });

  it('read the S3 Control operation name without a bucket as account-level, from aws.s3control too', () => {
    const event = fixtureEvent('s3-put-account-public-access-block');
    event.source = 'aws.s3control';
    event.detail.eventName = 'PutPublicAccessBlock';
    const change = bucketChange(parseEvent(JSON.stringify(event)));
    expect(change).toMatchObject({ cause: 'PutPublicAccessBlock' });
    expect(change.bucket).toBeUndefined();
  });

  it('call a bucket-level change without a bucket name malformed', () => {
    const event = fixtureEvent('s3-put-bucket-policy');
    delete event.detail.requestParameters.bucketName;
    expect(() => parseEvent(JSON.stringify(event))).toThrow(MalformedEventError);
  });

  it('turn an Access Analyzer finding on a bucket into a bucket change', () => {
    expect(bucketChange(parseEvent(fixture('access-analyzer-s3-bucket')))).toEqual({
      accountId: ACCOUNT,
      region: 'us-west-2',
      bucket: 'example-reports',
      cause: 'Access Analyzer finding (ACTIVE, public)',
      time: '2024-03-08T01:22:22.000Z',
    });
  });

  it('ignore Access Analyzer findings on other resources', () => {
    expectIgnored(parseEvent(fixture('access-analyzer-iam-role')), /AWS::IAM::Role/);
  });
});

describe('bucketObservation', () => {
  const change: BucketChange = {
    accountId: ACCOUNT,
    region: 'us-west-2',
    bucket: 'example-reports',
    cause: 'PutBucketPolicy',
    actor: 'arn:aws:sts::123456789012:assumed-role/deploy-role/bob',
    time: '2024-03-07T11:04:31.000Z',
  };

  it('alerts on a public bucket', () => {
    expect(bucketObservation(change, 'example-reports', { isPublic: true, accessLevel: 'public read' })).toEqual({
      key: 's3-public:123456789012:example-reports',
      source: 's3-public',
      severity: 'high',
      title: 'Bucket example-reports is public: public read',
      type: 'S3 bucket public',
      resource: { kind: 'bucket', id: 'example-reports' },
      accountId: ACCOUNT,
      region: 'us-west-2',
      firstSeen: change.time,
      lastSeen: change.time,
      count: 1,
      version: change.time,
      description: 'After PutBucketPolicy by arn:aws:sts::123456789012:assumed-role/deploy-role/bob',
      consoleUrl: 'https://s3.console.aws.amazon.com/s3/buckets/example-reports?region=us-west-2&tab=permissions',
    });
  });

  it('resolves when the bucket is no longer public, and carries the drill flag', () => {
    const { actor: _actor, ...withoutActor } = change;
    expect(bucketObservation({ ...withoutActor, drill: true }, 'example-reports', { isPublic: false, accessLevel: 'private' })).toMatchObject({
      title: 'Bucket example-reports is no longer public',
      description: 'After PutBucketPolicy',
      resolved: true,
      drill: true,
    });
  });
});

describe('parseEvent', () => {
  it.each([
    ['not JSON', 'not json {'],
    ['an array', '[]'],
    ['null', 'null'],
    ['a string', '"event"'],
    ['an event without detail', JSON.stringify({ ...fixtureEvent('guardduty-instance'), detail: undefined })],
    ['an event whose detail is an array', JSON.stringify({ ...fixtureEvent('guardduty-instance'), detail: [] })],
    ['an event without an id', JSON.stringify({ ...fixtureEvent('guardduty-instance'), id: undefined })],
    ['an event whose time is a number', JSON.stringify({ ...fixtureEvent('guardduty-instance'), time: 1 })],
  ])('sends %s to the dead-letter queue with a one-line reason', (_name, body) => {
    let thrown: unknown;
    try {
      parseEvent(body);
    } catch (err) {
      thrown = err;
    }
    expect(thrown).toBeInstanceOf(MalformedEventError);
    expect((thrown as Error).message).toMatch(/^[^\n]+$/);
  });

  it('ignores unknown sources and detail types', () => {
    expectIgnored(parseEvent(JSON.stringify({ ...fixtureEvent('guardduty-instance'), source: 'aws.ec2' })), /aws\.ec2/);
    const runtime = { ...fixtureEvent('guardduty-instance'), 'detail-type': 'GuardDuty Runtime Protection Unhealthy' };
    expectIgnored(parseEvent(JSON.stringify(runtime)), /Runtime Protection/);
  });
});

describe('drill events', () => {
  const input = { accountId: ACCOUNT, region: 'eu-central-1', now: new Date('2024-04-01T12:00:00Z'), id: 'abc123' };

  it('parse into drill observations that say they are drills', () => {
    const event = drillEvent('guardduty', input);
    expect(event.id).toBe('ftr-drill-abc123');
    expect(only(parseEvent(JSON.stringify(event)))).toMatchObject({
      key: 'guardduty:ftr-drill-abc123',
      severity: 'high',
      title: expect.stringMatching(/^\[drill\] /),
      accountId: ACCOUNT,
      region: 'eu-central-1',
      version: '2024-04-01T12:00:00.000Z',
      drill: true,
    });
    expect(only(parseEvent(JSON.stringify(drillEvent('root-login', input))))).toMatchObject({
      key: 'root-login:ftr-drill-abc123',
      severity: 'critical',
      description: expect.stringMatching(/drill/),
      drill: true,
    });
  });

  it('give every drill a new alert', () => {
    const first = only(parseEvent(JSON.stringify(drillEvent('guardduty', input))));
    const second = only(parseEvent(JSON.stringify(drillEvent('guardduty', { ...input, id: 'def456' }))));
    expect(second.key).not.toBe(first.key);
  });

  it('turn an s3-public drill into a drill bucket change of the given bucket', () => {
    expect(bucketChange(parseEvent(JSON.stringify(drillEvent('s3-public', { ...input, bucket: 'drill-target' }))))).toEqual({
      accountId: ACCOUNT,
      region: 'eu-central-1',
      bucket: 'drill-target',
      cause: 'PutBucketPolicy',
      actor: 'arn:aws:sts::123456789012:assumed-role/ftr-drill/ftr-drill',
      time: '2024-04-01T12:00:00.000Z',
      drill: true,
    });
    expect(() => drillEvent('s3-public', input)).toThrow(/bucket/);
  });

  it('leave events of real ids unmarked', () => {
    expect(only(parseEvent(fixture('guardduty-instance'))).drill).toBeUndefined();
    expect(bucketChange(parseEvent(fixture('s3-put-bucket-policy'))).drill).toBeUndefined();
  });
});
