/**
 * Storms, replicas and crashes: a channel's alerts arriving faster than Slack allows become
 * digests (every alert on exactly one card), two consumers sharing one store never post a card
 * twice, and a consumer killed between posting and deleting leaves one card after its restart.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SQSClient } from '@aws-sdk/client-sqs';
import { SqliteStore } from '../../src/store';
import { resetMoto } from '../support/aws';
import { SlackApiStandIn } from '../support/slackApi';
import { ADMIN, BOT_TOKEN, SIGNING_SECRET, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { buttonClick } from '../support/slackRequests';
import { freePort, serveEnv, spawnServe, waitForHealthy } from '../support/slackServe';
import { smallReport } from '../slack/fixtures';
import { createQueues, fixtureEvent, queueDepth, send, sqsClient, waitUntil, type TestQueues } from './queue';

const CHANNEL = 'C0ALERTS01';

let sqs: SQSClient;
let queues: TestQueues;
let dir: string;

beforeEach(async () => {
  await resetMoto();
  sqs = sqsClient();
  queues = await createQueues(sqs, `storm-${Date.now()}`, { visibilityTimeoutS: 2, maxReceiveCount: 5 });
  dir = mkdtempSync(join(tmpdir(), 'ftr-alerts-'));
});
afterEach(() => {
  sqs.destroy();
  rmSync(dir, { recursive: true, force: true });
});

/** GuardDuty finding events: `n` distinct findings of one type in one account and region. */
function findings(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => {
    const event = fixtureEvent('guardduty-instance');
    const id = `${prefix}${String(i).padStart(4, '0')}`;
    event.id = `event-${id}`;
    event.detail.id = id;
    event.detail.resource.instanceDetails.instanceId = `i-${id}`;
    return JSON.stringify(event);
  });
}

/** Single cards by alert key (the Acknowledge button's value). */
function singleCards(apis: SlackApiStandIn[]): Map<string, number> {
  const byKey = new Map<string, number>();
  for (const api of apis) {
    for (const m of api.topLevelMessages(CHANNEL)) {
      for (const b of m.blocks.filter((x: any) => x.type === 'actions').flatMap((x: any) => x.elements)) {
        if (b.action_id === 'ftr_alert_ack') byKey.set(b.value, (byKey.get(b.value) ?? 0) + 1);
      }
    }
  }
  return byKey;
}

