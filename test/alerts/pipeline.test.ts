/**
 * The alert pipeline end to end: EventBridge-shaped bodies into an SQS queue on moto (with a
 * dead-letter queue by redrive policy), the consumer inside the Slack app, cards in the Slack
 * Web API stand-in, and signed button presses through Bolt's receiver.
 */
import { CreateBucketCommand, DeleteBucketPolicyCommand, PutBucketPolicyCommand, S3Client } from '@aws-sdk/client-s3';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { resetMoto } from '../support/aws';
import { appHomeOpened, buttonClick } from '../support/slackRequests';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { smallReport } from '../slack/fixtures';
import { createQueues, fixtureEvent, queueDepth, receiveBodies, send, sqsClient, waitUntil, type TestQueues } from './queue';

const RESPONDER = 'U0RESPONDER';
const SECOPS = 'C0SECOPS01';
const DEFAULT = 'C0ALERTS01';

let sqs: SQSClient;
let queues: TestQueues;
let h: SlackHarness;

async function start(config: Record<string, unknown> = {}): Promise<void> {
  h = await startSlackHarness({
    scanner: scriptedScanner({ report: () => smallReport() }),
    alertQueueUrl: queues.queueUrl,
    config: {
      roles: { admins: [ADMIN], responders: [RESPONDER] },
      alerts: { defaultChannel: DEFAULT, routes: [{ channel: SECOPS, sources: ['guardduty'], minSeverity: 'high' }], ...config },
    },
  });
}

beforeEach(async () => {
  await resetMoto();
  sqs = sqsClient();
  queues = await createQueues(sqs, `alerts-${Date.now()}`, { visibilityTimeoutS: 2, maxReceiveCount: 2 });
});
afterEach(async () => {
  await h?.stop();
  sqs.destroy();
});

/** Top-level messages (cards) of a channel. */
function cards(channel: string) {
  return [...(h.api.messages.get(channel)?.values() ?? [])].filter((m) => !m.threadTs);
}

function replies(channel: string, ts: string) {
  return [...(h.api.messages.get(channel)?.values() ?? [])].filter((m) => m.threadTs === ts);
}

function buttons(message: { blocks: any[] }): any[] {
  return message.blocks.filter((b) => b.type === 'actions').flatMap((b) => b.elements);
}

async function drained(): Promise<void> {
  await waitUntil(async () => (await queueDepth(sqs, queues.queueUrl)) === 0, 'the queue to drain');
}

function press(actionId: string, value: string, userId: string, card: { channel: string; ts: string }, responseId = 'press') {
  return h.send(buttonClick({ actionId, value, userId, channelId: card.channel, messageTs: card.ts, responseUrl: h.api.responseUrl(responseId) }));
}

