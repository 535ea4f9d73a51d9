import { loadAppConfig } from '../config/load';
import { openStore } from '../store';
import { createSlackApp, SHUTDOWN_GRACE_MS } from './app';
import { createLogger } from './logger';
import { ambientAccountScanner, ScanService } from './scanService';
import { secretsOf, slackSettingsFromEnv } from './settings';

/**
 * `ftr serve`: the Slack app, configured from the environment. Resolves to the exit code once a
 * SIGTERM or SIGINT has been handled (new requests refused, in-flight work finished or
 * interrupted within the grace period). Configuration errors throw ConfigError (one line).
 */
export async function serve(env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const settings = slackSettingsFromEnv(env);
  const config = loadAppConfig(env);
  const logger = createLogger({ level: settings.logLevel, secrets: secretsOf(settings) });
  const store = openStore(settings.storeUrl);
  const now = () => new Date();
  const scans = new ScanService({ scanner: ambientAccountScanner({ config, regions: settings.regions, env }), store, now, logger });
  const slack = createSlackApp({ env: settings, config, scans, store, logger, now });
  try {
    await slack.start();
  } catch (err) {
    await store.close();
    throw err;
  }
  const signal = await new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGTERM', () => resolve('SIGTERM'));
    process.once('SIGINT', () => resolve('SIGINT'));
  });
  logger.info({ signal }, 'signal received');
  await slack.stop(SHUTDOWN_GRACE_MS);
  logger.flush();
  return 0;
}
