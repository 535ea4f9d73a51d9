import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Store } from '../store';
import type { Logger } from './logger';

/** How the app hears from Slack: over its own Socket Mode connection, or by Slack's HTTP requests. */
export interface SlackCheck {
  ok: boolean;
  mode: 'socket' | 'http';
  /** Socket Mode: the connection's state, and since when (ISO-8601). */
  state?: SocketModeState;
  since?: string;
}

export interface StoreCheck {
  ok: boolean;
  /** How long the store took to answer. */
  latencyMs?: number;
  /** Why it did not: `timeout`, or the error's name (details go to the log, not to an unauthenticated route). */
  error?: string;
  /** ISO-8601; results are reused for a few seconds. */
  checkedAt: string;
}

export interface HealthReport {
  ok: boolean;
  /** Present when not ok: what is wrong, in one line. */
  reason?: string;
  checks: { slack: SlackCheck; store: StoreCheck };
}

export interface SlackConnection {
  check(): SlackCheck;
}

/** HTTP mode: Slack reaches the app when the app's port answers, which answering this check shows. */
export const httpConnection: SlackConnection = { check: () => ({ ok: true, mode: 'http' }) };

/**
 * The lifecycle states a Socket Mode client emits as events (the @slack/socket-mode README), and
 * `closed`: the client's `close` event, the only one between its socket dropping and `reconnecting`
 * (which comes after a back-off of several seconds).
 */
export type SocketModeState = 'connecting' | 'connected' | 'disconnecting' | 'reconnecting' | 'disconnected' | 'closed';
const SOCKET_MODE_EVENTS: Record<string, SocketModeState> = {
  connecting: 'connecting',
  connected: 'connected',
  disconnecting: 'disconnecting',
  reconnecting: 'reconnecting',
  disconnected: 'disconnected',
  close: 'closed',
};
/** WebSocket readyState OPEN. */
const WEBSOCKET_OPEN = 1;

/** What the health check needs of @slack/socket-mode's SocketModeClient (Bolt's `SocketModeReceiver.client`). */
export interface SocketModeClientLike {
  on(event: string, listener: () => void): unknown;
  websocket?: { readyState?: number };
}

/**
 * Follows a Socket Mode client: ready once Slack's `hello` made it `connected` and while its
 * socket is open (checked too, in case a drop is reported by an event this does not follow).
 */
export class SocketModeConnection implements SlackConnection {
  private state: SocketModeState = 'connecting';
  private since: Date;
  private connectedBefore = false;

  constructor(
    private readonly client: SocketModeClientLike,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {
    this.since = now();
    for (const [event, state] of Object.entries(SOCKET_MODE_EVENTS)) client.on(event, () => this.enter(state));
  }

  check(): SlackCheck {
    const open = this.client.websocket?.readyState === WEBSOCKET_OPEN;
    const state = this.state === 'connected' && !open ? 'closed' : this.state;
    return { ok: state === 'connected', mode: 'socket', state, since: this.since.toISOString() };
  }

  private enter(state: SocketModeState): void {
    if (state === this.state) return;
    // `disconnecting` is the app's own stop.
    if (this.state === 'connected' && state !== 'disconnecting') this.logger.warn({ state }, 'Slack Socket Mode connection lost');
    if (state === 'connected' && this.connectedBefore) this.logger.info('Slack Socket Mode connection restored');
    if (state === 'connected') this.connectedBefore = true;
    this.state = state;
    this.since = this.now();
  }
}

/** The key read to see that the store answers; nothing writes it. */
const PROBE_KEY = 'health';

/** A read's outcome: `ok`, or why not (the error itself for the log). */
type ReadOutcome = { ok: true } | { ok: false; error: string; err?: unknown };

/**
 * Whether the store answers: one cheap read with a deadline. Its result is reused for `cacheMs`
 * so that a load balancer's probes do not turn into a stream of reads, and a read still
 * outstanding is never doubled by the next probe.
 */
export class StoreProbe {
  readonly timeoutMs: number;
  private readonly cacheMs: number;
  private readonly now: () => number;
  private last?: { at: number; check: StoreCheck };
  private probing?: Promise<StoreCheck>;
  private outstanding = false;

