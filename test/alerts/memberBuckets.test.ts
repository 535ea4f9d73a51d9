/**
 * Bucket changes in member accounts: the alert pipeline judges the bucket in the change's account,
 * through the scanner role the bot scans that account with (its generated external ID, its trust
 * policy checked), on moto. Cards go to the Slack Web API stand-in.
 */
import { CreateBucketCommand, DeleteBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import pino from 'pino';
import { createAlertPipeline, type AlertPipeline } from '../../src/alerts';
import type { AwsAccess } from '../../src/aws/clients';
import { parseAppConfig } from '../../src/config/load';
import { memberAccounts, type MemberAccounts } from '../../src/engine/memberAccess';
import { slackSettingsFromEnv } from '../../src/slack/settings';
import { SqliteStore } from '../../src/store';
import { accountRegistration, registerAccount } from '../../src/store/accountRegistry';
import { createScannerRole, memberAccess } from '../engine/memberAccounts';
import { ACCOUNT_ID, resetMoto } from '../support/aws';
import { SlackApiStandIn } from '../support/slackApi';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/slackHarness';
import { fixtureEvent } from './queue';

const MEMBER = '250000000001';
/** Registered (an external ID was generated) but its scanner role was never deployed. */
const NO_ROLE = '250000000002';
/** Neither configured nor an organization member. */
const STRANGER = '259999999999';
const DEFAULT_CHANNEL = 'C0ALERTS01';
const PAYMENTS_CHANNEL = 'C0PAYMENTS';
const at = () => new Date('2026-11-02T09:00:00Z');

const publicPolicy = (bucket: string) =>
  JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });

/** CloudTrail's record of an S3 call in `accountId`, as EventBridge delivers it. */
function bucketChange(accountId: string, bucket: string, eventName: string, time: string): string {
  const event = fixtureEvent('s3-put-bucket-policy');
  event.id = `${eventName}-${accountId}-${bucket}-${time}`;
  event.account = accountId;
  event.region = 'us-east-1';
  event.detail.eventName = eventName;
  event.detail.eventTime = time;
  event.detail.awsRegion = 'us-east-1';
  event.detail.recipientAccountId = accountId;
  event.detail.requestParameters = { bucketName: bucket };
  return JSON.stringify(event);
}

