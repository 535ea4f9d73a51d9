import { EventEmitter } from 'node:events';
import { Readiness, SocketModeConnection, StoreProbe, httpConnection, type SocketModeClientLike } from '../../src/slack/health';
import { createLogger } from '../../src/slack/logger';
import { scriptedScanner, startSlackHarness } from '../support/slackHarness';
import { smallReport } from './fixtures';

function capturingLogger() {
  const lines: any[] = [];
  const logger = createLogger({ level: 'debug', destination: { write: (line: string) => void lines.push(JSON.parse(line)) } });
  return { logger, lines };
}

/** A store whose `get` the test answers: each call waits for `settle`. */
function scriptedStore() {
  const reads: { resolve: () => void; reject: (err: Error) => void }[] = [];
  return {
    reads,
    get: () => new Promise<undefined>((resolve, reject) => reads.push({ resolve: () => resolve(undefined), reject })),
  };
}

describe('/healthz in HTTP mode', () => {
  test('ready: 200 with the checks; Slack reaches the app over HTTP', async () => {
    const h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport() }) });
    try {
      const res = await fetch(`${h.baseUrl}/healthz`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('application/json');
      expect(await res.json()).toEqual({
        ok: true,
        checks: { slack: { ok: true, mode: 'http' }, store: { ok: true, latencyMs: expect.any(Number), checkedAt: expect.any(String) } },
      });
    } finally {
      await h.stop();
    }
  });

  test('a store that fails: 503 with the reason, the error name only (details go to the log)', async () => {
    const h = await startSlackHarness({ scanner: scriptedScanner({ report: () => smallReport() }) });
    try {
      await h.store.close();
      const res = await fetch(`${h.baseUrl}/healthz`);
      expect(res.status).toBe(503);
      const body = await res.json();
      expect(body).toEqual({
        ok: false,
        reason: 'store read failed (TypeError)',
        checks: { slack: { ok: true, mode: 'http' }, store: { ok: false, error: 'TypeError', checkedAt: expect.any(String) } },
      });
      const warning = h.logs.map((l) => JSON.parse(l)).find((l) => l.msg === 'the store does not answer: not ready');
      expect(warning.err).toMatchObject({ type: 'TypeError', message: expect.stringMatching(/not open/) });
    } finally {
      await h.stop();
    }
  });
});

describe('StoreProbe', () => {
  test('one read serves every probe for cacheMs, and concurrent probes share it', async () => {
    const store = scriptedStore();
    let now = 1_000_000;
    const probe = new StoreProbe(store, capturingLogger().logger, { cacheMs: 5_000, timeoutMs: 60_000, now: () => now });
    const first = [probe.check(), probe.check(), probe.check()];
    expect(store.reads).toHaveLength(1);
    now += 7;
    store.reads[0].resolve();
    for (const check of await Promise.all(first)) expect(check).toEqual({ ok: true, latencyMs: 7, checkedAt: new Date(now).toISOString() });
    now += 4_999;
    await probe.check();
    expect(store.reads).toHaveLength(1);
    now += 1;
    const again = probe.check();
    expect(store.reads).toHaveLength(2);
    store.reads[1].resolve();
    expect((await again).ok).toBe(true);
  });

  test('a read with no answer in time is a timeout; the next probe does not pile another read on it', async () => {
    const store = scriptedStore();
    const { logger, lines } = capturingLogger();
    let now = 0;
    const probe = new StoreProbe(store, logger, { cacheMs: 5_000, timeoutMs: 20, now: () => now });
    expect(await probe.check()).toMatchObject({ ok: false, error: 'timeout' });
    now += 5_000;
    expect(await probe.check()).toMatchObject({ ok: false, error: 'timeout' });
    expect(store.reads).toHaveLength(1);
    // The hung read ends; the next probe reads again.
    store.reads[0].resolve();
    await new Promise((r) => setImmediate(r));
    now += 5_000;
    const next = probe.check();
    expect(store.reads).toHaveLength(2);
    store.reads[1].resolve();
    expect(await next).toMatchObject({ ok: true });
    // Changes are logged once each, not every probe.
    expect(lines.map((l) => l.msg)).toEqual(['the store does not answer: not ready', 'the store answers again']);
  });

  test('Readiness gives every reason at once', async () => {
    const store = scriptedStore();
    const probe = new StoreProbe(store, capturingLogger().logger, { timeoutMs: 10 });
    const report = await new Readiness({ check: () => ({ ok: false, mode: 'socket', state: 'reconnecting', since: '2025-01-01T00:00:00.000Z' }) }, probe).report();
    expect(report).toEqual({
      ok: false,
      reason: 'Slack Socket Mode connection is reconnecting; store did not answer within 10 ms',
      checks: {
        slack: { ok: false, mode: 'socket', state: 'reconnecting', since: '2025-01-01T00:00:00.000Z' },
        store: { ok: false, error: 'timeout', checkedAt: expect.any(String) },
      },
    });
    expect(httpConnection.check()).toEqual({ ok: true, mode: 'http' });
  });
});

describe('SocketModeConnection', () => {
  function fakeClient() {
    const client = new EventEmitter() as EventEmitter & SocketModeClientLike;
    client.websocket = { readyState: 0 };
    return client;
  }

  test('ready only between hello (connected) and the socket closing', () => {
    const client = fakeClient();
    const { logger, lines } = capturingLogger();
    let now = new Date('2025-01-01T00:00:00Z');
    const connection = new SocketModeConnection(client, logger, () => now);
    expect(connection.check()).toEqual({ ok: false, mode: 'socket', state: 'connecting', since: '2025-01-01T00:00:00.000Z' });
    client.websocket = { readyState: 1 };
    now = new Date('2025-01-01T00:00:01Z');
    client.emit('connected');
    expect(connection.check()).toEqual({ ok: true, mode: 'socket', state: 'connected', since: '2025-01-01T00:00:01.000Z' });
    // The socket dropped; the client says `close` now and `reconnecting` after its back-off.
    client.websocket = undefined;
    client.emit('close');
    expect(connection.check()).toMatchObject({ ok: false, state: 'closed' });
    client.emit('reconnecting');
    client.emit('connecting');
    expect(connection.check()).toMatchObject({ ok: false, state: 'connecting' });
    client.websocket = { readyState: 1 };
    client.emit('connected');
    expect(connection.check()).toMatchObject({ ok: true, state: 'connected' });
    expect(lines.map((l) => l.msg)).toEqual(['Slack Socket Mode connection lost', 'Slack Socket Mode connection restored']);
  });

  test('a socket that is no longer open is not ready, whatever the last event said', () => {
    const client = fakeClient();
    const connection = new SocketModeConnection(client, capturingLogger().logger);
    client.websocket = { readyState: 1 };
    client.emit('connected');
    client.websocket = { readyState: 2 };
    expect(connection.check()).toMatchObject({ ok: false, state: 'closed' });
  });
});
