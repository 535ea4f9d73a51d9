import { setMaxListeners } from 'node:events';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPReceiver, SocketModeReceiver, type BlockAction, type CustomRoute, type Receiver } from '@slack/bolt';
import { slashCommands } from '../../commands';
import { catalog } from '../checks/catalog';
import { ConfigError, type AppConfig } from '../config/load';
import type { Check } from '../core/types';
import { DecisionLog, type Store } from '../store';
import { requirements } from '../core/requirements';
import { RESCAN_ACTION_ID, type CommandSummary } from './blocks';
import type { DrillStarter, SlackServices, SlashCommand } from './command';
import { slackErrorCode, SlashCommandConversation } from './conversation';
import { healthHandler, httpConnection, Readiness, serveHealth, SocketModeConnection, StoreProbe } from './health';
import { showHome } from './home';
import { InFlight } from './inFlight';
import { boltLogger, type Logger } from './logger';
import { rescan } from './rescan';
import { Roles } from './roles';
import { Authorization } from './authorize';
import { RenderCache } from './renderCache';
import { ChannelPolicy } from './channels';
import { registerShare, shareValue } from './share';
import { registerCheckPages } from './checkPages';
import { registerStatusActions } from './statusActions';
import { registerDecisionModals } from './decisionModals';
import { routeCommand } from './router';
import { loadRunbooks } from './runbooks';
import type { ScanService } from '../engine/scanService';
import type { SlackSettings } from './settings';
import { webClientOptions } from './webClient';

/** Shutdown budget: ECS sends SIGKILL 30 s after SIGTERM. */
export const SHUTDOWN_GRACE_MS = 20_000;
/** Of the grace period, what is kept for interrupted work to say so. */
const INTERRUPT_NOTICE_MS = 3_000;
const RECEIVER_STOP_MS = 5_000;

/** Errors that mean the bot token itself is wrong. */
const TOKEN_ERRORS = new Set(['invalid_auth', 'not_authed', 'account_inactive', 'token_revoked', 'token_expired', 'not_allowed_token_type']);

export interface SlackAppDeps {
  env: SlackSettings;
  config: AppConfig;
  scans: ScanService;
  store: Store;
  logger: Logger;
  now?: () => Date;
  commands?: readonly SlashCommand[];
  checks?: readonly Check[];
  drills?: DrillStarter;
  /** Shared with the scans so that reports and answers apply the same decisions; built from the store when absent. */
  decisions?: DecisionLog;
}

export interface SlackApp {
  app: App;
  services: SlackServices;
  /** Runs acknowledged work so that shutdown waits for it (see InFlight). */
  track(what: string, work: () => Promise<void>): Promise<void>;
  /** Starts receiving; resolves to the port listened on (in Socket Mode, the health route's). */
  start(options?: { host?: string }): Promise<{ port?: number }>;
  /** Stops taking requests and lets in-flight work finish (bounded); the store stays open for its owner to close. */
  stop(graceMs?: number): Promise<void>;
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([promise, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), ms)))]).finally(() => clearTimeout(timer));
}

function healthRoute(readiness: Readiness): CustomRoute {
  return { path: '/healthz', method: ['GET'], handler: healthHandler(readiness) };
}

interface SlackReceiver {
  receiver: Receiver;
  /** Whether Slack can reach the app through the receiver, and whether the store answers. */
  readiness: Readiness;
  /** Resolves once the receiver has let go of Slack; call before stopping the app. */
  released(): Promise<void>;
}

function createReceiver(settings: SlackSettings, boltLog: ReturnType<typeof boltLogger>, logger: Logger, probe: StoreProbe): SlackReceiver {
  if (settings.appToken) {
    // The health route is served apart (see start()): Bolt's server for custom routes takes no host and tells no port.
    const receiver = new SocketModeReceiver({ appToken: settings.appToken, logger: boltLog, installerOptions: { clientOptions: webClientOptions(settings) } });
    return {
      receiver,
      readiness: new Readiness(new SocketModeConnection(receiver.client, logger), probe),
      // Bolt's stop() starts the WebSocket's closing handshake without waiting for it to finish.
      released: () => new Promise((resolve) => receiver.client.once('disconnected', () => resolve())),
    };
  }
  const readiness = new Readiness(httpConnection, probe);
  const receiver = new HTTPReceiver({
    signingSecret: settings.signingSecret!,
    endpoints: '/slack/events',
    customRoutes: [healthRoute(readiness)],
    logger: boltLog,
    // Acknowledge as soon as a listener calls ack(); the slow part runs afterwards.
    processBeforeResponse: false,
  });
  // Bolt's stop() resolves once the server has closed.
  return { receiver, readiness, released: () => Promise.resolve() };
}

/** Why start-up failed, as one line naming the setting at fault. */
function startupError(err: unknown, settings: SlackSettings): ConfigError {
  const code = slackErrorCode(err);
  if (code && TOKEN_ERRORS.has(code)) return new ConfigError(`SLACK_BOT_TOKEN: Slack rejected the token (${code})`);
  if (code) return new ConfigError(`SLACK_BOT_TOKEN: auth.test failed (${code})`);
  const reason = (err as Error)?.message ?? String(err);
  return new ConfigError(`SLACK_API_URL: cannot reach ${settings.apiUrl}: ${reason}`);
}

