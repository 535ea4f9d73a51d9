/**
 * The app in Socket Mode against a local Socket Mode stand-in: it connects with the app-level
 * token, acknowledges a slash command over the WebSocket and answers on response_url, reports
 * not-ready while the socket is down, and reconnects by itself.
 */
import { parseAppConfig } from '../../src/config/load';
import { ScanService } from '../../src/engine/scanService';
import { createSlackApp, type SlackApp } from '../../src/slack/app';
import { createLogger } from '../../src/slack/logger';
import { slackSettingsFromEnv } from '../../src/slack/settings';
import { SqliteStore } from '../../src/store';
import { SlackApiStandIn } from '../support/slackApi';
import { ADMIN, BOT_TOKEN, scriptedScanner } from '../support/slackHarness';
import { SocketModeStandIn } from '../support/socketModeStandIn';
import { smallReport } from './fixtures';

const APP_TOKEN = 'xapp-1-A0TEST-1234567890-socketmodetesttoken0000';
/** Slack's deadline for acknowledging an envelope. */
const ACK_DEADLINE_MS = 3_000;

let api: SlackApiStandIn;
let socketMode: SocketModeStandIn;
let store: SqliteStore;
let slack: SlackApp;
let healthUrl: string;
const logs: string[] = [];

beforeAll(async () => {
  api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  socketMode = await SocketModeStandIn.start({ api, appToken: APP_TOKEN });
  const settings = slackSettingsFromEnv({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_APP_TOKEN: APP_TOKEN, SLACK_API_URL: api.url, PORT: '0', LOG_LEVEL: 'debug' });
  const logger = createLogger({ level: 'debug', secrets: [BOT_TOKEN, APP_TOKEN], destination: { write: (line: string) => void logs.push(line) } });
  store = new SqliteStore(':memory:');
  const scans = new ScanService({ scanner: scriptedScanner({ report: () => smallReport() }), store, now: () => new Date(), logger });
  slack = createSlackApp({ env: settings, config: parseAppConfig({ roles: { admins: [ADMIN] } }), scans, store, logger });
  const { port } = await slack.start({ host: '127.0.0.1' });
  healthUrl = `http://127.0.0.1:${port}/healthz`;
});

afterAll(async () => {
  await slack?.stop(5_000);
  await store?.close();
  await socketMode?.close();
  await api?.close();
});

async function health(): Promise<{ status: number; body: any }> {
  const res = await fetch(healthUrl);
  return { status: res.status, body: await res.json() };
}

/** Polls /healthz until `done` holds. */
async function healthUntil(done: (h: { status: number; body: any }) => boolean, what: string, timeoutMs = 20_000): Promise<{ status: number; body: any }> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health();
    if (done(h)) return h;
    if (Date.now() > deadline) throw new Error(`timed out waiting for /healthz: ${what} (last: ${h.status} ${JSON.stringify(h.body)})`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** `/ftr help` over the socket: acknowledged in time, answered on its response_url. */
async function helpWorks(responseId: string): Promise<void> {
  const envelopeId = socketMode.slashCommand({ text: 'help', userId: ADMIN, responseUrl: api.responseUrl(responseId) });
  const sent = socketMode.sent.find((s) => s.envelopeId === envelopeId)!;
  const ack = await api.waitFor(() => socketMode.ackOf(envelopeId), ACK_DEADLINE_MS, `the ack of ${envelopeId}`);
  expect(ack.at - sent.at).toBeLessThan(ACK_DEADLINE_MS);
  expect(ack.connection).toBe(sent.connection);
  const answer = await api.waitFor(() => api.responseUrlPosts.find((p) => p.id === responseId), 5_000, `the answer on ${responseId}`);
  expect(answer.body.response_type).toBe('ephemeral');
  expect(JSON.stringify(answer.body.blocks)).toContain('/ftr status');
}

test('start() opens the connection with the app-level token and waits for hello', async () => {
  const opens = api.callsTo('apps.connections.open');
  expect(opens).toHaveLength(1);
  expect(opens[0]).toMatchObject({ token: APP_TOKEN, outcome: 'ok' });
  expect(socketMode.helloCount).toBe(1);
  // The bot token is checked with auth.test; the app token never goes to other methods.
  expect(api.calls.filter((c) => c.method !== 'apps.connections.open').every((c) => c.token === BOT_TOKEN)).toBe(true);
});

test('ready while connected: /healthz answers 200 with the checks', async () => {
  const { status, body } = await health();
  expect(status).toBe(200);
  expect(body).toEqual({
    ok: true,
    checks: {
      slack: { ok: true, mode: 'socket', state: 'connected', since: expect.any(String) },
      store: { ok: true, latencyMs: expect.any(Number), checkedAt: expect.any(String) },
    },
  });
});

test('a slash command over the socket is acknowledged within 3 s and answered on its response_url', async () => {
  await helpWorks('sm-1');
  expect(socketMode.unexpected).toEqual([]);
});

test('the socket drops: not ready with a reason; the app reconnects by itself and works again', async () => {
  socketMode.drop();
  const down = await healthUntil((h) => h.status === 503, 'not ready');
  expect(down.body).toMatchObject({
    ok: false,
    reason: expect.stringMatching(/^Slack Socket Mode connection is (closed|reconnecting|connecting)$/),
    checks: { slack: { ok: false, mode: 'socket' }, store: { ok: true } },
  });

  // A new apps.connections.open, a new WebSocket, a new hello.
  await api.waitFor(() => socketMode.helloCount === 2, 20_000, 'the second hello');
  expect(api.callsTo('apps.connections.open')).toHaveLength(2);
  const up = await healthUntil((h) => h.status === 200, 'ready again');
  expect(up.body.checks.slack).toMatchObject({ ok: true, state: 'connected' });

  await helpWorks('sm-2');
  expect(socketMode.ackOf(socketMode.sent.at(-1)!.envelopeId)!.connection).toBe(2);
}, 40_000);

test('no token reaches the logs', () => {
  const text = logs.join('\n');
  expect(text).toContain('Slack Socket Mode connection lost');
  expect(text).not.toContain(APP_TOKEN);
  expect(text).not.toContain(BOT_TOKEN);
});
