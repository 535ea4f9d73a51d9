import { LogLevel, type Logger as BoltLogger } from '@slack/bolt';
import pino, { type DestinationStream, type Logger } from 'pino';
import type { LogLevel as Level } from './settings';

export type { Logger } from 'pino';

const REDACTED = '[redacted]';
/** Slack tokens of every kind, even ones the bot was not configured with (e.g. in an error from a library). */
const SLACK_TOKEN = /\b(?:xox[abposer]|xapp)-[A-Za-z0-9-]+/g;
const MAX_DEPTH = 6;
const TRUNCATED = '[truncated]';

/** Replaces each secret and anything shaped like a Slack token in a string. */
function scrubText(text: string, secrets: readonly string[]): string {
  let out = text.replace(SLACK_TOKEN, REDACTED);
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(REDACTED);
  return out;
}

function isError(value: object): value is Error {
  // Errors from another realm (a native module, a test sandbox) fail instanceof but have a stack.
  return value instanceof Error || (typeof (value as Error).message === 'string' && typeof (value as Error).stack === 'string');
}

/**
 * An error as a plain object. Its `data` is kept: a Slack Web API error carries Slack's answer
 * there, and `response_metadata.messages` is the only detail Slack gives for e.g. invalid_blocks.
 * Nothing else is kept: request errors hold the request, bearer token included.
 */
function errorFields(err: Error): Record<string, unknown> {
  const { code, data } = err as { code?: unknown; data?: unknown };
  return { type: err.name, message: err.message, stack: err.stack, ...(code !== undefined ? { code } : {}), ...(data !== undefined ? { data } : {}) };
}

/** A copy of a log argument with secrets removed from every string in it (errors become plain objects). */
function scrub(value: unknown, secrets: readonly string[], depth = 0): unknown {
  if (typeof value === 'string') return scrubText(value, secrets);
  if (value === null || typeof value !== 'object') return value;
  // Deeper than this is not read, so it is not written either: it could hold anything.
  if (depth > MAX_DEPTH) return TRUNCATED;
  if (Array.isArray(value)) return value.map((v) => scrub(v, secrets, depth + 1));
  const copy = (fields: object) => Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, scrub(v, secrets, depth + 1)]));
  // Without a prototype, pino's `err` serializer keeps `type` instead of naming the constructor (Object).
  if (isError(value)) return Object.assign(Object.create(null), copy(errorFields(value)));
  return copy(value);
}

/**
 * The process logger: JSON lines (pino). Secrets are scrubbed from every argument, known secret
 * fields are redacted by path as a second line of defence.
 */
export function createLogger(options: { level?: Level; secrets?: readonly string[]; destination?: DestinationStream } = {}): Logger {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  return pino(
    {
      level: options.level ?? 'info',
      base: { name: 'ftr-bot' },
      redact: {
        paths: ['token', '*.token', 'headers.authorization', '*.headers.authorization', '*.headers.Authorization', 'signingSecret', 'appToken', 'botToken'],
        censor: REDACTED,
      },
      hooks: {
        logMethod(args, method) {
          method.apply(this, args.map((a) => scrub(a, secrets)) as Parameters<typeof method>);
        },
      },
    },
    options.destination ?? pino.destination({ dest: 1, sync: false }),
  );
}

function describe(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return `${part.name}: ${part.message}`;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}

const BOLT_LEVELS: Record<string, LogLevel> = { debug: LogLevel.DEBUG, trace: LogLevel.DEBUG, info: LogLevel.INFO, warn: LogLevel.WARN };

/** Bolt's and the Web API client's logger interface, writing through the process logger. */
export function boltLogger(logger: Logger): BoltLogger {
  const child = logger.child({ component: 'slack' });
  const line = (msg: unknown[]) => msg.map(describe).join(' ');
  return {
    debug: (...msg) => child.debug(line(msg)),
    info: (...msg) => child.info(line(msg)),
    warn: (...msg) => child.warn(line(msg)),
    error: (...msg) => child.error(line(msg)),
    // The level is the process logger's; Bolt's own setting must not override it.
    setLevel: () => undefined,
    getLevel: () => BOLT_LEVELS[child.level] ?? LogLevel.ERROR,
    setName: () => undefined,
  };
}
