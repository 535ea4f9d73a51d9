/** Card delivery against the Slack stand-in: a card whose lease another replica holds is never reported shown before it is. */
import { webApi } from '@slack/bolt';
import { CardDelivery } from '../../src/alerts/deliver';
import { newAlertRecord } from '../../src/alerts/records';
import type { AlertObservation } from '../../src/alerts/types';
import { parseAppConfig } from '../../src/config/load';
import { ChannelPolicy } from '../../src/slack/channels';
import { createLogger } from '../../src/slack/logger';
import { webClientOptions } from '../../src/slack/webClient';
import { SqliteStore } from '../../src/store';
import { SlackApiStandIn } from '../support/slackApi';
import { BOT_TOKEN } from '../support/slackHarness';

function observation(n: number): AlertObservation {
  const at = '2024-03-01T10:00:00.000Z';
  return {
    key: `guardduty:${n}`,
    source: 'guardduty',
    severity: 'high',
    title: `finding ${n}`,
    type: 'Recon:EC2/Portscan',
    resource: { kind: 'instance', id: `i-${n}` },
    accountId: '123456789012',
    region: 'us-east-1',
    firstSeen: at,
    lastSeen: at,
    count: 1,
    version: at,
  };
}

test('a digest never takes a card another replica is posting: that alert waits for the lease, then gets its card', async () => {
  const api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  const store = new SqliteStore(':memory:');
  const client = new webApi.WebClient(BOT_TOKEN, { ...webClientOptions({ apiUrl: api.url }), rejectRateLimitedCalls: true });
  const delivery = new CardDelivery({
    store,
    client,
    config: parseAppConfig({ alerts: { defaultChannel: 'C0ALERTS01', digestAfter: 1, postsPerSecond: 5 } }).alerts,
    runbooks: [],
    logger: createLogger({ level: 'fatal' }),
  });
  try {
    const now = new Date();
    const records = [1, 2, 3, 4].map((n) => newAlertRecord({ observation: observation(n), eventId: `e${n}`, channel: 'C0ALERTS01', now }));
    // Another replica (now dead) leased alert 1 and never posted it; its lease runs out in 1.5 s.
    records[0].postingLease = { owner: 'dead-replica', until: new Date(Date.now() + 1500).toISOString() };
    for (const r of records) await store.putAlert(r, undefined);
    const settled = new Map<string, number>();
    await Promise.all(records.map((r) => delivery.settle(r).then(() => settled.set(r.key, Date.now()))));
    const first = (await store.getAlert('guardduty:1'))!;
    expect(first.ts).toBeDefined();
    expect(api.topLevelMessages('C0ALERTS01').some((m) => m.ts === first.ts)).toBe(true);
    expect(Date.parse(first.postingLease?.until ?? '0')).toBeLessThanOrEqual(Date.now());
    // Every alert ended on a card that exists, and none on two.
    for (let n = 2; n <= 4; n += 1) {
      const r = (await store.getAlert(`guardduty:${n}`))!;
      expect(api.topLevelMessages('C0ALERTS01').some((m) => m.ts === r.ts)).toBe(true);
      expect(r.ts).not.toBe(first.ts);
    }
  } finally {
    delivery.stop();
    await store.close();
    await api.close();
  }
});

test('alerts routed to a channel shared with another organisation (not listed) go to the default channel instead', async () => {
  const api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  const store = new SqliteStore(':memory:');
  const client = new webApi.WebClient(BOT_TOKEN, { ...webClientOptions({ apiUrl: api.url }), rejectRateLimitedCalls: true });
  api.channels.set('C0CONNECT1', { is_ext_shared: true });
  const channels = new ChannelPolicy({ client, publicChannels: [], logger: createLogger({ level: 'fatal' }) });
  const delivery = new CardDelivery({
    store,
    client,
    config: parseAppConfig({ alerts: { defaultChannel: 'C0ALERTS01', postsPerSecond: 5 } }).alerts,
    runbooks: [],
    logger: createLogger({ level: 'fatal' }),
    heldBack: (channel) => channels.sharedOutsideUnlisted(channel),
  });
  try {
    const record = newAlertRecord({ observation: observation(7), eventId: 'e7', channel: 'C0CONNECT1', now: new Date() });
    await store.putAlert(record, undefined);
    await delivery.settle(record);
    expect((await store.getAlert('guardduty:7'))?.ts).toBeDefined();
    const posted = api.callsTo('chat.postMessage').filter((c) => c.outcome === 'ok');
    expect(posted.some((c) => c.args.channel === 'C0CONNECT1')).toBe(false);
    expect((await store.getAlert('guardduty:7'))!.channel).toBe('C0ALERTS01');
  } finally {
    delivery.stop();
    await store.close();
    await api.close();
  }
});
