import { appHomeOpened, homeButtonClick } from '../support/slackRequests';
import { ScanSetupError } from '../../src/engine/scanAccount';
import { SLACK_TIER_PER_MINUTE, type RecordedCall } from '../support/slackApi';
import { ADMIN, heldScanner, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
import { ACCOUNT, smallReport } from './fixtures';

let h: SlackHarness;
let scanner: ReturnType<typeof scriptedScanner>;

beforeEach(async () => {
  scanner = scriptedScanner({ report: () => smallReport(), steps: 4, stepMs: 100 });
  h = await startSlackHarness({ scanner });
  h.api.reset();
});
afterEach(() => h.stop());

test('opening the App Home publishes the posture overview for that user', async () => {
  await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 20 * 60_000)));
  const ack = await h.send(appHomeOpened(READER));
  expect(ack.status).toBe(200);
  const view = await h.api.waitFor(() => h.api.homeViews.get(READER), 5000, 'the home view');
  expect(view.type).toBe('home');
  const text = JSON.stringify(view.blocks);
  expect(text).toContain('FTR readiness');
  expect(text).toContain('20 minutes ago');
  // A reader gets no scan button and no admin-only commands.
  expect(text).not.toContain('ftr_rescan');
  expect(text).not.toContain('/ftr scan');
  expect(h.api.allViolations()).toEqual([]);
  expect(scanner.scansStarted).toBe(0);
});

test('an admin sees the Re-scan button; pressing it there follows the scan on the home tab', async () => {
  await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 20 * 60_000)));
  await h.send(appHomeOpened(ADMIN));
  const view = await h.api.waitFor(() => h.api.homeViews.get(ADMIN), 5000, 'the home view');
  expect(JSON.stringify(view.blocks)).toContain('ftr_rescan');

  await h.send(homeButtonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN }));

  await h.api.waitFor(() => scanner.scansStarted === 1 && !h.scans.current(ACCOUNT), 5000, 'the scan');
  await new Promise((r) => setTimeout(r, 200));
  const publishes = h.api.callsTo('views.publish').slice(1);
  expect(JSON.stringify(publishes[0].args.view)).toContain('Scan in progress');
  expect(JSON.stringify(publishes.at(-1)!.args.view)).toContain('just now');
  expect(JSON.stringify(publishes.at(-1)!.args.view)).not.toContain('Scan in progress');
});

test('without AWS access the App Home still opens, without posture', async () => {
  await h.stop();
  h = await startSlackHarness({ scanner: { ...scriptedScanner({ report: () => smallReport() }), accountId: () => Promise.reject(new Error('no credentials')) } });
  await h.send(appHomeOpened(READER));
  const view = await h.api.waitFor(() => h.api.homeViews.get(READER), 5000, 'the home view');
  expect(JSON.stringify(view.blocks)).toContain('No scan yet');
});

describe('the App Home while a scan runs', () => {
  const views = () => h.api.callsTo('views.publish');
  const shows = (call: RecordedCall, text: string) => JSON.stringify(call.args.view).includes(text);

  test('five opens by one person during a scan: one first publish, progress within Tier 4, then the result', async () => {
    await h.stop();
    const held = heldScanner(scriptedScanner({ report: () => smallReport(), steps: 20, stepMs: 150 }));
    h = await startSlackHarness({ scanner: held });
    h.api.limitMethod('views.publish', { perMinute: SLACK_TIER_PER_MINUTE[4] });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 20 * 60_000)));
    await h.command('scan');
    await h.api.waitFor(() => h.scans.current(ACCOUNT), 5000, 'the scan');
    for (let i = 0; i < 5; i += 1) await h.send(appHomeOpened(READER));
    await h.api.waitFor(() => views().length >= 1, 5000, 'the first publish');
    await new Promise((r) => setTimeout(r, 300));
    // The other four opens only took over the following.
    expect(views()).toHaveLength(1);
    expect(shows(views()[0], 'Scan in progress')).toBe(true);

    await new Promise((r) => setTimeout(r, 3_000));
    held.release();
    await h.api.waitFor(() => views().length > 1 && !shows(views().at(-1)!, 'Scan in progress'), 10_000, 'the result');
    const progress = views().slice(1, -1);
    expect(progress.every((v) => shows(v, 'Scan in progress'))).toBe(true);
    // 3 s at half of Tier 4 (50 a minute): a handful at most.
    expect(progress.length).toBeLessThanOrEqual(4);
    expect(shows(views().at(-1)!, 'just now')).toBe(true);
    expect(h.api.calls.filter((c) => c.outcome === 'ratelimited')).toEqual([]);
    expect(h.api.allViolations()).toEqual([]);
  });

  test('a failed scan leaves the last report on the Home tab, saying what failed', async () => {
    await h.stop();
    h = await startSlackHarness({ scanner: { ...scriptedScanner({ report: () => smallReport() }), scan: () => Promise.reject(new ScanSetupError('no AWS credentials found')) } });
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 20 * 60_000)));
    await h.send(homeButtonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN }));
    const final = await h.api.waitFor(() => views().find((v) => shows(v, 'The scan failed')), 5000, 'the failure');
    const text = JSON.stringify(final.args.view);
    expect(text).toContain('no AWS credentials found');
    expect(text).toContain('20 minutes ago');
    expect(text).toContain('ftr_rescan');
    expect(h.api.allViolations()).toEqual([]);
  });

  test('Re-scan on the Home within the account’s interval says when the next scan can start, and scans nothing', async () => {
    await h.store.saveScan(ACCOUNT, smallReport(new Date(Date.now() - 20 * 60_000)));
    await h.send(homeButtonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN }));
    await h.api.waitFor(() => scanner.scansStarted === 1 && !h.scans.current(ACCOUNT) && views().length > 0 && !shows(views().at(-1)!, 'Scan in progress'), 5000, 'the scan');
    const before = views().length;
    await h.send(homeButtonClick({ actionId: 'ftr_rescan', value: ACCOUNT, userId: ADMIN }));
    const refused = await h.api.waitFor(() => views().length > before && views().at(-1), 5000, 'the refusal');
    expect(JSON.stringify(refused.args.view)).toMatch(/Not scanned now\.\* The last on-demand scan of `\d+` started just now by <@U0ADMIN>; on-demand scans start at most once every 10 minutes\. The next scan can start/);
    await new Promise((r) => setTimeout(r, 200));
    expect(scanner.scansStarted).toBe(1);
  });
});
