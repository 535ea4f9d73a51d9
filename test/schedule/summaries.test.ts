import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import pino from 'pino';
import type { CheckResult } from '../../src/core/types';
import type { ScanReport } from '../../src/engine/scan';
import type { AccountScanner } from '../../src/engine/scanService';
import { startServer, type Server } from '../../src/serve';
import { dynamoBacking } from '../store/fixtures';
import { FakeClock } from '../support/fakeClock';
import { SlackApiStandIn } from '../support/slackApi';
import { BOT_TOKEN, SIGNING_SECRET } from '../support/slackHarness';
import { ACCOUNT } from '../slack/fixtures';

const CHANNEL = 'C0POSTURE1';
const TABLE = 'ftr-state';

const result = (checkId: string, refs: string[], resource: string, status: CheckResult['status']): CheckResult => ({
  checkId,
  refs,
  status,
  severity: 'high',
  accountId: ACCOUNT,
  region: resource.startsWith('arn:aws:s3') || resource.startsWith('arn:aws:iam') ? 'global' : 'us-east-1',
  resource,
  message: `${checkId} on ${resource}: ${status}`,
});

const bucket = (name: string) => `arn:aws:s3:::${name}`;

/** The account as the scanner sees it; tests change it between occurrences. */
let accountResults: CheckResult[];

/** A scanner over `accountResults`, counting its scans, stamping reports with the fake clock. */
function accountScanner(clock: FakeClock, counter: { scans: number }): AccountScanner {
  return {
    accountId: async () => ACCOUNT,
    async scan(_accountId, onProgress) {
      counter.scans += 1;
      onProgress({ done: 1, total: 1, checkId: 'x', region: 'us-east-1' });
      const results = accountResults.map((r) => ({ ...r }));
      const count = (s: CheckResult['status']) => results.filter((r) => r.status === s).length;
      // Distinct per scan even when the fake clock stands still.
      const generatedAt = new Date(clock.now().getTime() + counter.scans);
      const report: ScanReport = {
        schemaVersion: 1,
        generatedAt: generatedAt.toISOString(),
        accounts: [ACCOUNT],
        regions: ['us-east-1'],
        summary: { PASS: count('PASS'), FAIL: count('FAIL'), ERROR: count('ERROR'), MANUAL: count('MANUAL'), NOT_APPLICABLE: count('NOT_APPLICABLE'), durationMs: 1, awsRequests: { total: 0, byOperation: {} } },
        results,
      };
      return report;
    },
  };
}