/** The Slack app: `/ftr` commands, the Re-scan button and the App Home, wired to the given services. */
export function createSlackApp(deps: SlackAppDeps): SlackApp {
  const { env: settings, config, scans, store, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const commands = deps.commands ?? slashCommands;
  const boltLog = boltLogger(logger);
  const { receiver, readiness, released } = createReceiver(settings, boltLog, logger, new StoreProbe(store, logger));
  let healthServer: Server | undefined;
  const app = new App({
    token: settings.botToken,
    receiver,
    logger: boltLog,
    clientOptions: webClientOptions(settings),
    // auth.test runs in start(), so a bad token stops start-up instead of failing the first request.
    deferInitialization: true,
    convoStore: false,
  });
  const client = app.client;
  const shutdown = new AbortController();
  // Every scan follower listens for shutdown; there may be many at once.
  setMaxListeners(0, shutdown.signal);
  const inFlight = new InFlight(logger);
  const roles = new Roles({ admins: config.roles.admins, responders: config.roles.responders, cacheMs: config.roles.groupCacheMinutes * 60_000, client, logger });
  const authorization = new Authorization({ roles, allowEveryone: config.roles.allowEveryone });
  const channels = new ChannelPolicy({ client, publicChannels: config.slack.publicChannels, logger });
  const checks = deps.checks ?? catalog;
  const summaries: CommandSummary[] = commands.map(({ name, usage, summary, requires }) => ({ name, usage, summary, requires }));
  const services: SlackServices = {
    config,
    scans,
    roles,
    authorization,
    renders: new RenderCache(),
    runbooks: loadRunbooks(),
    checks,
    commands: summaries,
    now,
    logger,
    shutdown: shutdown.signal,
    store,
    client,
    channels,
    decisions: deps.decisions ?? new DecisionLog({ store, requirements: requirements(), checks, now }),
    drills: deps.drills,
  };

  app.command('/ftr', async ({ command, ack }) => {
    await ack();
    const conversation = new SlashCommandConversation(client, command.channel_id, command.response_url, logger, {
      inChannel: channels.isPublic(command.channel_id),
      share: shareValue(command.text, commands),
    });
    await inFlight.run('/ftr', () =>
      routeCommand({
        text: command.text,
        commands,
        context: {
          userId: command.user_id,
          channelId: command.channel_id,
          may: (action) => authorization.authorize(command.user_id, action),
          responseUrl: command.response_url,
          triggerId: command.trigger_id,
          conversation,
          services,
        },
      }),
    );
  });

  app.action<BlockAction>(RESCAN_ACTION_ID, async ({ ack, body }) => {
    await ack();
    await inFlight.run(RESCAN_ACTION_ID, () => rescan({ body, client, services }));
  });

  app.event('app_home_opened', async ({ event }) => {
    if (event.tab !== 'home') return;
    await inFlight.run('app_home_opened', () => showHome({ client, services, userId: event.user, hash: (event.view as { hash?: string } | undefined)?.hash }));
  });

  app.error(async (err) => {
    logger.error({ err }, 'Slack request failed');
  });

  const slackApp: SlackApp = {
    app,
    services,
    track: (what, work) => inFlight.run(what, work),
    async start(options = {}) {
      try {
        await app.init();
      } catch (err) {
        throw startupError(err, settings);
      }
      if (authorization.adminsMissing) logger.warn('roles.admins is empty: nobody may start scans, drills, attestations or exceptions on demand; name admins in FTR_CONFIG (or set roles.allowEveryone)');
      if (settings.appToken) {
        // Listening first: while the connection is being made, /healthz says so.
        const health = await serveHealth(readiness, settings.port, options.host);
        healthServer = health.server;
        try {
          await app.start();
        } catch (err) {
          healthServer.close();
          throw err;
        }
        logger.info({ mode: 'socket', healthPort: health.port }, 'Slack app started');
        return { port: health.port };
      }
      const server = await app.start({ port: settings.port, host: options.host });
      const port = (server.address() as AddressInfo).port;
      logger.info({ mode: 'http', port }, 'Slack app listening');
      return { port };
    },
    async stop(graceMs = SHUTDOWN_GRACE_MS) {
      const deadline = Date.now() + graceMs;
      logger.info({ inFlight: inFlight.size }, 'shutting down: no new requests');
      healthServer?.close();
      const receiverReleased = released();
      await withTimeout(
        Promise.all([app.stop().catch((err: unknown) => logger.warn({ err }, 'stopping the receiver failed')), receiverReleased]),
        RECEIVER_STOP_MS,
      );
      const finished = await inFlight.drain(deadline - Date.now() - INTERRUPT_NOTICE_MS);
      if (!finished) {
        logger.warn({ inFlight: inFlight.size }, 'in-flight work did not finish in time; interrupting it');
        shutdown.abort();
        await inFlight.drain(deadline - Date.now());
      }
      logger.info('Slack app stopped');
    },
  };
  registerShare(slackApp, { commands, channels });
  registerCheckPages(slackApp);
  registerStatusActions(slackApp);
  registerDecisionModals(slackApp);
  return slackApp;
}