  constructor(
    private readonly store: Pick<Store, 'get'>,
    private readonly logger: Logger,
    options: { timeoutMs?: number; cacheMs?: number; now?: () => number } = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? 2_000;
    this.cacheMs = options.cacheMs ?? 5_000;
    this.now = options.now ?? Date.now;
  }

  check(): Promise<StoreCheck> {
    if (this.last && this.now() - this.last.at < this.cacheMs) return Promise.resolve(this.last.check);
    this.probing ??= this.probe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private async probe(): Promise<StoreCheck> {
    const started = this.now();
    const outcome: ReadOutcome = this.outstanding ? { ok: false, error: 'timeout' } : await this.read();
    const at = this.now();
    const checkedAt = new Date(at).toISOString();
    const check: StoreCheck = outcome.ok ? { ok: true, latencyMs: at - started, checkedAt } : { ok: false, error: outcome.error, checkedAt };
    // Changes are logged, not every probe.
    if (!outcome.ok && this.last?.check.ok !== false) this.logger.warn({ err: outcome.err, error: outcome.error }, 'the store does not answer: not ready');
    if (outcome.ok && this.last?.check.ok === false) this.logger.info('the store answers again');
    this.last = { at, check };
    return check;
  }

  private read(): Promise<ReadOutcome> {
    this.outstanding = true;
    const read = this.store.get(PROBE_KEY).then(
      (): ReadOutcome => ({ ok: true }),
      (err: unknown): ReadOutcome => ({ ok: false, error: (err as Error)?.name || 'error', err }),
    );
    void read.finally(() => (this.outstanding = false));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<ReadOutcome>((resolve) => (timer = setTimeout(() => resolve({ ok: false, error: 'timeout' }), this.timeoutMs)));
    return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
  }
}

/** Readiness: Slack can reach the app and the store answers. */
export class Readiness {
  constructor(
    private readonly slack: SlackConnection,
    private readonly store: StoreProbe,
  ) {}

  async report(): Promise<HealthReport> {
    const checks = { slack: this.slack.check(), store: await this.store.check() };
    const reasons: string[] = [];
    if (!checks.slack.ok) reasons.push(`Slack Socket Mode connection is ${checks.slack.state}`);
    if (!checks.store.ok) {
      reasons.push(checks.store.error === 'timeout' ? `store did not answer within ${this.store.timeoutMs} ms` : `store read failed (${checks.store.error})`);
    }
    return reasons.length === 0 ? { ok: true, checks } : { ok: false, reason: reasons.join('; '), checks };
  }
}

/** GET /healthz: 200 with the checks when ready, else 503 with the reason. Never throws. */
export function healthHandler(readiness: Readiness): (req: IncomingMessage, res: ServerResponse) => void {
  return (_req, res) => {
    readiness
      .report()
      .catch((err: unknown): Pick<HealthReport, 'ok' | 'reason'> => ({ ok: false, reason: `health check failed (${(err as Error)?.name ?? 'error'})` }))
      .then((report) => {
        res.writeHead(report.ok ? 200 : 503, { 'content-type': 'application/json', 'cache-control': 'no-store' });
        res.end(JSON.stringify(report));
      })
      .catch(() => res.destroy());
  };
}

/** Socket Mode has no HTTP receiver: the health route gets a server of its own. */
export async function serveHealth(readiness: Readiness, port: number, host?: string): Promise<{ server: Server; port: number }> {
  const handle = healthHandler(readiness);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (req.method === 'GET' && path === '/healthz') return handle(req, res);
    res.writeHead(404);
    res.end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return { server, port: (server.address() as AddressInfo).port };
}
