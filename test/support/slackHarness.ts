/**
 * The Slack app started in-process on a loopback port, against the Web API stand-in, with an
 * in-memory store. Requests go through Bolt's real HTTP receiver.
 */
import { createAlertPipeline, type AlertPipeline } from '../../src/alerts';
import { parseAppConfig } from '../../src/config/load';
import type { ScanReport } from '../../src/engine/scan';
import { createSlackApp, type SlackApp } from '../../src/slack/app';
import type { SlashCommand } from '../../src/slack/command';
import { createLogger } from '../../src/slack/logger';
import { ambientAccountScanner, ScanService, type AccountScanner } from '../../src/engine/scanService';
import { slackSettingsFromEnv } from '../../src/slack/settings';
import { SqliteStore, type Store } from '../../src/store';
import { SlackApiStandIn } from './slackApi';
import { postSigned, slashCommand, type PostResult, type SignedRequest } from './slackRequests';

export const BOT_TOKEN = 'xoxb-0000000000-1111111111-testtokenvalue0000';
export const SIGNING_SECRET = '8f742231b10e8888abcd99yyyzzz85a5';
export const ADMIN = 'U0ADMIN';
export const READER = 'U0READER';
/**
 * Channels meant to see answers (`slack.publicChannels`) unless a test's config says otherwise:
 * the channels tests of channel messages type in. Answers anywhere else are private.
 */
export const PUBLIC_CHANNELS = ['C0GENERAL', 'C0SECOND', 'C0FIRST', 'C0PRIVATE', 'C0ELSEWHERE'];

export interface SlackHarness {
  api: SlackApiStandIn;
  slack: SlackApp;
  scans: ScanService;
  store: Store;
  /** Every log line the app wrote (JSON). */
  logs: string[];
  eventsUrl: string;
  baseUrl: string;
  /** Present when started with `alertQueueUrl`. */
  alerts?: AlertPipeline;
  send(request: SignedRequest, options?: { timestamp?: number; signature?: string }): Promise<PostResult>;
  /** `/ftr <text>` from `userId` (the admin by default), answering to response_url `id`. */
  command(text: string, options?: { userId?: string; channelId?: string; responseId?: string }): Promise<PostResult>;
  stop(): Promise<void>;
}

/** A scanner that never touches AWS: the report and the pace are the test's. */
export function scriptedScanner(input: { accountId?: string; steps?: number; stepMs?: number; report: () => ScanReport }): AccountScanner & { scansStarted: number } {
  const scanner = {
    scansStarted: 0,
    accountId: async () => input.accountId ?? '123456789012',
    async scan(_accountId: string, onProgress: (p: { done: number; total: number; checkId: string; region: string }) => void) {
      scanner.scansStarted += 1;
      const steps = input.steps ?? 3;
      for (let done = 1; done <= steps; done += 1) {
        await new Promise((r) => setTimeout(r, input.stepMs ?? 10));
        onProgress({ done, total: steps, checkId: 'x', region: 'us-east-1' });
      }
      return input.report();
    },
  };
  return scanner;
}

/**
 * The real scanner (the whole catalog against moto) whose result is held back until `release()`:
 * the test decides how long the scan is "running", whatever the speed of the machine.
 */
export function heldScanner(real: AccountScanner): AccountScanner & { release(): void } {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  return {
    accountId: () => real.accountId(),
    async scan(accountId, onProgress) {
      const report = await real.scan(accountId, onProgress);
      await gate;
      return report;
    },
    release,
  };
}

/** The scanner `ftr serve` uses: the ambient (moto) account, regions from FTR_REGIONS (us-east-1 here). */
export function motoScanner(): AccountScanner {
  return ambientAccountScanner({ config: parseAppConfig({}), regions: ['us-east-1'], env: process.env });
}

export async function startSlackHarness(
  options: { scanner?: AccountScanner; config?: Record<string, unknown>; store?: Store; commands?: readonly SlashCommand[]; alertQueueUrl?: string; api?: SlackApiStandIn } = {},
): Promise<SlackHarness> {
  // Replicas of one app share one Slack.
  const api = options.api ?? (await SlackApiStandIn.start({ token: BOT_TOKEN }));
  const logs: string[] = [];
  const env = {
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_API_URL: api.url,
    PORT: '0',
    FTR_REGIONS: 'us-east-1',
    LOG_LEVEL: 'debug',
    ...(options.alertQueueUrl ? { ALERT_QUEUE_URL: options.alertQueueUrl } : {}),
  };
  const settings = slackSettingsFromEnv(env);
  const config = parseAppConfig({ roles: { admins: [ADMIN] }, slack: { progressUpdateSeconds: 0.5, publicChannels: PUBLIC_CHANNELS }, ...options.config });
  const logger = createLogger({ level: 'debug', secrets: [BOT_TOKEN, SIGNING_SECRET], destination: { write: (line: string) => void logs.push(line) } });
  const store = options.store ?? new SqliteStore(':memory:');
  const scanner = options.scanner ?? motoScanner();
  const scans = new ScanService({ scanner, store, now: () => new Date(), logger });
  const alerts = settings.alertQueueUrl
    ? createAlertPipeline({ queueUrl: settings.alertQueueUrl, settings, config, store, logger, accountId: () => scans.accountId(), homeRegion: 'us-east-1', env: process.env })
    : undefined;
  const slack = createSlackApp({ env: settings, config, scans, store, logger, commands: options.commands, drills: alerts?.drills });
  alerts?.attach(slack);
  const { port } = await slack.start({ host: '127.0.0.1' });
  await alerts?.start();
  const baseUrl = `http://127.0.0.1:${port}`;
  const eventsUrl = `${baseUrl}/slack/events`;
  let stopped = false;
  const harness: SlackHarness = {
    api,
    slack,
    scans,
    store,
    logs,
    eventsUrl,
    baseUrl,
    alerts,
    send: (request, opts = {}) => postSigned(eventsUrl, request, { secret: SIGNING_SECRET, ...opts }),
    command: (text, opts = {}) =>
      harness.send(slashCommand({ text, userId: opts.userId ?? ADMIN, channelId: opts.channelId, responseUrl: api.responseUrl(opts.responseId) })),
    async stop() {
      if (stopped) return;
      stopped = true;
      await Promise.all([alerts?.stop(3_000), slack.stop(5_000)]);
      if (!options.store) await store.close();
      if (!options.api) await api.close();
    },
  };
  return harness;
}