describe('a GuardDuty finding', () => {
  test('becomes one card in the routed channel, with the finding, a runbook and Acknowledge; the message is deleted', async () => {
    await start();
    const event = fixtureEvent('guardduty-instance');
    event.detail.title = 'C2 domain queried by <!channel> *now*';
    await send(sqs, queues.queueUrl, JSON.stringify(event));
    await waitUntil(() => cards(SECOPS).length === 1, 'the card');
    await drained();
    const [card] = cards(SECOPS);
    const text = JSON.stringify(card.blocks);
    expect(text).toContain('HIGH');
    expect(text).toContain('Backdoor:EC2/C&amp;CActivity.B!DNS');
    expect(text).toContain('i-99999999');
    expect(text).toContain('123456789012');
    expect(text).toContain('us-east-1');
    expect(text).toContain('3 times');
    // AWS text is escaped: no broadcast, no bold.
    expect(text).not.toContain('<!channel>');
    expect(text).toContain('&lt;!channel&gt;');
    expect(text).not.toContain('*now*');
    const [ack, runbook, consoleLink] = buttons(card);
    expect(ack).toMatchObject({ action_id: 'ftr_alert_ack', value: 'guardduty:16afba5c5c43e07c9e3e5e2e544e95df', text: { text: 'Acknowledge' } });
    expect(runbook).toMatchObject({ action_id: 'ftr_alert_runbook', value: 'guardduty-compromised-ec2' });
    expect(consoleLink.url).toMatch(/^https:\/\/us-east-1\.console\.aws\.amazon\.com\/guardduty\//);
    expect(cards(DEFAULT)).toHaveLength(0);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('an update edits the card and adds a thread reply; a redelivered message changes nothing', async () => {
    await start();
    await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
    await waitUntil(() => cards(SECOPS).length === 1, 'the card');
    await drained();
    const updated = JSON.stringify(fixtureEvent('guardduty-instance-updated'));
    await send(sqs, queues.queueUrl, updated);
    await waitUntil(() => h.api.callsTo('chat.update').length === 1, 'the card edit');
    await drained();
    const [card] = cards(SECOPS);
    expect(JSON.stringify(card.blocks)).toContain('5 times');
    await waitUntil(() => replies(SECOPS, card.ts).length === 1, 'the thread reply');
    expect(replies(SECOPS, card.ts)[0].text).toMatch(/Seen again \(5 times\)/);
    const callsBefore = h.api.calls.length;
    // The same body again (a redelivery) and an older update: nothing new in Slack.
    await send(sqs, queues.queueUrl, updated);
    await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
    await drained();
    expect(h.api.calls.length).toBe(callsBefore);
    expect(cards(SECOPS)).toHaveLength(1);
  });

  test('the same finding through Security Hub adds no second card', async () => {
    await start({ routes: [] });
    await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
    await waitUntil(() => cards(DEFAULT).length === 1, 'the card');
    await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('securityhub-mixed')));
    await drained();
    expect(cards(DEFAULT)).toHaveLength(1);
  });
});

describe('buttons', () => {
  async function postedCard() {
    await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
    await waitUntil(() => cards(SECOPS).length === 1, 'the card');
    await drained();
    return cards(SECOPS)[0];
  }

  test('Acknowledge by a responder updates the card in place (who, when, Resolve) and is audited; Resolve closes it', async () => {
    await start();
    const card = await postedCard();
    const key = buttons(card)[0].value;
    expect((await press('ftr_alert_ack', key, RESPONDER, card)).status).toBe(200);
    await waitUntil(() => JSON.stringify(cards(SECOPS)[0].blocks).includes('Acknowledged'), 'the acknowledged card');
    const acked = cards(SECOPS)[0];
    expect(JSON.stringify(acked.blocks)).toContain(`<@${RESPONDER}>`);
    expect(buttons(acked)[0]).toMatchObject({ action_id: 'ftr_alert_resolve', text: { text: 'Resolve' } });
    expect(cards(SECOPS)).toHaveLength(1);
    await press('ftr_alert_resolve', key, RESPONDER, card);
    await waitUntil(() => JSON.stringify(cards(SECOPS)[0].blocks).includes('Resolved'), 'the resolved card');
    expect(buttons(cards(SECOPS)[0]).map((b) => b.action_id)).not.toContain('ftr_alert_ack');
    const trail = await h.store.auditTrail(key);
    expect(trail.map((e) => [e.actor, e.action])).toEqual([
      [RESPONDER, 'acknowledge'],
      [RESPONDER, 'resolve'],
    ]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('anyone else is refused privately and the card does not change', async () => {
    await start();
    const card = await postedCard();
    const before = JSON.stringify(cards(SECOPS)[0].blocks);
    await press('ftr_alert_ack', buttons(card)[0].value, READER, card, 'refused');
    await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'refused'), 5000, 'the refusal');
    const refusal = h.api.responseUrlPosts.find((p) => p.id === 'refused')!;
    expect(refusal.body.response_type).toBe('ephemeral');
    expect(refusal.body.text).toMatch(/Only alert responders/);
    expect(JSON.stringify(refusal.body.blocks)).toContain(`<@${RESPONDER}>`);
    expect(JSON.stringify(cards(SECOPS)[0].blocks)).toBe(before);
    expect(h.api.callsTo('chat.update')).toHaveLength(0);
    expect(await h.store.auditTrail(buttons(card)[0].value)).toEqual([]);
  });

  test('without a response_url, the refusal is an ephemeral message in the card channel for the presser only', async () => {
    await start();
    const card = await postedCard();
    const request = buttonClick({ actionId: 'ftr_alert_ack', value: buttons(card)[0].value, userId: READER, channelId: SECOPS, messageTs: card.ts, responseUrl: '' });
    const payload = JSON.parse(new URLSearchParams(request.body).get('payload')!);
    delete payload.response_url;
    await h.send({ ...request, body: new URLSearchParams({ payload: JSON.stringify(payload) }).toString() });
    const ephemeral = await h.api.waitFor(() => h.api.callsTo('chat.postEphemeral')[0], 5000, 'the ephemeral refusal');
    expect(ephemeral.args).toMatchObject({ channel: SECOPS, user: READER });
    expect(ephemeral.args.text).toMatch(/Only alert responders/);
    expect(h.api.callsTo('chat.update')).toHaveLength(0);
  });

  test('Runbook answers the presser privately with the runbook', async () => {
    await start();
    const card = await postedCard();
    await press('ftr_alert_runbook', 'guardduty-compromised-ec2', READER, card, 'runbook');
    const post = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'runbook'), 5000, 'the runbook');
    expect(post.body.response_type).toBe('ephemeral');
    expect(post.body.text).toMatch(/compromised EC2 instance/);
  });
});

