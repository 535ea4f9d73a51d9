import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAppConfig } from '../../src/config/load';
import { createSlackApp } from '../../src/slack/app';
import { createLogger } from '../../src/slack/logger';
import { ScanService } from '../../src/engine/scanService';
import { slackSettingsFromEnv } from '../../src/slack/settings';
import { SqliteStore } from '../../src/store';
import { SlackApiStandIn } from '../support/slackApi';
import { ADMIN, BOT_TOKEN, SIGNING_SECRET, scriptedScanner, startSlackHarness } from '../support/slackHarness';
import { postSigned, slashCommand } from '../support/slackRequests';
import { freePort, serveEnv, spawnServe, waitForHealthy } from '../support/slackServe';
import { smallReport } from './fixtures';

describe('start-up', () => {
  let api: SlackApiStandIn;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
  });
  afterAll(() => api.close());

  async function start(env: Record<string, string>) {
    const settings = slackSettingsFromEnv({ SLACK_SIGNING_SECRET: SIGNING_SECRET, PORT: '0', ...env });
    const logger = createLogger({ level: 'fatal' });
    const store = new SqliteStore(':memory:');
    const config = parseAppConfig({});
    const scans = new ScanService({ scanner: scriptedScanner({ report: () => smallReport() }), store, now: () => new Date(), logger });
    const slack = createSlackApp({ env: settings, config, scans, store, logger });
    await slack.start({ host: '127.0.0.1' });
    return slack;
  }

  test('a token Slack rejects stops start-up with one line naming SLACK_BOT_TOKEN, without the token', async () => {
    const wrong = 'xoxb-0000-9999-wrongtoken';
    const failure = start({ SLACK_BOT_TOKEN: wrong, SLACK_API_URL: api.url });
    await expect(failure).rejects.toThrow(/^SLACK_BOT_TOKEN: Slack rejected the token \(invalid_auth\)$/);
    await failure.catch((err) => expect(String(err.message)).not.toContain(wrong));
  });

  test('an unreachable Web API stops start-up with one line naming SLACK_API_URL', async () => {
    const port = await freePort();
    await expect(start({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `http://127.0.0.1:${port}/api/` })).rejects.toThrow(/^SLACK_API_URL: cannot reach/);
  }, 60_000);
});

test('stop(): no new requests, in-flight work finishes; the store stays open for its owner (ftr serve) to close', async () => {
  const h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport() }) });
  h.api.delay('chat.postMessage', 800);
  await h.command('explain FTR-7.1');
  await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1, 5000, 'the post to start');
  const stopping = h.slack.stop(10_000);
  await new Promise((r) => setTimeout(r, 100));
  await expect(h.command('help')).rejects.toThrow();
  await stopping;
  // The delayed post completed before stop() resolved.
  expect(h.api.messages.get('C0GENERAL')?.size).toBe(1);
  await expect(h.store.lastScan('123456789012')).resolves.toBeUndefined();
  await h.stop();
});

test('stop() past its grace period interrupts a scan follower, which says so in the message', async () => {
  const h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport(), steps: 100, stepMs: 100 }) });
  await h.command('status');
  await h.api.waitFor(() => h.api.callsTo('chat.postMessage').length === 1, 5000, 'the progress message');
  await h.slack.stop(3_500);
  const message = [...h.api.messages.get('C0GENERAL')!.values()][0];
  expect(message.text).toMatch(/^Could not scan/);
  expect(JSON.stringify(message.blocks)).toContain('ftr-bot is restarting');
  await h.api.close();
});

describe('ftr serve as a process', () => {
  let api: SlackApiStandIn;
  let dir: string;
  beforeAll(async () => {
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'ftr-serve-'));
    writeFileSync(join(dir, 'ftr.yml'), `roles:\n  admins: [${ADMIN}]\nslack:\n  publicChannels: [C0GENERAL]\n`);
  });
  afterAll(async () => {
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  function env(port: number): Record<string, string> {
    return serveEnv({ apiUrl: api.url, port, dir, botToken: BOT_TOKEN, signingSecret: SIGNING_SECRET });
  }

  test('SIGTERM: in-flight work finishes, new requests are refused, the process exits 0', async () => {
    const port = await freePort();
    const serve = spawnServe(env(port));
    const baseUrl = `http://127.0.0.1:${port}`;
    try {
      await waitForHealthy(baseUrl, serve);
      api.delay('chat.postMessage', 1500);
      const ack = await postSigned(`${baseUrl}/slack/events`, slashCommand({ text: 'explain FTR-7.1', responseUrl: api.responseUrl() }), { secret: SIGNING_SECRET });
      expect(ack.status).toBe(200);
      await api.waitFor(() => api.callsTo('chat.postMessage').length === 1, 5000, 'the post to start');
      const signalled = Date.now();
      serve.child.kill('SIGTERM');
      const { code, signal, at } = await serve.exited;
      expect({ code, signal }).toEqual({ code: 0, signal: null });
      expect(at - signalled).toBeLessThan(25_000);
      // The post that was in flight when the signal came was answered, not cut off.
      expect(api.messages.get('C0GENERAL')?.size).toBe(1);
      await expect(fetch(`${baseUrl}/healthz`)).rejects.toThrow();
      expect(serve.stdout()).not.toContain(BOT_TOKEN);
      expect(serve.stdout()).not.toContain(SIGNING_SECRET);
    } finally {
      serve.child.kill('SIGKILL');
    }
  }, 60_000);

  test('a missing setting stops start-up with one line naming it, exit 1, no stack', async () => {
    const { SLACK_BOT_TOKEN: _omitted, ...rest } = env(await freePort());
    const serve = spawnServe(rest);
    const { code } = await serve.exited;
    expect(code).toBe(1);
    expect(serve.stderr()).toMatch(/^ftr: SLACK_BOT_TOKEN: missing; [^\n]*\n$/);
  }, 60_000);
});
