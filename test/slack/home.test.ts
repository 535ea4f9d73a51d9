import { appHomeOpened, homeButtonClick } from '../support/slackRequests';
import { ADMIN, READER, scriptedScanner, startSlackHarness, type SlackHarness } from '../support/slackHarness';
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