test('a storm in one channel becomes digest cards: none lost, none doubled, paced, and Acknowledge all acknowledges each', async () => {
  const h: SlackHarness = await startSlackHarness({
    scanner: scriptedScanner({ report: () => smallReport() }),
    alertQueueUrl: queues.queueUrl,
    config: { roles: { admins: [ADMIN] }, alerts: { defaultChannel: CHANNEL, digestAfter: 3 } },
  });
  try {
    h.api.limitChannelPosts({ perSecond: 1, burst: 3 });
    const bodies = findings(30, 'storm');
    await Promise.all(bodies.map((b) => send(sqs, queues.queueUrl, b)));
    await waitUntil(async () => (await queueDepth(sqs, queues.queueUrl)) === 0, 'the queue to drain');
    const keys = bodies.map((b) => `guardduty:${JSON.parse(b).detail.id}`);
    const cards = h.api.topLevelMessages(CHANNEL);
    const singles = singleCards([h.api]);
    const records = await Promise.all(keys.map((k) => h.store.getAlert(k)));
    // Every alert is on a card that exists: its own, or a digest.
    for (const r of records) expect(cards.some((c) => c.ts === r!.ts)).toBe(true);
    const digested = records.filter((r) => r!.digestId);
    expect(digested.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(keys.length);
    // None doubled: no key has two single cards, or a single card and a digest.
    for (const [key, count] of singles) {
      expect(count).toBe(1);
      expect(records.find((r) => r!.key === key)!.digestId).toBeUndefined();
    }
    expect(singles.size + digested.length).toBe(keys.length);
    expect(h.api.peakPostsPerSecond(CHANNEL)).toBeLessThanOrEqual(3);
    expect(h.api.allViolations()).toEqual([]);

    const digest = cards.find((c) => JSON.stringify(c.blocks).includes('ftr_alert_ack_all'))!;
    const digestId = digested[0]!.digestId!;
    const members = await h.store.digestAlerts(digestId);
    const pressAt = (actionId: string, value: string, responseId: string) =>
      h.send(buttonClick({ actionId, value, userId: ADMIN, channelId: CHANNEL, messageTs: members[0].ts!, responseUrl: h.api.responseUrl(responseId) }));
    await pressAt('ftr_alert_digest_page', `${digestId}|0`, 'page');
    const page = await h.api.waitFor(() => h.api.responseUrlPosts.find((p) => p.id === 'page'), 5000, 'the page');
    expect(page.body.response_type).toBe('ephemeral');
    for (const m of members) expect(JSON.stringify(page.body.blocks)).toContain(m.alert.resource.id);
    await pressAt('ftr_alert_ack_all', digestId, 'ack');
    await waitUntil(async () => (await h.store.digestAlerts(digestId)).every((m) => m.state === 'acknowledged'), 'every digested alert acknowledged');
    // The edit waits its turn behind the storm's own edits in the Tier 3 chat.update allowance (50 a minute).
    await waitUntil(() => JSON.stringify(h.api.topLevelMessages(CHANNEL).find((c) => c.ts === digest.ts)!.blocks).includes('Resolve all'), 'the digest card edited', 75_000);
    expect((await h.store.auditTrail(digestId)).map((e) => e.action)).toEqual(['acknowledge all']);
  } finally {
    await h.stop();
  }
}, 150_000);

test('two consumers on one queue and one store post each card once', async () => {
  const file = join(dir, 'shared.sqlite');
  const stores = [new SqliteStore(file), new SqliteStore(file)];
  const api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  const replicas = await Promise.all(
    stores.map((store) =>
      startSlackHarness({
        api,
        scanner: scriptedScanner({ report: () => smallReport() }),
        alertQueueUrl: queues.queueUrl,
        store,
        config: { roles: { admins: [ADMIN] }, alerts: { defaultChannel: CHANNEL, digestAfter: 1000, postsPerSecond: 5 } },
      }),
    ),
  );
  try {
    const bodies = findings(20, 'replica');
    // Each event twice (a redelivery, or EventBridge's at-least-once delivery), plus an update of each.
    const updates = bodies.map((b) => {
      const e = JSON.parse(b);
      e.id = `${e.id}-update`;
      e.detail.updatedAt = '2024-03-01T11:00:00.000Z';
      e.detail.service.count = 9;
      return JSON.stringify(e);
    });
    await Promise.all([...bodies, ...bodies, ...updates].map((b) => send(sqs, queues.queueUrl, b)));
    await waitUntil(async () => (await queueDepth(sqs, queues.queueUrl)) === 0, 'the queue to drain', 60_000);
    const singles = singleCards([api]);
    expect(singles.size).toBe(20);
    expect([...singles.values()].every((n) => n === 1)).toBe(true);
    for (const b of bodies) {
      const record = await stores[0].getAlert(`guardduty:${JSON.parse(b).detail.id}`);
      expect(record).toMatchObject({ cardRev: record!.contentRev, alert: { count: 9 } });
    }
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await Promise.all(stores.map((s) => s.close()));
    await api.close();
  }
}, 90_000);

test('ftr serve killed between posting a card and deleting its message: after a restart, still one card', async () => {
  const api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  writeFileSync(join(dir, 'ftr.yml'), `alerts:\n  defaultChannel: ${CHANNEL}\n`);
  const env = async () => {
    const port = await freePort();
    return { port, env: serveEnv({ apiUrl: api.url, port, dir, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET, extra: { ALERT_QUEUE_URL: queues.queueUrl } }) };
  };
  const first = await env();
  let serve = spawnServe(first.env);
  try {
    await waitForHealthy(`http://127.0.0.1:${first.port}`, serve);
    const [body] = findings(1, 'crash');
    await send(sqs, queues.queueUrl, body);
    await api.waitFor(() => api.callsTo('chat.postMessage').some((c) => c.outcome === 'ok'), 20_000, 'the card');
    // The card is in Slack and in the store; the delete goes out in the next batch (100 ms): kill before it.
    await new Promise((r) => setTimeout(r, 30));
    serve.child.kill('SIGKILL');
    await serve.exited;
    expect(await queueDepth(sqs, queues.queueUrl)).toBe(1);
    const second = await env();
    serve = spawnServe(second.env);
    await waitForHealthy(`http://127.0.0.1:${second.port}`, serve);
    await waitUntil(async () => (await queueDepth(sqs, queues.queueUrl)) === 0, 'the redelivered message to be handled');
    expect(api.topLevelMessages(CHANNEL)).toHaveLength(1);
    expect(api.callsTo('chat.postMessage').filter((c) => c.outcome === 'ok')).toHaveLength(1);
  } finally {
    serve.child.kill('SIGKILL');
    await api.close();
  }
}, 90_000);