test('a route whose channel the bot cannot post to is reported once, loudly, and its alerts go to the default channel', async () => {
  await start();
  h.api.notInChannel.add(SECOPS);
  const second = fixtureEvent('guardduty-instance');
  second.id = 'second-event';
  second.detail.id = 'second-finding';
  await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
  await send(sqs, queues.queueUrl, JSON.stringify(second));
  await waitUntil(() => cards(DEFAULT).filter((c) => JSON.stringify(c.blocks).includes('ftr_alert_ack')).length === 2, 'both cards in the default channel');
  await drained();
  const notices = cards(DEFAULT).filter((c) => c.text.includes('I cannot post alerts'));
  expect(notices).toHaveLength(1);
  expect(notices[0].text).toContain(`<#${SECOPS}>`);
  expect(h.logs.filter((l) => l.includes('"level":50') && l.includes('cannot post alerts to this channel'))).toHaveLength(1);
});

test('an event of no alert source is acknowledged and ignored (deleted, not dead-lettered), with a debug line', async () => {
  await start();
  await send(sqs, queues.queueUrl, JSON.stringify({ ...fixtureEvent('guardduty-instance'), source: 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification' }));
  await drained();
  expect(await receiveBodies(sqs, queues.dlqUrl)).toEqual([]);
  expect(h.api.callsTo('chat.postMessage')).toHaveLength(0);
  expect(h.logs.some((l) => l.includes('"level":20') && l.includes('event ignored'))).toBe(true);
});

test('a malformed body goes to the dead-letter queue; the consumer goes on', async () => {
  await start();
  await send(sqs, queues.queueUrl, '{"not": "an event"');
  await send(sqs, queues.queueUrl, JSON.stringify({ version: '0', id: 'x', source: 'aws.guardduty', 'detail-type': 'GuardDuty Finding', account: '123456789012', region: 'us-east-1', time: '2024-01-01T00:00:00Z', resources: [], detail: { type: 'Recon:EC2/Portscan' } }));
  await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
  await waitUntil(() => cards(SECOPS).length === 1, 'the good card');
  const inDlq: string[] = [];
  await waitUntil(async () => {
    inDlq.push(...(await receiveBodies(sqs, queues.dlqUrl)));
    return inDlq.length === 2;
  }, 'two messages in the dead-letter queue', 30_000);
  expect(inDlq.some((b) => b.startsWith('{"not"'))).toBe(true);
  expect(h.logs.some((l) => l.includes('malformed alert message'))).toBe(true);
});

test('Slack answering ratelimited loses nothing: the card is posted after Retry-After, once, and only then is the message deleted', async () => {
  await start();
  h.api.rateLimit('chat.postMessage', 2);
  await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
  await waitUntil(() => cards(SECOPS).length === 1, 'the card');
  const posts = h.api.callsTo('chat.postMessage');
  expect(posts.map((c) => c.outcome)).toEqual(['ratelimited', 'ratelimited', 'ok']);
  // Retry-After (1 s) was honoured between the attempts.
  expect(posts[2].at - posts[0].at).toBeGreaterThanOrEqual(1900);
  await drained();
  expect(cards(SECOPS)).toHaveLength(1);
});

describe('bucket became public', () => {
  const s3 = () => new S3Client({ region: 'us-east-1', endpoint: process.env.AWS_ENDPOINT_URL, forcePathStyle: true });
  const publicPolicy = (bucket: string) =>
    JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `arn:aws:s3:::${bucket}/*` }] });
  function change(bucket: string, eventName: string, at: string) {
    const event = fixtureEvent('s3-put-bucket-policy');
    event.id = `${eventName}-${bucket}-${at}`;
    event.detail.eventName = eventName;
    event.detail.eventTime = at;
    event.detail.requestParameters = { bucketName: bucket };
    return JSON.stringify(event);
  }

  test('re-evaluated: public now → card; private again → the card says resolved; a private bucket never alerts', async () => {
    await start();
    const client = s3();
    await client.send(new CreateBucketCommand({ Bucket: 'open-data' }));
    await client.send(new CreateBucketCommand({ Bucket: 'closed-data' }));
    await client.send(new PutBucketPolicyCommand({ Bucket: 'open-data', Policy: publicPolicy('open-data') }));
    await send(sqs, queues.queueUrl, change('open-data', 'PutBucketPolicy', '2024-03-01T10:00:00Z'));
    await send(sqs, queues.queueUrl, change('closed-data', 'PutBucketAcl', '2024-03-01T10:00:00Z'));
    await waitUntil(() => cards(DEFAULT).length === 1, 'the bucket card');
    await drained();
    expect(cards(DEFAULT)).toHaveLength(1);
    const [card] = cards(DEFAULT);
    expect(JSON.stringify(card.blocks)).toContain('open-data');
    expect(JSON.stringify(card.blocks)).toMatch(/public through its policy/);
    expect(buttons(card).find((b) => b.action_id === 'ftr_alert_runbook')?.value).toBe('public-s3-bucket');

    await client.send(new DeleteBucketPolicyCommand({ Bucket: 'open-data' }));
    await send(sqs, queues.queueUrl, change('open-data', 'DeleteBucketPolicy', '2024-03-01T10:05:00Z'));
    await waitUntil(() => JSON.stringify(cards(DEFAULT)[0].blocks).includes('Resolved'), 'the resolved card');
    await drained();
    expect(cards(DEFAULT)).toHaveLength(1);
    client.destroy();
  });
});