describe('a bucket change in a member account the bot scans through its role (moto)', () => {
  let api: SlackApiStandIn;
  let store: SqliteStore;
  let members: MemberAccounts;
  let pipeline: AlertPipeline;
  let member: AwsAccess;
  let s3: S3Client;
  let noRoleExternalId: string;

  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  });
  afterAll(() => api.close());

  beforeEach(async () => {
    await resetMoto();
    api.reset();
    store = new SqliteStore(':memory:', at);
    const { externalId } = await registerAccount(store, { accountId: MEMBER, createdBy: 'test', now: at });
    noRoleExternalId = (await registerAccount(store, { accountId: NO_ROLE, createdBy: 'test', now: at })).externalId;
    member = await memberAccess(MEMBER);
    await createScannerRole(member, { externalId });
    s3 = member.client(S3Client, 'us-east-1');
    for (const bucket of ['payments-open', 'payments-closed']) await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await s3.send(new PutBucketPolicyCommand({ Bucket: 'payments-open', Policy: publicPolicy('payments-open') }));

    const config = parseAppConfig({
      accounts: [MEMBER, NO_ROLE].map((id) => ({ id, roleArn: `arn:aws:iam::${id}:role/ftr-bot-scanner` })),
      slack: { publicChannels: [DEFAULT_CHANNEL, PAYMENTS_CHANNEL] },
      alerts: { defaultChannel: DEFAULT_CHANNEL, routes: [{ channel: PAYMENTS_CHANNEL, accounts: [MEMBER] }] },
    });
    const env = { ...process.env, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_API_URL: api.url };
    members = memberAccounts({ config, registration: (id) => accountRegistration(store, id), env, now: at });
    pipeline = createAlertPipeline({
      // The consumer is not started: each test hands the pipeline its message bodies.
      queueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/ftr-alerts',
      settings: slackSettingsFromEnv(env),
      config,
      store,
      logger: pino({ level: 'silent' }),
      accountId: async () => ACCOUNT_ID,
      homeRegion: 'us-east-1',
      env,
      memberAccounts: members,
    });
  });

  afterEach(async () => {
    await pipeline.stop(1_000);
    member.destroy();
    await store.close();
  });

  const cards = (channel: string) => [...(api.messages.get(channel)?.values() ?? [])].filter((m) => !m.threadTs);
  const alerts = () => store.listAlerts({ states: ['open', 'acknowledged', 'resolved'] });

  test('a bucket made public there gives a public-bucket alert, in the route of that account; private again resolves it', async () => {
    await pipeline.service.handle(bucketChange(MEMBER, 'payments-open', 'PutBucketPolicy', '2026-11-02T09:00:00Z'));
    const [alert] = await alerts();
    expect(alert.alert).toMatchObject({ source: 's3-public', accountId: MEMBER, title: 'Bucket payments-open is public: public through its policy', resource: { id: 'payments-open' } });
    expect(alert.state).toBe('open');
    expect(cards(PAYMENTS_CHANNEL)).toHaveLength(1);
    expect(JSON.stringify(cards(PAYMENTS_CHANNEL)[0].blocks)).toContain(MEMBER);
    expect(cards(DEFAULT_CHANNEL)).toEqual([]);
    // Judged with the role's session, not the bot's own credentials.
    const session = await members.access(MEMBER);
    expect(session!.counter.byOperation()).toMatchObject({ 's3:GetBucketPolicy': 1 });

    await s3.send(new DeleteBucketPolicyCommand({ Bucket: 'payments-open' }));
    await pipeline.service.handle(bucketChange(MEMBER, 'payments-open', 'DeleteBucketPolicy', '2026-11-02T09:05:00Z'));
    expect((await alerts()).map((a) => a.state)).toEqual(['resolved']);
    expect(JSON.stringify(cards(PAYMENTS_CHANNEL)[0].blocks)).toContain('Resolved');
    expect(api.allViolations()).toEqual([]);
  });

  test('a private bucket there gives no alert', async () => {
    await pipeline.service.handle(bucketChange(MEMBER, 'payments-closed', 'PutBucketAcl', '2026-11-02T09:00:00Z'));
    expect(await alerts()).toEqual([]);
    expect(api.callsTo('chat.postMessage')).toEqual([]);
  });

  test('the role session is opened once and kept for later changes', async () => {
    const first = await members.access(MEMBER);
    expect(first).toBeDefined();
    expect(await members.access(MEMBER)).toBe(first);
    expect(await members.access(STRANGER)).toBeUndefined();
  });

  test('an account the bot does not scan gives an unverified alert saying so, in the default route', async () => {
    await pipeline.service.handle(bucketChange(STRANGER, 'elsewhere', 'PutBucketPolicy', '2026-11-02T09:00:00Z'));
    const [alert] = await alerts();
    expect(alert.alert.accountId).toBe(STRANGER);
    expect(alert.alert.title).toBe(
      `Access to bucket elsewhere changed and could not be verified: account ${STRANGER} is not one the bot scans (its own is ${ACCOUNT_ID}; list it under accounts, or scan the organization's members)`,
    );
    expect(cards(DEFAULT_CHANNEL)).toHaveLength(1);
  });

  test('an account whose scanner role cannot be used gives an unverified alert with the reason; once the role is deployed, the bucket is judged', async () => {
    await pipeline.service.handle(bucketChange(NO_ROLE, 'ledger', 'PutBucketPolicy', '2026-11-02T09:00:00Z'));
    const [alert] = await alerts();
    expect(alert.alert.title).toBe(
      `Access to bucket ledger changed and could not be verified: the bot cannot reach account ${NO_ROLE} through its scanner role: Role arn:aws:iam::${NO_ROLE}:role/ftr-bot-scanner does not exist, so the bot does not look into the account.`,
    );

    // The failure is not kept: the next change goes through the role deployed meanwhile.
    const ledger = await memberAccess(NO_ROLE);
    try {
      await createScannerRole(ledger, { externalId: noRoleExternalId });
      await ledger.client(S3Client, 'us-east-1').send(new CreateBucketCommand({ Bucket: 'ledger' }));
      await ledger.client(S3Client, 'us-east-1').send(new PutBucketPolicyCommand({ Bucket: 'ledger', Policy: publicPolicy('ledger') }));
    } finally {
      ledger.destroy();
    }
    await pipeline.service.handle(bucketChange(NO_ROLE, 'ledger', 'PutBucketPolicy', '2026-11-02T09:01:00Z'));
    expect((await alerts()).map((a) => a.alert.title)).toEqual(['Bucket ledger is public: public through its policy']);
  });
});