async function eventually<T>(what: string, probe: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

describe('periodic posture summaries with two replicas on one DynamoDB table', () => {
  let api: SlackApiStandIn;
  let dir: string;
  let servers: Server[] = [];
  const counters = [{ scans: 0 }, { scans: 0 }];
  // Sunday 29 November 2026, 12:00 UTC; the schedule is Mondays 09:00 Europe/Berlin (08:00 UTC).
  const clock = new FakeClock(new Date('2026-11-29T12:00:00Z'));

  const summaries = () => api.callsTo('chat.postMessage').filter((c) => c.outcome === 'ok' && c.args.channel === CHANNEL);

  beforeAll(async () => {
    accountResults = [
      result('s3_bucket_public_access_block', ['FTR-12.1'], bucket('logs'), 'PASS'),
      result('s3_bucket_public_access_block', ['FTR-12.1'], bucket('web'), 'FAIL'),
      result('iam_user_mfa_enabled_console_access', ['FTR-7.1'], `arn:aws:iam::${ACCOUNT}:user/alice`, 'PASS'),
      result('cloudtrail_multi_region_enabled', ['FTR-6.1'], 'account', 'PASS'),
    ];
    await dynamoBacking();
    api = await SlackApiStandIn.start({ token: BOT_TOKEN });
    dir = mkdtempSync(join(tmpdir(), 'ftr-summaries-'));
    const configFile = join(dir, 'ftr.yaml');
    writeFileSync(configFile, `summaries:\n  - channel: ${CHANNEL}\n    cron: "0 9 * * 1"\n    timezone: Europe/Berlin\n`);
    const env = {
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_API_URL: api.url,
      PORT: '0',
      STORE_URL: `dynamodb://${TABLE}?region=us-east-1`,
      FTR_CONFIG: configFile,
      AWS_ENDPOINT_URL: process.env.AWS_ENDPOINT_URL,
      AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: process.env.AWS_SECRET_ACCESS_KEY,
      AWS_REGION: 'us-east-1',
    };
    servers = await Promise.all(counters.map((counter) => startServer({ env, clock, scanner: accountScanner(clock, counter), logger: pino({ level: 'silent' }) })));
  });

  afterAll(async () => {
    await Promise.all(servers.map((s) => s.stop(2_000)));
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const totalScans = () => counters[0].scans + counters[1].scans;

  /** Moves the clock to `to` and waits until the occurrence there is summarised and both replicas sleep again. */
  async function occurrence(to: string, expectedSummaries: number) {
    clock.advanceTo(new Date(to));
    await eventually(`summary ${expectedSummaries}`, () => summaries().length >= expectedSummaries);
    await eventually('the chart upload', () => api.uploads().filter((u) => u.filename === 'ftr-posture-trend.png').length >= expectedSummaries);
    // The replica that did not get the occurrence looks again after its retry interval.
    clock.advanceBy(20_000);
    await new Promise((r) => setTimeout(r, 300));
  }

  it('scans once at start-up across both replicas, when the store has no scan', async () => {
    await eventually('the start-up scan', () => totalScans() >= 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(totalScans()).toBe(1);
    expect(summaries()).toHaveLength(0);
  });

  it('posts one summary per occurrence, with what changed since the start-up scan, and a chart', async () => {
    // Between scans: the web bucket is fixed, the logs bucket becomes public, a new bucket cannot be read.
    accountResults = [
      result('s3_bucket_public_access_block', ['FTR-12.1'], bucket('logs'), 'FAIL'),
      result('s3_bucket_public_access_block', ['FTR-12.1'], bucket('web'), 'PASS'),
      result('s3_bucket_public_access_block', ['FTR-12.1'], bucket('data'), 'ERROR'),
      result('iam_user_mfa_enabled_console_access', ['FTR-7.1'], `arn:aws:iam::${ACCOUNT}:user/alice`, 'PASS'),
      result('cloudtrail_multi_region_enabled', ['FTR-6.1'], 'account', 'PASS'),
    ];
    await occurrence('2026-11-30T08:00:00Z', 1);
    expect(summaries()).toHaveLength(1);
    expect(totalScans()).toBe(2);

    const text = JSON.stringify(summaries()[0].args.blocks);
    expect(text).toMatch(/requirements met/);
    expect(text).toMatch(/New failures \(1\)/);
    expect(text).toMatch(/logs/);
    expect(text).toMatch(/Fixed \(1\)/);
    expect(text).toMatch(/web/);
    expect(text).toMatch(/New errors[^"]*\(1\)/);
    expect(text).toMatch(/data/);

    const [chart] = api.uploads().filter((u) => u.filename === 'ftr-posture-trend.png');
    expect(chart.channel).toBe(CHANNEL);
    const summaryMessage = [...api.messages.get(CHANNEL)!.values()].find((m) => !m.threadTs && m.blocks.length > 0);
    expect(chart.threadTs).toBe(summaryMessage?.ts);
    const png = PNG.sync.read(chart.bytes);
    expect(png.width).toBeGreaterThanOrEqual(600);
    expect(png.height).toBeGreaterThanOrEqual(300);
  });

  it('compares the next occurrence with the previous summary and says "no change" in one line', async () => {
    await occurrence('2026-12-07T08:00:00Z', 2);
    expect(summaries()).toHaveLength(2);
    expect(totalScans()).toBe(3);
    const text = JSON.stringify(summaries()[1].args.blocks);
    expect(text).toMatch(/No change since the previous summary/);
    expect(text).not.toMatch(/New failures/);
  });

  it('reports the next change against the previous summary, not against scans in between', async () => {
    accountResults = accountResults.map((r) => (r.resource === bucket('logs') ? { ...r, status: 'PASS' as const } : r));
    // An on-demand scan between occurrences sees the fix first.
    await servers[1].scans.start(ACCOUNT).result;
    await occurrence('2026-12-14T08:00:00Z', 3);
    expect(summaries()).toHaveLength(3);
    const text = JSON.stringify(summaries()[2].args.blocks);
    expect(text).toMatch(/Fixed \(1\)/);
    expect(text).toMatch(/logs/);
    expect(text).toMatch(/since the previous summary/);
  });
});
