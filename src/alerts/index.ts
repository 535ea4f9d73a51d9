import { SQSClient } from '@aws-sdk/client-sqs';
import { webApi } from '@slack/bolt';
import { AwsAccess } from '../aws/clients';
import type { AppConfig } from '../config/load';
import type { MemberAccounts } from '../engine/memberAccess';
import type { SlackApp } from '../slack/app';
import { ChannelPolicy } from '../slack/channels';
import { boltLogger, type Logger } from '../slack/logger';
import { postToResponseUrl } from '../slack/responseUrl';
import { loadRunbooks } from '../slack/runbooks';
import type { SlackSettings } from '../slack/settings';
import { webClientOptions } from '../slack/webClient';
import type { Store } from '../store';
import { QueueConsumer } from './consumer';
import { CardDelivery } from './deliver';
import { Drills } from './drill';
import { Escalator } from './escalation';
import { bucketEvaluator } from './evaluate';
import { awsReflector } from './reflect';
import { AlertService } from './service';
import { registerAlertActions } from './slackActions';

/** Of the shutdown grace period, what messages in hand get to finish their cards. */
const CONSUMER_GRACE_MS = 10_000;

/** The region of an SQS queue URL (`https://sqs.<region>.amazonaws.com/…`), else the default. */
export function queueRegion(queueUrl: string, fallback: string): string {
  return new URL(queueUrl).hostname.match(/^sqs\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?$/)?.[1] ?? fallback;
}

export interface AlertPipeline {
  service: AlertService;
  drills: Drills;
  escalator: Escalator;
  /** Registers the card buttons on the Slack app. */
  attach(slack: SlackApp): void;
  start(): Promise<void>;
  /** Stops receiving, lets messages in hand finish (bounded), returns the rest to the queue. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * The alert consumer of `ftr serve`: the queue at `ALERT_QUEUE_URL` → sources → re-evaluation →
 * routing → the store (conditional writes) → paced cards in Slack → delete; escalation; drills.
 */
export function createAlertPipeline(input: {
  queueUrl: string;
  settings: SlackSettings;
  config: AppConfig;
  store: Store;
  logger: Logger;
  accountId: () => Promise<string>;
  homeRegion: string;
  env: NodeJS.ProcessEnv;
  now?: () => Date;
  /** The accounts the bot scans through roles: a bucket change in one of them is judged there. Closed when the pipeline stops. */
  memberAccounts?: MemberAccounts;
}): AlertPipeline {
  const { config, store, settings, memberAccounts: members } = input;
  const now = input.now ?? (() => new Date());
  const logger = input.logger.child({ component: 'alerts' });
  const aws = new AwsAccess({ env: input.env });
  const sqs = aws.client(SQSClient, queueRegion(input.queueUrl, input.homeRegion));
  // Rate-limited calls come back to the channel's lane, which pauses for Retry-After while the message stays invisible.
  const client = new webApi.WebClient(settings.botToken, { ...webClientOptions(settings), rejectRateLimitedCalls: true, logger: boltLogger(logger) });
  // The delivery tells the drills about cards; the drills exist once the delivery does.
  const drillsRef: { current?: Drills } = {};
  const channels = new ChannelPolicy({ client, publicChannels: config.slack.publicChannels, logger });
  const delivery = new CardDelivery({
    store,
    client,
    config: config.alerts,
    runbooks: loadRunbooks(),
    logger,
    onCardPosted: (record) => void drillsRef.current?.cardPosted(record).catch((err) => logger.warn({ err }, 'drill bookkeeping failed')),
    heldBack: (channel) => channels.sharedOutsideUnlisted(channel),
  });
  const drills = new Drills({
    store,
    sqs,
    queueUrl: input.queueUrl,
    accountId: input.accountId,
    region: input.homeRegion,
    now,
    logger,
    tell: (url, message) => postToResponseUrl(url, { response_type: 'ephemeral', text: message.text, blocks: message.blocks }),
  });
  drillsRef.current = drills;
  const service = new AlertService({
    store,
    config: config.alerts,
    delivery,
    evaluateBuckets: bucketEvaluator({
      aws,
      accountId: input.accountId,
      memberAccess: members && ((accountId) => members.access(accountId)),
      homeRegion: input.homeRegion,
      thresholds: config.thresholds,
      now,
    }),
    reflect: config.alerts.reflectInAws ? awsReflector(aws) : undefined,
    onAcknowledged: (record) => void drills.acknowledged(record).catch((err) => logger.warn({ err }, 'drill bookkeeping failed')),
    logger,
    now,
  });
  const consumer = new QueueConsumer({ sqs, queueUrl: input.queueUrl, handle: (body) => service.handle(body), logger });
  const escalator = new Escalator({ store, config: config.alerts, delivery, logger, now });
  return {
    service,
    drills,
    escalator,
    attach: (slack) => registerAlertActions(slack, { service, store }),
    async start() {
      await consumer.start();
      escalator.start();
    },
    async stop(graceMs = CONSUMER_GRACE_MS) {
      escalator.stop();
      const stopping = consumer.stop(graceMs);
      // Past the grace period, cards still waiting give their messages back to the queue.
      const timer = setTimeout(() => delivery.stop(), graceMs);
      await stopping;
      clearTimeout(timer);
      delivery.stop();
      aws.destroy();
      members?.close();
    },
  };
}
