import { webApi } from '@slack/bolt';
import pino from 'pino';
import { catalog } from '../../src/checks/catalog';
import { ScanService } from '../../src/engine/scanService';
import { SummaryService } from '../../src/schedule/summaries';
import { ChannelPolicy } from '../../src/slack/channels';
import { webClientOptions } from '../../src/slack/webClient';
import { SqliteStore } from '../../src/store';
import { FakeClock } from '../support/fakeClock';
import { SlackApiStandIn } from '../support/slackApi';
import { BOT_TOKEN, scriptedScanner } from '../support/slackHarness';
import { smallReport } from '../slack/fixtures';

const SCHEDULE = { channel: 'C0CONNECT1', cron: '0 9 * * 1', timezone: 'UTC' };

describe('a summary channel shared with another organisation', () => {
  let api: SlackApiStandIn;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  });
  afterAll(() => api.close());
  beforeEach(() => api.reset());

  async function summarise(publicChannels: string[]) {
    const clock = new FakeClock(new Date('2026-11-30T09:00:00Z'));
    const logger = pino({ level: 'silent' });
    const store = new SqliteStore(':memory:', () => clock.now());
    const client = new webApi.WebClient(BOT_TOKEN, { ...webClientOptions({ apiUrl: api.url }), retryConfig: { retries: 0 } });
    const channels = new ChannelPolicy({ client, publicChannels, logger });
    const scans = new ScanService({ scanner: scriptedScanner({ steps: 1, stepMs: 1, report: () => smallReport(clock.now()) }), store, now: () => clock.now(), logger });
    const service = new SummaryService({ schedules: [SCHEDULE], store, scans, client, clock, logger, checks: catalog, owner: 'me', heldBack: (c) => channels.sharedOutsideUnlisted(c) });
    await service.summarise(SCHEDULE, clock.now());
    await store.close();
  }

  test('gets no summary unless it is listed in slack.publicChannels', async () => {
    api.channels.set(SCHEDULE.channel, { is_ext_shared: true });
    await summarise([]);
    expect(api.callsTo('chat.postMessage')).toEqual([]);
    expect(api.uploads()).toEqual([]);

    await summarise([SCHEDULE.channel]);
    expect(api.callsTo('chat.postMessage').filter((c) => c.args.channel === SCHEDULE.channel)).toHaveLength(1);
  });

  test('a channel whose kind cannot be read still gets the summary its configuration names', async () => {
    await summarise([]);
    expect(api.callsTo('chat.postMessage').filter((c) => c.args.channel === SCHEDULE.channel)).toHaveLength(1);
  });
});
