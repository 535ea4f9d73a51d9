import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { defaultHomeRegion } from './aws/account';
import { createAlertPipeline } from './alerts';
import { catalog } from './checks/catalog';
import { loadAppConfig } from './config/load';
import { memberAccounts } from './engine/memberAccess';
import { configuredAccountScanner, ScanService, type AccountScanner } from './engine/scanService';
import { systemClock, type Clock } from './schedule/clock';
import { HistoryRetention } from './schedule/retention';
import { SummaryService } from './schedule/summaries';
import { createSlackApp, SHUTDOWN_GRACE_MS } from './slack/app';
import { ChannelPolicy } from './slack/channels';
import { createLogger, type Logger } from './slack/logger';
import { secretsOf, slackSettingsFromEnv } from './slack/settings';
import { DecisionLog, openStoreAsync } from './store';
import { accountRegistration } from './store/accountRegistry';
import { DAY_MS, expiringSoon } from './core/decisions';
import { requirements } from './core/requirements';

export interface ServerOptions {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  /** How accounts are scanned; the ambient credentials' account by default. */
  scanner?: AccountScanner;
  logger?: Logger;
}

export interface Server {
  /** The HTTP port in HTTP mode. */
  port?: number;
  scans: ScanService;
  /** Stops taking work, lets work in hand finish (bounded) and closes the store. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Everything `ftr serve` runs, started: the Slack app, the summary scheduler, history retention,
 * the alert consumer when `ALERT_QUEUE_URL` is set, and a first scan when the store has none.
 * Configuration errors throw ConfigError (one line).
 */
export async function startServer(options: ServerOptions = {}): Promise<Server> {
  const env = options.env ?? process.env;
  const clock = options.clock ?? systemClock;
  const now = () => clock.now();
  const settings = slackSettingsFromEnv(env);
  const config = loadAppConfig(env);
  const logger = options.logger ?? createLogger({ level: settings.logLevel, secrets: secretsOf(settings) });
  const store = await openStoreAsync(settings.storeUrl);
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const scanner = options.scanner ?? configuredAccountScanner({ config, regions: settings.regions, env, store });
  const decisions = new DecisionLog({ store, requirements: requirements(), checks: catalog, now });
  const scans = new ScanService({ scanner, store, now, logger, owner, decisions });
  const alerts = settings.alertQueueUrl
    ? createAlertPipeline({
        queueUrl: settings.alertQueueUrl,
        settings,
        config,
        store,
        logger,
        accountId: () => scans.accountId(),
        homeRegion: defaultHomeRegion(env),
        env,
        now,
        memberAccounts: memberAccounts({ config, env, now, registration: (id) => accountRegistration(store, id) }),
      })
    : undefined;
  const slack = createSlackApp({ env: settings, config, scans, store, logger, now, drills: alerts?.drills, decisions });
  alerts?.attach(slack);
  const channels = new ChannelPolicy({ client: slack.app.client, publicChannels: config.slack.publicChannels, logger });
  const summaries = new SummaryService({
    schedules: config.summaries,
    store,
    scans,
    client: slack.app.client,
    clock,
    logger,
    checks: catalog,
    owner,
    heldBack: (channel) => channels.sharedOutsideUnlisted(channel),
    expiringAttestations: async (accountId, within) => {
      const { attestations } = await decisions.decisions(accountId);
      return expiringSoon(attestations, within.from, (within.to.getTime() - within.from.getTime()) / DAY_MS).map((a) => ({
        requirementId: a.requirementId,
        owner: a.owner,
        expiresAt: new Date(a.expiresAt),
      }));
    },
  });
  const retention = new HistoryRetention({ store, clock, logger, retentionDays: config.history.retentionDays });
  let port: number | undefined;
  try {
    ({ port } = await slack.start());
    await alerts?.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  if (!alerts) logger.info('ALERT_QUEUE_URL is not set: no alert consumer');
  summaries.start();
  retention.start();
  void firstScan(scans, logger);
  return {
    port,
    scans,
    async stop(graceMs = SHUTDOWN_GRACE_MS) {
      scans.close();
      await Promise.all([summaries.stop(), retention.stop(), alerts?.stop(), slack.stop(graceMs)]);
      await store.close();
      logger.info('shut down');
    },
  };
}

/** A fresh install answers `/ftr status` with data: each account without a stored scan is scanned at start-up, one at a time. */
async function firstScan(scans: ScanService, logger: Logger): Promise<void> {
  try {
    for (const { accountId } of await scans.accounts()) {
      if (await scans.latest(accountId)) continue;
      logger.info({ accountId }, 'no scan stored yet: scanning at start-up');
      await scans.start(accountId).result;
    }
  } catch (err) {
    logger.warn({ err }, 'the start-up scan did not run; /ftr scan starts one');
  }
}

/**
 * `ftr serve`: the server configured from the environment. Resolves to the exit code once a
 * SIGTERM or SIGINT has been handled (new requests and messages refused, work in hand finished or
 * handed back within the grace period).
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const settings = slackSettingsFromEnv(env);
  const logger = createLogger({ level: settings.logLevel, secrets: secretsOf(settings) });
  const server = await startServer({ env, logger });
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'signal received');
  await server.stop();
  logger.flush();
  return 0;
}