test('escalation: unacknowledged past afterMinutes, a thread reply mentions the group; acknowledging stops it', async () => {
  await start({ escalation: { afterMinutes: 0.01, mention: 'S0ONCALL01', repeat: 1 } });
  await send(sqs, queues.queueUrl, JSON.stringify(fixtureEvent('guardduty-instance')));
  await waitUntil(() => cards(SECOPS).length === 1, 'the card');
  await drained();
  await new Promise((r) => setTimeout(r, 700));
  expect(await h.alerts!.escalator.tick()).toBe(1);
  const [card] = cards(SECOPS);
  await waitUntil(() => replies(SECOPS, card.ts).some((r) => r.text.includes('<!subteam^S0ONCALL01>')), 'the escalation reply');
  await waitUntil(() => JSON.stringify(cards(SECOPS)[0].blocks).includes('escalated 1 time'), 'the card showing it');
  await press('ftr_alert_ack', buttons(card)[0].value, RESPONDER, card);
  await waitUntil(async () => (await h.store.getAlert(buttons(card)[0].value))?.state === 'acknowledged', 'the acknowledgement');
  await new Promise((r) => setTimeout(r, 700));
  expect(await h.alerts!.escalator.tick()).toBe(0);
});

test('/ftr alerts lists the unacknowledged alerts privately; /ftr drill puts a sample through the pipeline and times it', async () => {
  await start({ routes: [] });
  await h.command('drill guardduty', { responseId: 'drill' });
  await waitUntil(() => cards(DEFAULT).length === 1, 'the drill card');
  const [card] = cards(DEFAULT);
  expect(JSON.stringify(card.blocks)).toContain('DRILL');
  await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'drill' && /Drill card posted/.test(p.body.text)), 10_000, 'the drill timing');
  await h.command('alerts', { userId: READER, responseId: 'list' });
  const list = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'list'), 5000, 'the list');
  expect(list.body.response_type).toBe('ephemeral');
  expect(list.body.text).toBe('1 unacknowledged alerts');
  await h.send(appHomeOpened(READER));
  const home = await h.api.waitFor(() => h.api.homeViews.get(READER), 5000, 'the home view');
  expect(JSON.stringify(home.blocks)).toContain('1 unacknowledged alert*');
  await press('ftr_alert_ack', buttons(card)[0].value, RESPONDER, card);
  await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'drill' && /Drill acknowledged/.test(p.body.text)), 10_000, 'the acknowledgement timing');
  const [drill] = await h.alerts!.drills.list();
  expect(drill).toMatchObject({ kind: 'guardduty', requestedBy: ADMIN, acknowledgedBy: RESPONDER });
  expect(Date.parse(drill.cardAt!)).toBeGreaterThanOrEqual(Date.parse(drill.queuedAt));
  await h.command('drill bogus', { responseId: 'bogus' });
  const bogus = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'bogus'), 5000, 'the refusal');
  expect(bogus.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(bogus.body.blocks)).toMatch(/guardduty, s3-public, root-login/);
});
