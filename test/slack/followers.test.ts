import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ScanProgress, ScanReport } from '../../src/engine/scan';
import type { AccountScanner, RunningScan, ScanProgressView } from '../../src/engine/scanService';
import { ScanFollowers, ShuttingDownError, type EditMethod, type ScanOutcome } from '../../src/slack/followScan';
import { createLogger } from '../../src/slack/logger';
import { SqliteStore } from '../../src/store';
import { FakeClock } from '../support/fakeClock';
import { SLACK_TIER_PER_MINUTE, SlackApiStandIn, type RecordedCall } from '../support/slackApi';
import { ADMIN, BOT_TOKEN, PUBLIC_CHANNELS, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { appHomeOpened } from '../support/slackRequests';
import { ACCOUNT, smallReport } from './fixtures';

/** The most calls in any 60 s window. */
function peakPerMinute(times: readonly number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  let peak = 0;
  let first = 0;
  sorted.forEach((at, i) => {
    while (at - sorted[first] >= 60_000) first += 1;
    peak = Math.max(peak, i - first + 1);
  });
  return peak;
}

describe('ScanFollowers (one timer per scan, driven by a fake clock)', () => {
  const start = new Date('2024-05-15T10:00:00Z');
  let clock: FakeClock;
  let view: ScanProgressView;
  let settle: { resolve: (report: ScanReport) => void; reject: (err: unknown) => void };
  let scan: RunningScan;
  let shutdown: AbortController;
  let logs: string[];

  const flush = async () => {
    for (let i = 0; i < 20; i += 1) await new Promise((r) => setImmediate(r));
  };
  const followers = () =>
    new ScanFollowers(scan, {
      baseIntervalMs: 2_000,
      shutdown: shutdown.signal,
      logger: createLogger({ level: 'debug', destination: { write: (line: string) => void logs.push(line) } }),
      sleep: (ms, signal) => clock.sleepUntil(new Date(clock.now().getTime() + ms), signal ?? new AbortController().signal),
      now: () => clock.now().getTime(),
    });

  beforeEach(() => {
    clock = new FakeClock(start);
    view = { done: 0, total: 1000, startedAt: start };
    const result = new Promise<ScanReport>((resolve, reject) => (settle = { resolve, reject }));
    result.catch(() => undefined);
    scan = { accountId: ACCOUNT, progress: () => view, subscribe: () => () => undefined, result };
    shutdown = new AbortController();
    logs = [];
  });

  /** Lets `ms` pass, 100 ms at a time. */
  async function pass(ms: number): Promise<void> {
    for (let t = 0; t < ms; t += 100) {
      clock.advanceBy(100);
      await flush();
    }
  }

  /** Moves the scan one step a second for `seconds`. */
  async function run(seconds: number): Promise<void> {
    for (let s = 0; s < seconds; s += 1) {
      view = { ...view, done: view.done + 1 };
      await pass(1_000);
    }
  }

  test('many messages and Home tabs: edits per minute stay within half of each method’s allowance, and every place still moves', async () => {
    const hub = followers();
    const edits: Record<EditMethod, Map<string, number[]>> = { 'chat.update': new Map(), 'views.publish': new Map() };
    const follow = (key: string, method: EditMethod) => {
      edits[method].set(key, []);
      void hub.follow(key, {
        progress: { method: () => method, show: async () => void edits[method].get(key)!.push(clock.now().getTime()) },
        finish: async () => undefined,
      });
    };
    for (let i = 0; i < 40; i += 1) follow(`C${i}:1.0`, 'chat.update');
    for (let i = 0; i < 80; i += 1) follow(`home:U${i}`, 'views.publish');
    await run(300);

    for (const method of ['chat.update', 'views.publish'] as const) {
      const times = [...edits[method].values()].flat();
      const allowance = SLACK_TIER_PER_MINUTE[method === 'chat.update' ? 3 : 4];
      expect(peakPerMinute(times)).toBeLessThanOrEqual(allowance / 2);
      // Backed off, not starved: every place was edited, several times over five minutes.
      expect(Math.min(...[...edits[method].values()].map((t) => t.length))).toBeGreaterThanOrEqual(2);
    }
  });

  test('alone, a message is edited at the base interval or a little slower, and only when the step changed', async () => {
    const hub = followers();
    const shown: number[] = [];
    void hub.follow('C1:1.0', { progress: { method: () => 'chat.update', show: async () => void shown.push(clock.now().getTime()) }, finish: async () => undefined });
    await run(60);
    // 25 a minute at most (half of Tier 3), at least the base interval apart.
    expect(shown.length).toBeGreaterThanOrEqual(20);
    expect(shown.length).toBeLessThanOrEqual(25);
    expect(Math.min(...shown.slice(1).map((t, i) => t - shown[i]))).toBeGreaterThanOrEqual(2_000);
    // The scan stalls: once its last step is shown, no edit.
    await pass(5_000);
    const before = shown.length;
    await pass(60_000);
    expect(shown.length).toBe(before);
  });

  test('a place registered again replaces its follower: one first edit, one result, every registration settles', async () => {
    const hub = followers();
    const calls: string[] = [];
    const registrations = [1, 2, 3, 4, 5].map((n) =>
      hub.follow('home:U1', {
        start: async () => void calls.push(`start ${n}`),
        progress: { method: () => 'views.publish', show: async () => void calls.push(`progress ${n}`) },
        finish: async () => void calls.push(`finish ${n}`),
      }),
    );
    await run(3);
    settle.resolve(smallReport(start));
    await flush();
    await Promise.all(registrations);
    expect(hub.size).toBe(0);
    expect(calls[0]).toBe('start 1');
    expect(calls.filter((c) => c.startsWith('start'))).toEqual(['start 1']);
    expect(calls.filter((c) => c.startsWith('progress')).every((c) => c === 'progress 5')).toBe(true);
    expect(calls.at(-1)).toBe('finish 5');
    expect(calls.filter((c) => c.startsWith('finish'))).toEqual(['finish 5']);
  });

  test('the result edit is tried again until it lands, waiting as long as Retry-After says', async () => {
    const hub = followers();
    const tries: number[] = [];
    const outcomes: ScanOutcome[] = [];
    const done = hub.follow('C1:1.0', {
      finish: async (outcome) => {
        tries.push(clock.now().getTime());
        if (tries.length === 1) throw Object.assign(new Error('rate limited'), { retryAfter: 7 });
        if (tries.length === 2) throw new Error('socket hang up');
        outcomes.push(outcome);
      },
    });
    settle.resolve(smallReport(start));
    await flush();
    expect(tries).toHaveLength(1);
    clock.advanceBy(6_000);
    await flush();
    expect(tries).toHaveLength(1);
    clock.advanceBy(1_000);
    await flush();
    expect(tries).toHaveLength(2);
    clock.advanceBy(2_000);
    await flush();
    await done;
    expect(tries.map((t) => t - start.getTime())).toEqual([0, 7_000, 9_000]);
    expect(outcomes).toEqual([{ report: smallReport(start) }]);
  });

  test('the result edit is given up after five tries, or at once when Slack refuses it for good; both are logged', async () => {
    const hub = followers();
    let transient = 0;
    let refused = 0;
    const a = hub.follow('C1:1.0', {
      finish: async () => {
        transient += 1;
        throw new Error('response_url answered HTTP 503: busy');
      },
    });
    const b = hub.follow('C2:1.0', {
      finish: async () => {
        refused += 1;
        throw Object.assign(new Error('An API error occurred: message_not_found'), { data: { ok: false, error: 'message_not_found' } });
      },
    });
    settle.resolve(smallReport(start));
    for (let i = 0; i < 10; i += 1) {
      await flush();
      clock.advanceBy(10_000);
    }
    await Promise.all([a, b]);
    expect(transient).toBe(5);
    expect(refused).toBe(1);
    expect(logs.filter((l) => JSON.parse(l).msg.startsWith('the result of a scan could not be shown'))).toHaveLength(2);
  });

  test('shutdown ends the following with ShuttingDownError, shown as the last edit', async () => {
    const hub = followers();
    const outcomes: ScanOutcome[] = [];
    const done = hub.follow('C1:1.0', { finish: async (outcome) => void outcomes.push(outcome) });
    shutdown.abort();
    await done;
    expect(outcomes).toHaveLength(1);
    expect((outcomes[0] as { err: unknown }).err).toBeInstanceOf(ShuttingDownError);
  });

  test('a first edit that fails rejects the registration, and nothing more is tried there', async () => {
    const hub = followers();
    const finish = jest.fn(async () => undefined);
    await expect(hub.follow('C1:1.0', { start: () => Promise.reject(new Error('not_in_channel')), finish })).rejects.toThrow('not_in_channel');
    settle.resolve(smallReport(start));
    await flush();
    expect(finish).not.toHaveBeenCalled();
    expect(hub.size).toBe(0);
  });
});

/** A scanner whose progress and end the test decides; each scan waits for `finish` or `fail`. */
function gatedScanner(): AccountScanner & { scansStarted: number; step(done: number, total: number): void; finish(report: ScanReport): void; fail(err: unknown): void } {
  let onProgress: ((p: ScanProgress) => void) | undefined;
  let settle: { resolve: (r: ScanReport) => void; reject: (e: unknown) => void } | undefined;
  const scanner = {
    scansStarted: 0,
    accountId: async () => ACCOUNT,
    scan(_accountId: string, progress: (p: ScanProgress) => void) {
      scanner.scansStarted += 1;
      onProgress = progress;
      return new Promise<ScanReport>((resolve, reject) => (settle = { resolve, reject }));
    },
    step: (done: number, total: number) => onProgress?.({ done, total, checkId: 'x', region: 'us-east-1' } as ScanProgress),
    finish: (report: ScanReport) => settle?.resolve(report),
    fail: (err: unknown) => settle?.reject(err),
  };
  return scanner;
}

const ADMINS = [ADMIN, ...Array.from({ length: 9 }, (_v, i) => `U0ADMIN${i + 2}`)];
const UNLISTED = 'C0UNLISTED';
const config = (slack: Record<string, unknown> = {}) => ({ roles: { admins: ADMINS }, slack: { progressUpdateSeconds: 0.5, publicChannels: PUBLIC_CHANNELS, ...slack } });

/** Switches on Slack's documented limits: one post per second per channel, chat.update Tier 3, views.publish Tier 4. */
function limitLikeSlack(h: SlackHarness): void {
  h.api.limitChannelPosts({ perSecond: 1, burst: 1 });
  h.api.limitMethod('chat.update', { perMinute: SLACK_TIER_PER_MINUTE[3] });
  h.api.limitMethod('views.publish', { perMinute: SLACK_TIER_PER_MINUTE[4] });
}

const isProgress = (c: RecordedCall) => /^Scanning/.test(c.args.text ?? '');
const topLevel = (h: SlackHarness, channel: string) => h.api.topLevelMessages(channel);

describe('bursts during one scan, with Slack’s rate limits on', () => {
  let h: SlackHarness;
  let scanner: ReturnType<typeof gatedScanner>;
  beforeEach(async () => {
    scanner = gatedScanner();
    h = await startSlackHarness({ scanner, config: config() });
    limitLikeSlack(h);
  });
  afterEach(() => h.stop());

  /** Moves the scan a step every 250 ms for `steps` steps. */
  async function progress(steps: number): Promise<void> {
    for (let done = 1; done <= steps; done += 1) {
      scanner.step(done, 40);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  test('10 /ftr scan in one channel and 5 Home opens by one user: 1 scan, 1 post, 9 private pointers, few edits, all ending at the result', async () => {
    await Promise.all(ADMINS.map((userId, i) => h.command('scan', { userId, responseId: `r${i}` })));
    await h.api.waitFor(() => scanner.scansStarted === 1 && h.api.responseUrlPosts.length === 9, 5000, 'the answers');
    for (let i = 0; i < 5; i += 1) await h.send(appHomeOpened(ADMIN));
    await progress(12);
    scanner.finish(smallReport());
    const message = await h.api.waitFor(() => topLevel(h, 'C0GENERAL').find((m) => m.text.startsWith('FTR readiness')), 10_000, 'the result');
    await h.api.waitFor(() => !JSON.stringify(h.api.homeViews.get(ADMIN)?.blocks ?? '').includes('Scan in progress') && h.api.homeViews.has(ADMIN), 10_000, 'the Home result');

    const posts = h.api.callsTo('chat.postMessage');
    const updates = h.api.callsTo('chat.update');
    const publishes = h.api.callsTo('views.publish');
    expect(scanner.scansStarted).toBe(1);
    expect(posts).toHaveLength(1);
    expect(topLevel(h, 'C0GENERAL')).toHaveLength(1);
    const pointers = h.api.responseUrlPosts;
    expect(pointers).toHaveLength(9);
    expect(pointers.every((p) => p.body.response_type === 'ephemeral' && /A scan of `\d+` is running; the status posted in this channel/.test(JSON.stringify(p.body.blocks)))).toBe(true);
    // About 3 s of progress: chat.update's share is 25 a minute, so at most one edit per 2.5 s or so; then the result.
    expect(updates.filter(isProgress).length).toBeLessThanOrEqual(3);
    expect(updates.filter((u) => !isProgress(u))).toHaveLength(1);
    expect(updates.every((u) => u.args.ts === message.ts)).toBe(true);
    // The Home: one first publish for five opens, progress, the result.
    expect(publishes.length).toBeLessThanOrEqual(1 + 4 + 1);
    expect(JSON.stringify(publishes[0].args.view)).toContain('Scan in progress');
    expect(h.api.calls.filter((c) => c.outcome === 'ratelimited')).toEqual([]);
    expect(peakPerMinute(updates.map((u) => u.at))).toBeLessThanOrEqual(SLACK_TIER_PER_MINUTE[3]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('10 /ftr scan in ten channels: one message each, progress edits backed off as followers grew, every message at the result', async () => {
    const channels = [...PUBLIC_CHANNELS, 'C0SIX', 'C0SEVEN', 'C0EIGHT', 'C0NINE', 'C0TEN'];
    await h.stop();
    h = await startSlackHarness({ scanner, config: config({ publicChannels: channels }) });
    limitLikeSlack(h);
    await Promise.all(ADMINS.map((userId, i) => h.command('scan', { userId, channelId: channels[i], responseId: `r${i}` })));
    await h.api.waitFor(() => h.api.callsTo('chat.postMessage').filter((c) => c.outcome === 'ok').length === 10, 5000, 'ten messages');
    await progress(24);
    scanner.finish(smallReport());
    await h.api.waitFor(() => channels.every((c) => topLevel(h, c)[0]?.text.startsWith('FTR readiness')), 10_000, 'every result');

    const updates = h.api.callsTo('chat.update');
    const progressEdits = updates.filter(isProgress);
    expect(scanner.scansStarted).toBe(1);
    expect(h.api.callsTo('chat.postMessage')).toHaveLength(10);
    // 6 s of progress with ten messages sharing 25 edits a minute: about 3 edits, the messages
    // waiting longest first. Unpaced, ten messages edited every 0.5 s would make 120.
    expect(progressEdits.length).toBeLessThanOrEqual(4);
    expect(updates.length - progressEdits.length).toBe(10);
    expect(h.api.calls.filter((c) => c.outcome === 'ratelimited')).toEqual([]);
  });

  test('private answers (a channel not listed): each asker gets their own, through the response_url: the first step and the result', async () => {
    await Promise.all(ADMINS.map((userId, i) => h.command('scan', { userId, channelId: UNLISTED, responseId: `r${i}` })));
    await h.api.waitFor(() => h.api.responseUrlPosts.length === 10, 5000, 'ten private answers');
    await progress(4);
    scanner.finish(smallReport());
    await h.api.waitFor(() => h.api.responseUrlPosts.filter((p) => p.body.replace_original === true).length === 10, 10_000, 'ten results');
    const posts = h.api.responseUrlPosts;
    expect(h.api.callsTo('chat.postMessage')).toEqual([]);
    expect(h.api.callsTo('chat.update')).toEqual([]);
    expect(posts).toHaveLength(20);
    expect(posts.every((p) => p.body.response_type === 'ephemeral')).toBe(true);
    expect(new Set(posts.map((p) => p.id)).size).toBe(10);
    const last = new Map(posts.map((p) => [p.id, p.body.text as string]));
    expect([...last.values()].every((text) => text.startsWith('FTR readiness'))).toBe(true);
  });

  test('a result edit rate-limited beyond the client’s own retries still lands', async () => {
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 3 * 3600_000)));
    await h.command('scan');
    const message = await h.api.waitFor(() => topLevel(h, 'C0GENERAL')[0], 5000, 'the status');
    // The last report at once, saying a scan runs: nothing to edit until the result.
    expect(message.text).toMatch(/^FTR readiness/);
    expect(JSON.stringify(message.blocks)).toContain('A scan is running');
    // The client tries four times (its three retries, each after Retry-After); the follower tries again.
    h.api.rateLimit('chat.update', 4);
    scanner.finish(smallReport());
    await h.api.waitFor(() => h.api.callsTo('chat.update').some((c) => c.outcome === 'ok'), 30_000, 'the result edit');
    expect(h.api.callsTo('chat.update').map((c) => c.outcome)).toEqual(['ratelimited', 'ratelimited', 'ratelimited', 'ratelimited', 'ok']);
    const final = topLevel(h, 'C0GENERAL')[0];
    expect(final.text).toMatch(/gathered just now/);
    expect(JSON.stringify(final.blocks)).not.toContain('A scan is running');
  }, 60_000);
});

describe('two replicas sharing one store', () => {
  let dir: string;
  let api: SlackApiStandIn;
  let first: SlackHarness;
  let second: SlackHarness;
  let scanners: ReturnType<typeof gatedScanner>[];
  let stores: SqliteStore[];
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ftr-replicas-'));
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
    scanners = [gatedScanner(), gatedScanner()];
    stores = [new SqliteStore(join(dir, 'ftr.sqlite')), new SqliteStore(join(dir, 'ftr.sqlite'))];
    first = await startSlackHarness({ api, store: stores[0], scanner: scanners[0], config: config() });
    second = await startSlackHarness({ api, store: stores[1], scanner: scanners[1], config: config() });
  });
  afterEach(async () => {
    await Promise.all([first.stop(), second.stop()]);
    await Promise.all(stores.map((s) => s.close()));
    await api.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('an on-demand scan on one replica: the other joins it while it runs, and refuses a new one within the interval', async () => {
    await first.command('scan', { channelId: 'C0FIRST' });
    await api.waitFor(() => scanners[0].scansStarted === 1, 5000, 'the scan');
    await second.command('scan', { userId: 'U0ADMIN2', channelId: 'C0SECOND' });
    await api.waitFor(() => topLevel(first, 'C0SECOND')[0], 5000, 'the second message');
    scanners[0].finish(smallReport());
    await api.waitFor(() => ['C0FIRST', 'C0SECOND'].every((c) => topLevel(first, c)[0]?.text.startsWith('FTR readiness')), 15_000, 'both results');
    expect(scanners.map((s) => s.scansStarted)).toEqual([1, 0]);

    await second.command('scan', { userId: 'U0ADMIN3', channelId: 'C0SECOND', responseId: 'refused' });
    const refusal = await api.waitFor(() => api.responseUrlPosts.find((p) => p.id === 'refused'), 5000, 'the refusal');
    expect(refusal.body.response_type).toBe('ephemeral');
    const said = JSON.stringify(refusal.body.blocks);
    expect(said).toMatch(new RegExp(`The last on-demand scan of \`${ACCOUNT}\` started just now by <@${ADMIN}>; on-demand scans start at most once every 10 minutes\\.`));
    expect(said).toMatch(/The next scan can start <!date\^\d+\^[^|]+\|[^>]+> \(in 10 minutes\)/);
    // The last result is shown meanwhile.
    await api.waitFor(() => topLevel(first, 'C0SECOND').length === 2, 5000, 'the last result');
    expect(topLevel(first, 'C0SECOND')[1].text).toMatch(/^FTR readiness .*gathered just now/);
    await new Promise((r) => setTimeout(r, 300));
    expect(scanners.map((s) => s.scansStarted)).toEqual([1, 0]);
  }, 60_000);

  test('scheduled scans are not limited and do not count as on-demand ones', async () => {
    const scheduled = second.scans.start(ACCOUNT);
    await api.waitFor(() => scanners[1].scansStarted === 1, 5000, 'the scheduled scan');
    scanners[1].finish(smallReport());
    await scheduled.result;
    await first.command('scan', { channelId: 'C0FIRST' });
    await api.waitFor(() => scanners[0].scansStarted === 1, 5000, 'the on-demand scan');
    scanners[0].finish(smallReport());
    await api.waitFor(() => topLevel(first, 'C0FIRST')[0]?.text.startsWith('FTR readiness'), 10_000, 'the result');
  });
});
