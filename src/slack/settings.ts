import { parseRegionList } from '../cli/scanCommand';
import { ScanSetupError } from '../engine/scanAccount';
import { ConfigError } from '../config/load';

/** What `ftr serve` reads from the environment (see the environment table in the interfaces). */
export interface SlackSettings {
  botToken: string;
  /** Present in HTTP mode (required there); Socket Mode does not sign requests. */
  signingSecret?: string;
  /** Present: Socket Mode. */
  appToken?: string;
  /** Web API base URL, always ending in `/`. */
  apiUrl: string;
  port: number;
  storeUrl?: string;
  /** The SQS queue EventBridge feeds with alert events; absent: no alert consumer. */
  alertQueueUrl?: string;
  regions?: string[];
  logLevel: LogLevel;
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api/';

function value(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const v = env[name]?.trim();
  return v ? v : undefined;
}

/** A token's shape, without ever echoing the token. */
function token(env: NodeJS.ProcessEnv, name: string, prefix: string, what: string, required: boolean): string | undefined {
  const v = value(env, name);
  if (v === undefined) {
    if (required) throw new ConfigError(`${name}: missing; set it to the ${what} (${prefix}…)`);
    return undefined;
  }
  if (!v.startsWith(prefix) || /\s/.test(v)) throw new ConfigError(`${name}: malformed; expected the ${what}, which starts with ${prefix}`);
  return v;
}

/** An http(s) URL setting; undefined when unset. */
function httpUrl(env: NodeJS.ProcessEnv, name: string, example: string): URL | undefined {
  const v = value(env, name);
  if (v === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(v);
  } catch {
    throw new ConfigError(`${name}: not a URL (e.g. ${example})`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new ConfigError(`${name}: must be an http or https URL`);
  return url;
}

/** 127.0.0.0/8, ::1 and localhost: traffic that never leaves the machine. */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function apiUrl(env: NodeJS.ProcessEnv): string {
  const url = httpUrl(env, 'SLACK_API_URL', 'https://slack.com/api/');
  if (url === undefined) return DEFAULT_SLACK_API_URL;
  if (url.username || url.password || url.search) throw new ConfigError('SLACK_API_URL: must not contain credentials or a query string');
  // Every call carries the bot token in a header.
  if (url.protocol !== 'https:' && !isLoopback(url.hostname)) throw new ConfigError('SLACK_API_URL: must be https (plain http only for a loopback address such as 127.0.0.1); the bot token would travel in clear text');
  // The Web API client appends method names to this base, so it must end in a slash.
  return url.href.endsWith('/') ? url.href : `${url.href}/`;
}

function port(env: NodeJS.ProcessEnv): number {
  const v = value(env, 'PORT');
  if (v === undefined) return 3000;
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new ConfigError(`PORT: "${v}" is not a port number (0-65535)`);
  return n;
}

function regions(env: NodeJS.ProcessEnv): string[] | undefined {
  const v = value(env, 'FTR_REGIONS');
  if (v === undefined) return undefined;
  try {
    return parseRegionList(v);
  } catch (err) {
    if (err instanceof ScanSetupError) throw new ConfigError(err.message.replace(/^--regions/, 'FTR_REGIONS'));
    throw err;
  }
}

function alertQueueUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = httpUrl(env, 'ALERT_QUEUE_URL', 'https://sqs.us-east-1.amazonaws.com/123456789012/ftr-alerts');
  if (url === undefined) return undefined;
  if (url.pathname.split('/').filter(Boolean).length < 2) throw new ConfigError('ALERT_QUEUE_URL: must name the queue (…/<account id>/<queue name>)');
  return url.href;
}

function logLevel(env: NodeJS.ProcessEnv): LogLevel {
  const v = value(env, 'LOG_LEVEL')?.toLowerCase() ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(v)) throw new ConfigError(`LOG_LEVEL: "${v}" is not one of ${LOG_LEVELS.join(', ')}`);
  return v as LogLevel;
}

/**
 * The Slack app's settings from the environment. A missing or malformed required setting throws
 * a ConfigError whose one-line message names it and says what is wrong (never its value).
 */
export function slackSettingsFromEnv(env: NodeJS.ProcessEnv = process.env): SlackSettings {
  const botToken = token(env, 'SLACK_BOT_TOKEN', 'xoxb-', 'bot token from OAuth & Permissions', true)!;
  const appToken = token(env, 'SLACK_APP_TOKEN', 'xapp-', 'app-level token with connections:write', false);
  const signingSecret = value(env, 'SLACK_SIGNING_SECRET');
  if (!appToken && signingSecret === undefined) {
    throw new ConfigError('SLACK_SIGNING_SECRET: missing; set it to the signing secret from Basic Information (or set SLACK_APP_TOKEN for Socket Mode)');
  }
  if (signingSecret !== undefined && !/^[A-Za-z0-9]{16,}$/.test(signingSecret)) {
    throw new ConfigError('SLACK_SIGNING_SECRET: malformed; expected the hexadecimal signing secret from Basic Information');
  }
  return {
    botToken,
    signingSecret,
    appToken,
    apiUrl: apiUrl(env),
    port: port(env),
    storeUrl: value(env, 'STORE_URL'),
    alertQueueUrl: alertQueueUrl(env),
    regions: regions(env),
    logLevel: logLevel(env),
  };
}

/** Every secret among the settings, so that the logger can scrub them from any text. */
export function secretsOf(settings: SlackSettings): string[] {
  return [settings.botToken, settings.signingSecret, settings.appToken].filter((s): s is string => Boolean(s));
}
