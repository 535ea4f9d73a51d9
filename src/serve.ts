import { defaultHomeRegion } from './aws/account';
import { createAlertPipeline } from './alerts';
import { loadAppConfig } from './config/load';
import { createSlackApp, SHUTDOWN_GRACE_MS } from './slack/app';
import { createLogger } from './slack/logger';
import { ambientAccountScanner, ScanService } from './slack/scanService';
import { secretsOf, slackSettingsFromEnv } from './slack/settings';
import { openStoreAsync } from './store';

/**
 * `ftr serve`: the Slack app and, when `ALERT_QUEUE_URL` is set, the alert consumer, configured
 * from the environment. Resolves to the exit code once a SIGTERM or SIGINT has been handled (new
 * requests and messages refused, work in hand finished or handed back within the grace period).
 * Configuration errors throw ConfigError (one line).
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const settings = slackSettingsFromEnv(env);
  const config = loadAppConfig(env);
  const logger = createLogger({ level: settings.logLevel, secrets: secretsOf(settings) });
  const store = await openStoreAsync(settings.storeUrl);
  const now = () => new Date();
  const scans = new ScanService({ scanner: ambientAccountScanner({ config, regions: settings.regions, env }), store, now, logger });
  const alerts = settings.alertQueueUrl
    ? createAlertPipeline({ queueUrl: settings.alertQueueUrl, settings, config, store, logger, accountId: () => scans.accountId(), homeRegion: defaultHomeRegion(env), env, now })
    : undefined;
  const slack = createSlackApp({ env: settings, config, scans, store, logger, now, drills: alerts?.drills });
  alerts?.attach(slack);
  try {
    await slack.start();
    await alerts?.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  if (!alerts) logger.info('ALERT_QUEUE_URL is not set: no alert consumer');
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'signal received');
  await Promise.all([alerts?.stop(), slack.stop(SHUTDOWN_GRACE_MS)]);
  await store.close();
  logger.info('shut down');
  logger.flush();
  return 0;
}
